/* test/xen/qmp_host.c — runs runtime/xen/qmp.c on the build host for test/xen/qmp.test.ts:
 * starts a session, feeds stdin to qmp_input in 7-byte pieces (to exercise framing across
 * reads), and writes everything the server queued to stdout. printk goes to stderr. */
#include <stdarg.h>
#include <string.h>
#include <unistd.h>
#include "console.h"
#include "lib.h"
#include "qmp.h"

void printk(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof buf - 1)
        n = (int)sizeof buf - 1;
    if (write(2, buf, (size_t)n) < 0)
        return;
}

static unsigned vcpus(void) { return 2; }
static int conts;
static void on_cont(void) { conts++; }
static const struct qmp_hooks hooks = { .nr_vcpus = vcpus, .on_cont = on_cont };
/* `qmp_host vnc`: the dom0 helper's hooks, a VNC server on 127.0.0.1:5901 */
static int vnc(char *host, size_t hlen, char *service, size_t slen)
{
    snprintf(host, hlen, "127.0.0.1");
    snprintf(service, slen, "5901");
    return 1;
}
static void vnc_password(const char *pw) { printk("password=[%s]\n", pw); }
static const struct qmp_hooks helper_hooks = { .nr_vcpus = vcpus, .on_cont = on_cont, .vnc = vnc, .vnc_password = vnc_password };

static void flush(struct qmp *q)
{
    if (q->out_len && write(1, q->out, q->out_len) < 0)
        return;
    qmp_consume_output(q, q->out_len);
}

int main(int argc, char **argv)
{
    static struct qmp q;
    static char in[65536];
    size_t len = 0;
    ssize_t n;
    while ((n = read(0, in + len, sizeof in - len)) > 0)
        len += (size_t)n;
    qmp_init(&q, argc > 1 && !strcmp(argv[1], "vnc") ? &helper_hooks : &hooks);
    qmp_session_start(&q);
    flush(&q);
    for (size_t i = 0; i < len; i += 7) {
        qmp_input(&q, in + i, len - i < 7 ? len - i : 7);
        flush(&q);
    }
    printk("conts=%d\n", conts);
    return 0;
}
