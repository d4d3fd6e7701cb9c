/* test/xen/sandbox_host.c — the dom0 helper's confinement (host/dom0/sandbox.c) on the build host
 * for test/xen/sandbox.test.ts, built WITHOUT sanitizers (ASan's runtime makes system calls the
 * helper does not). Cases:
 *   status          drop + confine, then /proc/self/status says Seccomp 2, NoNewPrivs 1, no
 *                   capabilities (effective, permitted, bounding when started as root);
 *   backends        the helper's runtime paths under the filter, in its order (init: handles;
 *                   drop; start: watches, scans; confine): a pty console and a file console and
 *                   a qdisk vbd that appear after confinement are served (posix_openpt, the pty's
 *                   slave, O_CREAT|O_NOFOLLOW files, image open/pread, grant maps);
 *   ioctl           a tty and a gntdev ioctl still reach the kernel; the privcmd hypercall
 *                   ioctl (not on the allow-list) kills (SIGSYS);
 *   execve, fork, creat-follow, socket, ptrace
 *                   each a forbidden call after confinement: the process must die of SIGSYS
 *                   (the test checks the signal); "FAIL ... survived" otherwise;
 *   capped-log      capped_log.c keeps a file under its cap (not confined).
 * With -DNO_SANDBOX the two sandbox calls do nothing (to show the tests fail without it). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xen/io/blkif.h>
#include <xen/io/console.h>
#include <xen/io/xenbus.h>

#include "capped_log.h"
#include "qdisk.h"
#include "sandbox.h"
#include "serial_pty.h"
#include "xen_fakes.h"

#define STUB 9
#define XS ((struct xs_handle *)&dummy_handle)

static void confine(void)
{
#ifndef NO_SANDBOX
    check(sandbox_drop_privileges() == 0, "capabilities dropped, no_new_privs set");
    check(sandbox_confine() == 0, "seccomp filter installed");
#endif
}

static char status_line(const char *key, char *out, size_t size)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    out[0] = 0;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, key, strlen(key)) && line[strlen(key)] == ':') {
            snprintf(out, size, "%s", line + strlen(key) + 1 + strspn(line + strlen(key) + 1, " \t"));
            out[strcspn(out, "\n")] = 0;
        }
    if (f)
        fclose(f);
    return out[0];
}

static void case_status(void)
{
    bool root = geteuid() == 0;
    confine();
    char v[64];
    status_line("Seccomp", v, sizeof v);
    check(!strcmp(v, "2"), "Seccomp: %s (2: filter)", v);
    status_line("NoNewPrivs", v, sizeof v);
    check(!strcmp(v, "1"), "NoNewPrivs: %s", v);
    const char *caps[] = { "CapEff", "CapPrm", "CapInh", "CapAmb", root ? "CapBnd" : "CapEff" };
    for (unsigned i = 0; i < 5; i++) {
        status_line(caps[i], v, sizeof v);
        check(!strcmp(v, "0000000000000000"), "%s: %s", caps[i], v);
    }
    printf("ok (started as %s)\n", root ? "root: the bounding set checked too" : "non-root");
}

static void console(unsigned n, const char *output)
{
    char p[128];
    snprintf(p, sizeof p, "/local/domain/0/backend/console/9/%u/frontend", n), set(p, "/local/domain/9/device/console/%u", n);
    snprintf(p, sizeof p, "/local/domain/0/backend/console/9/%u/frontend-id", n), set(p, "9");
    snprintf(p, sizeof p, "/local/domain/9/device/console/%u/output", n), set(p, "%s", output);
    snprintf(p, sizeof p, "/local/domain/9/device/console/%u/ring-ref", n), set(p, "%u", n);
    snprintf(p, sizeof p, "/local/domain/9/device/console/%u/port", n), set(p, "%u", 20 + n);
    snprintf(p, sizeof p, "/local/domain/9/device/console/%u/state", n), set(p, "%d", XenbusStateInitialised);
    memset(fe_mem[n], 0, sizeof(struct xencons_interface));
}

static void guest_writes(unsigned n, const char *s)
{
    struct xencons_interface *r = (struct xencons_interface *)fe_mem[n];
    for (size_t i = 0; s[i]; i++)
        r->out[MASK_XENCONS_IDX(r->out_prod + i, r->out)] = s[i];
    __atomic_store_n(&r->out_prod, r->out_prod + (XENCONS_RING_IDX)strlen(s), __ATOMIC_RELEASE);
}

static void kick(void)
{
    struct pollfd pfd[SERIAL_PTY_POLLFDS];
    unsigned n = serial_pty_pollfds(pfd);
    poll(pfd, n, 0);
    for (unsigned i = 0; i < n; i++)
        if (pfd[i].fd < 0)
            pfd[i].revents = POLLIN;
    serial_pty_handle(pfd, n);
}

static void case_backends(const char *dir)
{
    char file[300], image[300], late[300];
    snprintf(file, sizeof file, "file:%s/serial4.log", dir);
    snprintf(late, sizeof late, "file:%s/serial5.log", dir);
    snprintf(image, sizeof image, "%s/cd.img", dir);
    int fd = open(image, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    char sector[512];
    memset(sector, 0x5a, sizeof sector);
    for (int i = 0; i < 16; i++)
        check(write(fd, sector, sizeof sector) == 512, "image sector %d", i);
    close(fd);
    console(3, "pty"), console(4, file);
    /* the helper's order: handles, drop, watches and scans, confine */
    qdisk_init(XS, STUB), serial_pty_init(XS, STUB);
