/* runtime/xen/main.c — the stub domain's boot sequence and main loop:
 *   1. memory, shared_info, time, event channels, console;
 *   2. xenstore: our domid, the guest we serve (`target`), our arguments (dm-argv under the
 *      guest's /vm/<uuid>/image);
 *   3. the QMP vchan server at device-model/<guest>/qmp-vchan, then `running` at
 *      device-model/<guest>/state (what libxl waits for, 30 s at most), then the ioreq server
 *      (dm_op + acquire_resource, vCPU event channels) before the first QMP `cont`;
 *   4. the loop: wait on every watched event channel, serve ioreqs and QMP sessions.
 * runtime/core's devices plug in at step 3 (claim ranges, install the ioreq handler before the
 * server is enabled) and step 4 (their timers and backend ports join the wait set). */
#include "console.h"
#include "devices.h"
#include "dm_argv.h"
#include "vram.h"
#include "dm.h"
#include "evtchn.h"
#include "gnttab.h"
#include "guest_mem.h"
#include "hypercall.h"
#include "ioreq.h"
#include "lib.h"
#include "mm.h"
#include "nvram_probe.h"
#include "qmp.h"
#include "time.h"
#include "vchan.h"
#include "xen_abi.h"
#include "xenstore.h"

static unsigned guest_domid;
static int ioreq_ok;
static int probe_on;
static unsigned guest_vcpus = 1;

static void __attribute__((noreturn)) halt(unsigned reason, const char *why)
{
    printk("halting: %s\n", why);
    struct sched_shutdown op = { .reason = reason };
    for (;;)
        HYPERVISOR_sched_op(SCHEDOP_shutdown, &op);
}

static unsigned qmp_nr_vcpus(void) { return guest_vcpus; }
static void qmp_on_cont(void) { printk("guest %u: cont\n", guest_domid); }
static const struct qmp_hooks hooks = { .nr_vcpus = qmp_nr_vcpus, .on_cont = qmp_on_cont };

static unsigned count_guest_vcpus(void)
{
    char path[64], names[512], val[32];
    snprintf(path, sizeof path, "/local/domain/%u/cpu", guest_domid);
    int n = xs_directory(path, names, sizeof names);
    if (n <= 0)
        return 1;
    unsigned online = 0;
    const char *name = names;
    for (int i = 0; i < n; i++, name += strlen(name) + 1) {
        char p2[96];
        snprintf(p2, sizeof p2, "%s/%s/availability", path, name);
        if (xs_read(p2, val, sizeof val) >= 0 && !strcmp(val, "online"))
            online++;
    }
    return online ? online : 1;
}

static void log_module(const struct start_info *si)
{
    if (!si->mod_len) {
        printk("no module (stubdomain_ramdisk)\n");
        return;
    }
    if (si->flags & SIF_MOD_START_PFN) {
        printk("module: pfn %lx, %lu bytes (unmapped)\n", si->mod_start, si->mod_len);
        return;
    }
    const char *m = (const char *)si->mod_start;
    char head[33];
    size_t n = si->mod_len < 32 ? si->mod_len : 32;
    for (size_t i = 0; i < n; i++)
        head[i] = (m[i] >= 32 && m[i] < 127) ? m[i] : '.';
    head[n] = 0;
    printk("module: %lu bytes at %p: \"%s\"\n", si->mod_len, m, head);
}

void kernel_main(struct start_info *si);
/* A main loop that no longer waits (an event channel left pending, a deadline always due) costs
 * a whole CPU while the guest idles: says so when less than half of the last period was spent
 * waiting. A busy guest's ioreqs also keep the loop from waiting, which the ioreq counts show. */
static void report_busy(uint64_t *waited, uint64_t *period_start, uint64_t *passes)
{
    uint64_t now = time_ns(), span = now - *period_start;
    if (span && *waited < span / 2)
        printk("main loop: waited %lu%% of the last %lu ms (%lu passes)\n", *waited * 100 / span,
               span / 1000000, *passes);
    *waited = 0, *period_start = now, *passes = 0;
}

