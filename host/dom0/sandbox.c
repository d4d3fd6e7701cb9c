/* host/dom0/sandbox.c — see sandbox.h. The allowed system calls are those the helper's own code,
 * glibc and the Xen libraries make in its main loop (read host/dom0 and tools/libs/{store,
 * evtchn,gnttab,foreignmemory}): poll, read/write on sockets and devices, the grant/evtchn/
 * privcmd ioctls, mmap/munmap of grants and foreign pages, opening ptys, log files and images
 * for devices that appear later, file I/O on images, the allocator, futexes of libxenstore's
 * thread. test/xen/sandbox.test.ts runs the backends under it. */
#define _GNU_SOURCE
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cap-ng.h>
#include <seccomp.h>

void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* linux/include/uapi/xen/{privcmd,evtchn}.h (whose privcmd.h needs kernel-internal headers):
 * _IOC(_IOC_NONE, type, nr, size of the argument on x86-64) */
#define IOCTL_PRIVCMD_MMAPBATCH _IOC(_IOC_NONE, 'P', 3, 24)
#define IOCTL_PRIVCMD_MMAPBATCH_V2 _IOC(_IOC_NONE, 'P', 4, 32)
#define IOCTL_PRIVCMD_RESTRICT _IOC(_IOC_NONE, 'P', 6, 2)
#define IOCTL_EVTCHN_BIND_INTERDOMAIN _IOC(_IOC_NONE, 'E', 1, 8)
#define IOCTL_EVTCHN_UNBIND _IOC(_IOC_NONE, 'E', 3, 4)
#define IOCTL_EVTCHN_NOTIFY _IOC(_IOC_NONE, 'E', 4, 4)
#define IOCTL_EVTCHN_RESTRICT_DOMID _IOC(_IOC_NONE, 'E', 6, 2)

int sandbox_drop_privileges(void)
{
    /* securebits first (it takes CAP_SETPCAP): uid 0 gets no capabilities back on exec, locked */
    if (capng_lock() < 0 && geteuid() == 0)
        printk("sandbox: cannot lock securebits: %s\n", strerror(errno));
    capng_clear(CAPNG_SELECT_ALL);
    int rc = capng_apply(CAPNG_SELECT_ALL);
    if (rc < 0)   /* no CAP_SETPCAP (not started as root): the bounding set stays, the rest goes */
        rc = capng_apply(CAPNG_SELECT_BOTH);
    if (rc < 0) {
        printk("sandbox: cannot drop capabilities (capng_apply %d)\n", rc);
        return -1;
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
        printk("sandbox: cannot set no_new_privs: %s\n", strerror(errno));
        return -1;
    }
    return 0;
}

static const int allowed[] = {
    /* I/O on what is open: sockets (QMP, VNC), xenstore, evtchn, the pty, files, images */
    SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev), SCMP_SYS(pread64),
    SCMP_SYS(pwrite64), SCMP_SYS(lseek), SCMP_SYS(close), SCMP_SYS(fstat), SCMP_SYS(newfstatat),
    SCMP_SYS(statx), SCMP_SYS(fcntl), SCMP_SYS(fsync), SCMP_SYS(fdatasync), SCMP_SYS(ftruncate),
    SCMP_SYS(poll), SCMP_SYS(ppoll),
    SCMP_SYS(accept4), SCMP_SYS(accept), SCMP_SYS(recvfrom), SCMP_SYS(sendto), SCMP_SYS(recvmsg),
    SCMP_SYS(sendmsg), SCMP_SYS(shutdown), SCMP_SYS(setsockopt), SCMP_SYS(getsockopt),
    SCMP_SYS(getsockname), SCMP_SYS(getpeername),
    SCMP_SYS(unlink), SCMP_SYS(unlinkat),   /* the QMP sockets, at exit */
    SCMP_SYS(pipe2),                        /* libxenstore's watch pipe */
    /* memory: the allocator, grant and foreign mappings */
    SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise), SCMP_SYS(brk),
    /* time, threads (libxenstore's reader), randomness, signals, the end */
    SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday), SCMP_SYS(nanosleep), SCMP_SYS(clock_nanosleep),
    SCMP_SYS(futex), SCMP_SYS(set_robust_list), SCMP_SYS(rseq), SCMP_SYS(sched_yield),
    SCMP_SYS(getrandom), SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(rt_sigreturn),
    SCMP_SYS(rt_sigprocmask), SCMP_SYS(restart_syscall), SCMP_SYS(exit), SCMP_SYS(exit_group),
};

/* gntdev's commands (type 'G': map, unmap, offset for vaddr, unmap notify, max grants) are all
 * allowed; of evtchn and privcmd only these, of the ttys only what a pty needs */