#ifndef NO_SANDBOX
    check(sandbox_drop_privileges() == 0, "capabilities dropped");
#endif
    qdisk_start(), serial_pty_start();
#ifndef NO_SANDBOX
    check(sandbox_confine() == 0, "confined");
#endif
    /* what the real libxenstore does around every request (xs_talkv), which the stand-in does not */
    struct sigaction ign = {.sa_handler = SIG_IGN}, old;
    sigemptyset(&ign.sa_mask);
    check(sigaction(SIGPIPE, &ign, &old) == 0 && sigaction(SIGPIPE, &old, 0) == 0,
          "SIGPIPE ignored and restored under the filter, as libxenstore's xs_talkv does");
    /* devices that appear after confinement */
    console(5, late), console(6, "pty");
    serial_pty_scan();
    const char *tty = val("/local/domain/9/device/console/6/tty");
    check(tty && !strncmp(tty, "/dev/pts/", 9), "a pty made under the filter (%s)", tty ? tty : "none");
    int t = open(tty, O_RDWR | O_NOCTTY | O_NONBLOCK);
    check(t >= 0, "its slave opens");
    serial_pty_scan();
    guest_writes(6, "hello pty\r\n"), guest_writes(4, "hello file\n"), guest_writes(5, "hello late file\n");
    kick();
    char buf[64] = "";
    ssize_t n = 0;
    for (int i = 0; i < 100 && n <= 0; i++) {
        n = read(t, buf, sizeof buf - 1);
        if (n <= 0)
            kick();
    }
    check(n == 11 && !memcmp(buf, "hello pty\r\n", 11), "output through the pty");
    check(write(t, "typed", 5) == 5, "typed into it");
    for (int i = 0; i < 100 && ((struct xencons_interface *)fe_mem[6])->in_prod != 5; i++)
        kick();
    check(((struct xencons_interface *)fe_mem[6])->in_prod == 5, "input into the ring");
    close(t);
    for (int c = 4; c <= 5; c++) {
        char path[320];
        snprintf(path, sizeof path, "%s/serial%d.log", dir, c);
        int f = open(path, O_RDONLY);
        n = f >= 0 ? read(f, buf, sizeof buf - 1) : -1;
        check(n > 5 && !memcmp(buf, "hello", 5), "file console %d written (mode 0600, O_NOFOLLOW)", c);
        close(f);
    }
    /* a vbd that appears after confinement: opened, described, a read served */
    const char *be = "/local/domain/0/backend/qdisk/9/5632", *fe = "/local/domain/9/device/vbd/5632";
    char p[128];
    snprintf(p, sizeof p, "%s/frontend", be), set(p, "%s", fe);
    snprintf(p, sizeof p, "%s/frontend-id", be), set(p, "9");
    snprintf(p, sizeof p, "%s/params", be), set(p, "aio:%s", image);
    snprintf(p, sizeof p, "%s/mode", be), set(p, "r");
    snprintf(p, sizeof p, "%s/state", be), set(p, "%d", XenbusStateInitialising);
    qdisk_scan();
    snprintf(p, sizeof p, "%s/ring-ref", fe), set(p, "10");
    snprintf(p, sizeof p, "%s/event-channel", fe), set(p, "11");
    snprintf(p, sizeof p, "%s/state", fe), set(p, "%d", XenbusStateInitialised);
    memset(fe_mem[10], 0, 4096);
    qdisk_scan();
    snprintf(p, sizeof p, "%s/state", be);
    check(atoi(val(p)) == XenbusStateConnected, "a vbd connected under the filter");
    uint8_t *ring = fe_mem[10];
    uint8_t *req = ring + 64;   /* slot 0: READ of sector 2 into page 11, sector 0 */
    req[0] = BLKIF_OP_READ, req[1] = 1;
    *(uint64_t *)(req + 16) = 2;
    *(uint32_t *)(req + 24) = 11, req[28] = 0, req[29] = 0;
    __atomic_store_n((uint32_t *)ring, 1, __ATOMIC_RELEASE);
    qdisk_serve(false);
    check(*(uint32_t *)(ring + 8) == 1 && *(int16_t *)(ring + 64 + 10) == BLKIF_RSP_OKAY && fe_mem[11][0] == 0x5a,
          "a read served from the image under the filter");
    printf("ok the helper's runtime paths run confined\n");
}