void kernel_main(struct start_info *si)
{
    mm_init(si);
    struct shared_info *shared = map_frame(si->shared_info >> PAGE_SHIFT);
    if (shared) {
        time_init(shared);
        evtchn_init(shared);
    }
    console_init(si);
    uint64_t t_boot = time_ns();
    char magic[33];
    memcpy(magic, si->magic, 32);
    magic[32] = 0;
    printk("wasm-stubdom: PV x86-64 unikernel (%s), %lu pages, cmdline \"%s\"\n", magic,
           si->nr_pages, si->cmd_line);
    if (!shared)
        halt(SHUTDOWN_crash, "cannot map shared_info");
    log_module(si);

    xs_init(si);
    char buf[128];
    uint64_t v;
    if (xs_read("domid", buf, sizeof buf) < 0 || !parse_u64(buf, &v))
        halt(SHUTDOWN_crash, "cannot read domid");
    unsigned self = (unsigned)v;
    if (xs_read("target", buf, sizeof buf) < 0 || !parse_u64(buf, &v))
        halt(SHUTDOWN_crash, "no target: not started as a device-model stub domain");
    guest_domid = (unsigned)v;
    printk("stub domain %u serving guest %u\n", self, guest_domid);

    /* Critical path to `running` (libxl gives us 30 s from unpause, and every xenstore round trip
     * is slow on a loaded dom0): grant table, QMP vchan, state. Everything else happens before
     * we answer QMP `cont`, which is what unpauses the guest. */
    if (gnttab_init())
        halt(SHUTDOWN_crash, "grant table setup failed");
    static struct vchan qmp_chan;
    static struct qmp qmp;
    char base[96];
    snprintf(base, sizeof base, "device-model/%u/qmp-vchan", guest_domid);
    if (vchan_server_init(&qmp_chan, 0, base))
        halt(SHUTDOWN_crash, "cannot set up the QMP vchan");
    qmp_init(&qmp, &hooks);
    snprintf(base, sizeof base, "device-model/%u/state", guest_domid);
    if (xs_write(base, "running"))
        halt(SHUTDOWN_crash, "cannot write the device-model state");
    uint64_t t_running = time_ns();
    printk("state=running written %lu us after entry (QMP vchan: ring-ref %d, event-channel %u)\n",
           (t_running - t_boot) / 1000, qmp_chan.ref, qmp_chan.port);

    dm_argv_read((domid_t)guest_domid);
    guest_vcpus = count_guest_vcpus();

    /* The ioreq server, then the devices (their claims become dm_op ranges), then enable: the
     * guest runs only after QMP `cont`, so it never sees a half-built machine. A failure is
     * logged, not fatal: the toolstack handshake still works. */
    dm_init((domid_t)guest_domid);
    guest_mem_init((domid_t)guest_domid);
    vram_init((domid_t)guest_domid);
    int devices_ok = 0;
    if (!ioreq_server_create((domid_t)guest_domid)) {
        probe_on = !strcmp(si->cmd_line, "ioreq-probe") && !nvram_probe_init();
        if (!probe_on) {
            const uint8_t *mod = (si->flags & SIF_MOD_START_PFN) ? 0 : (const uint8_t *)si->mod_start;
            if (si->mod_len && !mod)
                printk("stubdom.mod: module passed by frame number, not mapped: not supported\n");
            devices_ok = !devices_init((domid_t)self, (domid_t)guest_domid, mod, mod ? si->mod_len : 0);
        }
        ioreq_ok = !ioreq_server_enable();
    }
    printk("ioreq server %s%s; devices %s; ready %lu us after entry; %u of %u page-arena pages free\n",
           ioreq_ok ? "enabled" : "NOT available",
           probe_on ? " (ioreq-probe: CMOS NVRAM stand-in on 0x70-0x71)" : "",
           devices_ok ? "ready" : "NOT all ready (see above)",
           (time_ns() - t_boot) / 1000, pages_free(), pages_total());

    console_set_patience(10000000ULL);   /* serving the guest now: never stall it for the log */
    uint64_t next_report = time_ns() + 2000000000ULL, last_total = 0;
    uint64_t waited = 0, period_start = time_ns(), passes = 0;   /* the loop's own health */
    for (;;) {
        passes++;
        if (ioreq_ok && probe_on)
            ioreq_service();
        else if (ioreq_ok)
            devices_service();
        if (ioreq_ok && probe_on && time_ns() > next_report) {
            const struct ioreq_stats *st = ioreq_get_stats();
            next_report = time_ns() + 2000000000ULL;
            if (st->sync + st->buffered != last_total) {
                last_total = st->sync + st->buffered;
                printk("ioreq: %lu synchronous, %lu buffered, %lu string requests so far\n", st->sync,
                       st->buffered, st->string_unsupported);
                nvram_probe_report();
            }
        } else if (ioreq_ok && time_ns() > next_report) {
            next_report = time_ns() + 5000000000ULL;
            devices_report();
            report_busy(&waited, &period_start, &passes);
        }
        enum vchan_event ev = vchan_poll(&qmp_chan);
        if (ev == VCHAN_CONNECTED) {
            printk("qmp: client connected\n");
            qmp_session_start(&qmp);
        } else if (ev == VCHAN_DISCONNECTED) {
            printk("qmp: client disconnected\n");
        }
        if (qmp_chan.active) {
            char in[512];
            size_t n;
            /* at most a few rings' worth per pass: a peer that keeps writing cannot hold the loop */
            for (unsigned reads = 0; reads < 8 && (n = vchan_read(&qmp_chan, in, sizeof in)) > 0; reads++)
                qmp_input(&qmp, in, n);
            while (qmp.out_len) {
                size_t w = vchan_write(&qmp_chan, qmp.out, qmp.out_len);
                if (!w)
                    break;
                qmp_consume_output(&qmp, w);
            }
        }
        char watch_path[128];
        while (xs_poll(watch_path, sizeof watch_path))
            printk("xenstore: watch fired: %s\n", watch_path);
        uint64_t wake = time_ns() + 100000000ULL, dev = devices_next_deadline();
        uint64_t before = time_ns();
        evtchn_wait(dev < wake ? dev : wake);
        waited += time_ns() - before;
    }
}