static const unsigned long allowed_ioctls[] = {
    IOCTL_EVTCHN_BIND_INTERDOMAIN, IOCTL_EVTCHN_UNBIND, IOCTL_EVTCHN_NOTIFY, IOCTL_EVTCHN_RESTRICT_DOMID,
    IOCTL_PRIVCMD_MMAPBATCH, IOCTL_PRIVCMD_MMAPBATCH_V2, IOCTL_PRIVCMD_RESTRICT,
    TCGETS, TCSETS, TCSETSW, TCSETSF, TIOCGPTN, TIOCSPTLCK, TIOCGWINSZ, FIONBIO, FIONREAD,
};

/* A forbidden call traps here (SECCOMP_RET_TRAP) rather than killing silently: the helper's log
 * says which system call it was (and an ioctl's command), then the process dies of SIGSYS as a
 * killing filter would have it (SA_RESETHAND: the default action; tgkill is allowed for SIGSYS
 * only). Async-signal-safe: a fixed buffer and write(2). */
static size_t put_num(char *p, unsigned long v, unsigned base)
{
    char tmp[24];
    size_t n = 0;
    do { tmp[n++] = "0123456789abcdef"[v % base]; v /= base; } while (v && n < sizeof tmp);
    for (size_t i = 0; i < n; i++) p[i] = tmp[n - 1 - i];
    return n;
}

static void forbidden_call(int sig, siginfo_t *si, void *uc_)
{
    static const char head[] = "sandbox: forbidden system call ";
    static const char mid[] = " (ioctl command 0x";
    char line[128];
    size_t n = sizeof head - 1;
    memcpy(line, head, n);
    n += put_num(line + n, (unsigned long)si->si_syscall, 10);
    if (si->si_syscall == SYS_ioctl) {
        const ucontext_t *uc = uc_;
        memcpy(line + n, mid, sizeof mid - 1);
        n += sizeof mid - 1;
        n += put_num(line + n, (unsigned long)uc->uc_mcontext.gregs[REG_RSI] & 0xffffffffUL, 16);
        line[n++] = ')';
    }
    memcpy(line + n, "; exiting\n", 10);
    n += 10;
    ssize_t w = write(2, line, n);
    (void)w;
    raise(sig);
}

int sandbox_confine(void)
{
    struct sigaction sa = {.sa_sigaction = forbidden_call, .sa_flags = SA_SIGINFO | SA_RESETHAND | SA_NODEFER};
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGSYS, &sa, 0)) {
        printk("sandbox: cannot install the SIGSYS handler: %s\n", strerror(errno));
        return -1;
    }
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_TRAP);
    int rc = ctx ? 0 : -ENOMEM;
    if (!rc)
        rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);   /* every thread */
    for (unsigned i = 0; !rc && i < sizeof allowed / sizeof allowed[0]; i++)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
    /* openat: anything without O_CREAT; with it, only O_NOFOLLOW too */
    if (!rc)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(openat), 1, SCMP_A2(SCMP_CMP_MASKED_EQ, O_CREAT, 0));
    if (!rc)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(openat), 1,
                              SCMP_A2(SCMP_CMP_MASKED_EQ, O_CREAT | O_NOFOLLOW, O_CREAT | O_NOFOLLOW));
    /* no executable memory */
    if (!rc)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
    if (!rc)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
    /* threads only, never a new process; glibc falls back from clone3 (whose flags a filter
     * cannot see) to clone */
    if (!rc)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1, SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD));
    if (!rc)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
    /* ioctl: only the commands the helper issues (an allow-list: any other kills, as an
     * unconditional rule would take precedence over the per-command ones) */
    if (!rc)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1, SCMP_A1(SCMP_CMP_MASKED_EQ, 0xff00UL, 'G' << 8));
    for (unsigned i = 0; !rc && i < sizeof allowed_ioctls / sizeof allowed_ioctls[0]; i++)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1, SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffUL, allowed_ioctls[i]));
    /* libxenstore's xs_talkv ignores SIGPIPE around every request and restores it after */
    if (!rc)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(rt_sigaction), 1, SCMP_A0(SCMP_CMP_EQ, SIGPIPE));
    /* the trap handler's own death by SIGSYS */
    if (!rc)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1, SCMP_A2(SCMP_CMP_EQ, SIGSYS));
    if (!rc)
        rc = seccomp_load(ctx);
    if (rc)
        printk("sandbox: cannot install the seccomp filter: %s\n", strerror(-rc));
    seccomp_release(ctx);
    return rc ? -1 : 0;
}
