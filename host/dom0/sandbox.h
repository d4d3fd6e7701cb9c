/* host/dom0/sandbox.h — least privilege for the dom0 helper, in two steps (docs/xen.md, "The dom0
 * helper's privileges"):
 *   1. sandbox_drop_privileges, once the privileged opens are done (xenstore, privcmd, gntdev,
 *      evtchn, the QMP sockets) and before any thread exists (libxenstore starts its reader
 *      thread at the first watch; capabilities are per thread): every capability goes
 *      (effective, permitted, inheritable, ambient and the bounding set, securebits locked so
 *      that uid 0 cannot regain them), and no_new_privs is set. The helper stays uid 0: it
 *      still opens root-owned files as their owner (images, its logs, /dev/ptmx), nothing more.
 *   2. sandbox_confine, once everything else is set up: a seccomp filter (libseccomp), on every
 *      thread, allowing only the system calls the helper makes from then on; anything else kills
 *      the process (SIGSYS), after one log line naming the call (and an ioctl's command).
 *      Arguments are checked where it matters: openat may create a file only with O_NOFOLLOW, mmap/mprotect never make memory executable, clone only makes threads,
 *      and of the ioctls only an allow-list passes (gntdev; evtchn bind_interdomain, unbind,
 *      notify, restrict; privcmd mmapbatch and restrict; what a pty needs): a privcmd hypercall,
 *      dm_op, evtchn bind_virq or TIOCSTI kills like any other forbidden call.
 * Each returns 0, or -1 with the reason logged. */
#ifndef DOM0_SANDBOX_H
#define DOM0_SANDBOX_H

int sandbox_drop_privileges(void);
int sandbox_confine(void);

#endif
