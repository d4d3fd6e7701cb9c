/* runtime/xen/qmp.h — the minimal QMP server libxl needs from a qemu-xen device model:
 * greeting, qmp_capabilities, cont, stop, query-status, query-cpus-fast, and (what libxl asks the
 * dom0 side of a stub domain, host/dom0/stubdom-dm-helper.c, which uses this server too)
 * query-chardev and query-vnc; everything else gets a CommandNotFound error. Transport-neutral: bytes in through qmp_input, replies accumulate in
 * an output buffer the caller drains. Every message ends with CRLF; request ids are echoed
 * verbatim. */
#ifndef XEN_QMP_H
#define XEN_QMP_H

#include <stddef.h>

struct qmp_hooks {
    unsigned (*nr_vcpus)(void);   /* online vCPUs of the guest, for query-cpus-fast */
    void (*on_cont)(void);        /* `cont`: the toolstack is about to unpause the guest */
    /* query-vnc (the dom0 helper's VNC server): 1 and the address it listens on, or 0 = none */
    int (*vnc)(char *host, size_t hlen, char *service, size_t slen);
    /* change-vnc-password (libxl sends it when the guest's config has vncpasswd) */
    void (*vnc_password)(const char *password);
};

struct qmp {
    const struct qmp_hooks *hooks;
    char in[4096];
    size_t in_len;
    char out[4096];
    size_t out_len;
    int running;
};

void qmp_init(struct qmp *q, const struct qmp_hooks *hooks);
/* A new client session: drops partial input, queues the greeting. */
void qmp_session_start(struct qmp *q);
void qmp_input(struct qmp *q, const char *data, size_t len);
/* Removes `n` bytes the caller has sent from the front of the output buffer. */
void qmp_consume_output(struct qmp *q, size_t n);

#endif
