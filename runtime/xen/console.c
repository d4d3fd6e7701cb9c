/* runtime/xen/console.c — writes the log to the PV console ring (the "out" half of the
 * xencons_interface page named by start_info) and kicks its event channel. Nobody may be reading
 * (the dom0 helper may not be up yet): when the ring stays full the output is dropped rather than
 * blocking the device model — after 1 s while the stub domain starts (its start-up lines are the
 * ones worth keeping), after 10 ms once it serves the guest (console_set_patience). Each line
 * is also offered to Xen's console via console_io, which release builds of Xen refuse for a
 * domU; after the first refusal that path is switched off. The reader's out_cons goes through
 * ring_check.h: one that claims to have read bytes never written disconnects the ring (said once
 * through Xen's console, if it takes it, and then nothing more is written to the ring). */
#include "console.h"
#include "evtchn.h"
#include "hypercall.h"
#include "lib.h"
#include "mm.h"
#include "ring_check.h"
#include "time.h"

static struct xencons_interface *ring;
static evtchn_port_t port;
static int use_xen_console = 1;
/* How long a write waits for the reader to make room before it drops, and whether the last
 * write already gave up (then the next ones drop at once until the reader catches up). */
static uint64_t patience_ns = 1000000000ULL;
static bool stalled;
static struct ring_guard guard = { .who = "console 0" };

void console_set_patience(uint64_t ns) { patience_ns = ns; }

void console_init(const struct start_info *si)
{
    ring = mfn_to_virt(si->console_mfn);
    port = si->console_evtchn;
}

static void ring_write(const char *buf, size_t len)
{
    if (!ring || guard.broken)
        return;
    uint64_t give_up = 0;
    while (len) {
        uint32_t cons = READ_ONCE(ring->out_cons), prod = ring->out_prod;
        mb();
        uint32_t used = ring_ready(&guard, cons, prod, (uint32_t)sizeof(ring->out));
        if (guard.broken)
            return;   /* logged by the guard (through this function: dropped here) */
        uint32_t space = (uint32_t)sizeof(ring->out) - used;
        if (!space) {
            evtchn_notify(port);
            uint64_t now = time_ns();
            if (stalled)
                return;
            if (!give_up)
                give_up = now + patience_ns;
            else if (now > give_up) {
                stalled = true;   /* nobody drains the ring: drop */
                return;
            }
            HYPERVISOR_sched_op(SCHEDOP_yield, 0);
            continue;
        }
        stalled = false;
        while (space-- && len) {
            ring->out[prod++ & (sizeof(ring->out) - 1)] = *buf++;
            len--;
        }
        wmb();
        ring->out_prod = prod;
    }
    evtchn_notify(port);
}

void console_write(const char *buf, size_t len)
{
    if (use_xen_console && HYPERVISOR_console_io(CONSOLEIO_write, (unsigned)len, buf) < 0)
        use_xen_console = 0;
    /* The PV console wants CRLF for terminals; log files read fine either way. */
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '\n') {
            ring_write(buf + start, i - start);
            ring_write("\r\n", 2);
            start = i + 1;
        }
    }
    ring_write(buf + start, len - start);
}

void printk(const char *fmt, ...)
{
    char buf[512];
    uint64_t t = time_ns();
    int n = snprintf(buf, sizeof buf, "[%5lu.%06lu] ", (unsigned long)(t / 1000000000UL), (unsigned long)((t / 1000UL) % 1000000UL));
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(buf + n, sizeof buf - (size_t)n, fmt, ap);
    va_end(ap);
    size_t len = (size_t)n + (size_t)m;
    if (len > sizeof buf - 1)
        len = sizeof buf - 1;
    console_write(buf, len);
}