static void case_ioctl(void)
{
    int fd = open("/dev/null", O_RDWR);
    confine();
    struct termios *none = 0;
    int rc = ioctl(fd, TCGETS, none);
    check(rc < 0 && errno == ENOTTY, "an allowed (tty) ioctl reaches the kernel (ENOTTY from /dev/null: %s)", strerror(errno));
    rc = ioctl(fd, _IOC(_IOC_NONE, 'G', 2, 24), 0);   /* a gntdev command */
    check(rc < 0 && errno == ENOTTY, "a gntdev ioctl reaches the kernel (%s)", strerror(errno));
    printf("ok now the privcmd hypercall ioctl, which must kill\n");
    fflush(stdout);
    ioctl(fd, _IOC(_IOC_NONE, 'P', 0, 48), 0);   /* IOCTL_PRIVCMD_HYPERCALL: any hypercall as dom0 */
    printf("FAIL the hypercall ioctl survived the filter\n");
    exit(1);
}

static void case_forbidden(const char *what, const char *dir)
{
    confine();
    printf("ok confined; now %s\n", what);
    fflush(stdout);
    if (!strcmp(what, "execve")) {
        char *argv[] = { "/bin/true", 0 };
        execve("/bin/true", argv, environ);
    } else if (!strcmp(what, "fork")) {
        pid_t p = fork();
        if (p == 0)
            _exit(0);
    } else if (!strcmp(what, "creat-follow")) {
        char path[300];
        snprintf(path, sizeof path, "%s/created", dir);
        open(path, O_WRONLY | O_CREAT, 0600);
    } else if (!strcmp(what, "socket")) {
        socket(AF_INET, SOCK_STREAM, 0);
    } else if (!strcmp(what, "ptrace")) {
        ptrace(PTRACE_TRACEME, 0, 0, 0);
    }
    printf("FAIL %s survived the filter\n", what);
    exit(1);
}

static void case_capped_log(const char *dir)
{
    char path[300];
    snprintf(path, sizeof path, "%s/capped.log", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_TRUNC, 0600);
    struct capped_log l;
    capped_log_init(&l, fd, 4096);
    char line[100];
    memset(line, 'x', sizeof line - 1), line[sizeof line - 1] = '\n';
    for (int i = 0; i < 1000; i++)
        capped_log_write(&l, line, sizeof line);
    struct stat st;
    fstat(fd, &st);
    check(st.st_size <= 4096 && st.st_size > 0, "100 KB written through a 4 KiB cap: the file holds %lld bytes", (long long)st.st_size);
    check(l.truncations >= 20, "truncated %u times", l.truncations);
    char head[64] = "";
    int r = open(path, O_RDONLY);
    check(read(r, head, 20) == 20 && !strncmp(head, "--- log truncated at", 20), "and it says so at its start");
    close(r), close(fd);
}

int main(int argc, char **argv)
{
    alarm(30);
    if (argc < 2)
        return 2;
    const char *dir = argc > 2 ? argv[2] : "/tmp";
    if (!strcmp(argv[1], "status"))
        case_status();
    else if (!strcmp(argv[1], "backends"))
        case_backends(dir);
    else if (!strcmp(argv[1], "ioctl"))
        case_ioctl();
    else if (!strcmp(argv[1], "capped-log"))
        case_capped_log(dir);
    else
        case_forbidden(argv[1], dir);
    return 0;
}
