/* test/native/bufioreq_race.c — runtime/core's ioreq pages against a second CPU playing Xen 4.17
 * (test/native/bufioreq-ring.test.ts builds and runs it). A fake device module (core_modules[]
 * below) claims the legacy VGA window and checks, write by write, that the stream it receives is
 * exactly the one Xen sent: every entry once, in order, 8-byte entries as two 4-byte halves.
 *   race SEED N   a producer thread runs Xen's ioreq_send_buffered in HVM_IOREQSRV_BUFIOREQ_ATOMIC
 *                 mode (full check, slots, wmb, write_pointer, then the 64-bit cmpxchg rebasing
 *                 both pointers by n*511) with random delays and yields, waiting while the ring is
 *                 full, against core_drain_buffered on the main thread; after every drain the
 *                 pointer pair (one atomic load) must be consistent (wp - rp <= 511).
 *   inconsistent  rings with wp - rp far beyond 511: each drain returns promptly, delivers
 *                 nothing stale, leaves a consistent ring, logs (rate-limited).
 *   pairs         an 8-byte entry with only its first half published, and a lone first half.
 *   sync SEED N   two vCPU threads send synchronous reads and writes through their slots while
 *                 core_service_event serves them; two more slots sit in INPROCESS and in a state
 *                 Xen never writes, and must be left alone.
 * Prints "ok ..." and exits 0, or "FAIL: ..." and exits 1. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "core.h"
#include "abi.h"

/* ---- Xen's layout (public/hvm/ioreq.h), written out independently of runtime/core ---------- */
#define SLOTS 511
struct xen_bufpage {
    union { struct { uint32_t read_pointer, write_pointer; }; uint64_t full; } ptrs;
    struct { uint32_t w0, data; } slot[SLOTS];
};
_Static_assert(sizeof(struct xen_bufpage) == 4096, "buffered_iopage");
#define VGA_BASE 0xa0000u

static _Alignas(4096) struct xen_bufpage bufpage;
static _Alignas(4096) uint8_t syncpage[4096];

#define FAIL(...) do { fprintf(stderr, "FAIL: " __VA_ARGS__); fputc('\n', stderr); fflush(stderr); _exit(1); } while (0)

static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* ---- the stream: entry i of a seed, as Xen would buffer it --------------------------------- */
struct entry { uint32_t size, off, lo, hi; };
static uint64_t seed;

static struct entry entry_of(uint64_t i)
{
    uint64_t h = mix(seed ^ (i * 0x100000001b3ull)), d = mix(h);
    static const uint32_t sizes[8] = {1, 2, 4, 4, 4, 8, 8, 8};
    struct entry e = {.size = sizes[h & 7], .off = (uint32_t)(h >> 8) & 0x1fff8u, .lo = (uint32_t)d, .hi = (uint32_t)(d >> 32)};
    if (e.size < 4) e.lo &= e.size == 1 ? 0xffu : 0xffffu;
    if (e.size != 8) e.hi = 0;
    return e;
}

static uint32_t w0_of(const struct entry *e)
{
    uint32_t code = e->size == 1 ? 0 : e->size == 2 ? 1 : e->size == 4 ? 2 : 3;
    return 1u /* IOREQ_TYPE_COPY */ | code << 10 | (VGA_BASE + e->off) << 12;
}

/* ---- the fake device: checks each write against the stream --------------------------------- */
static uint64_t expect_i, expect_n; /* next entry expected; how many exist */
static int expect_half;             /* 1: the high half of an 8-byte entry is next */
static unsigned writes_this_drain;
static unsigned yield_one_in;       /* yield inside the device now and then: Xen runs mid-drain */
static uint64_t rng_state = 1;
static uint32_t rnd(void) { return (uint32_t)(rng_state = mix(rng_state)); }

static void rec_write(void *inst, uint32_t region, uint32_t off, uint32_t size, uint32_t value)
{
    (void)inst, (void)region;
    if (++writes_this_drain > 2 * SLOTS)
        FAIL("one drain went on past 511 entries (a ring of 511 slots never holds more): unbounded drain");
    if (expect_i >= expect_n)
        FAIL("write beyond the %llu entries sent: off 0x%x size %u value 0x%x (a stale slot replayed)",
             (unsigned long long)expect_n, off, size, value);
    struct entry e = entry_of(expect_i);
    uint32_t want_off = e.size == 8 ? e.off + (expect_half ? 4u : 0u) : e.off;
    uint32_t want_size = e.size == 8 ? 4 : e.size;
    uint32_t want_val = expect_half ? e.hi : e.lo;
    if (off != want_off || size != want_size || value != want_val)
        FAIL("entry %llu%s: got off 0x%x size %u value 0x%x, want off 0x%x size %u value 0x%x (lost, repeated or torn)",
             (unsigned long long)expect_i, e.size == 8 ? (expect_half ? " (high half)" : " (low half)") : "",
             off, size, value, want_off, want_size, want_val);
    if (e.size == 8 && !expect_half) {
        expect_half = 1;
    } else {
        expect_half = 0;
        expect_i++;
    }
    if (yield_one_in && rnd() % yield_one_in == 0) sched_yield();
}

/* sync mode: reads answer a function of the offset; each vCPU writes its own counter in order */
static uint32_t answer(uint32_t off, uint32_t size)
{
    uint32_t v = (off * 2654435761u) ^ 0x5a5a5a5au;
    return size == 1 ? v & 0xff : size == 2 ? v & 0xffff : v;
}
static uint32_t sync_seq[2];

static void sync_write(void *inst, uint32_t region, uint32_t off, uint32_t size, uint32_t value)
{
    (void)inst, (void)region;
    unsigned v = off >> 15;
    if (v > 1 || size != 4 || value != sync_seq[v])
        FAIL("vCPU %u write: off 0x%x size %u value %u, want value %u", v, off, size, value, v <= 1 ? sync_seq[v] : 0);
    sync_seq[v]++;
}

static void (*write_hook)(void *, uint32_t, uint32_t, uint32_t, uint32_t) = rec_write;
static void dev_write(void *i, uint32_t r, uint32_t o, uint32_t s, uint32_t v) { write_hook(i, r, o, s, v); }
static uint32_t dev_read(void *i, uint32_t r, uint32_t off, uint32_t size) { (void)i, (void)r; return answer(off, size); }
static uint32_t dev_abi(void *i) { (void)i; return STUBDOM_ABI_VERSION; }

const struct core_module core_modules[] = {
    {.name = "rec", .dev_read = dev_read, .dev_write = dev_write, .abi_version = dev_abi},
};
const unsigned core_module_count = 1;

/* ---- a core whose range table sends the VGA window to the fake device ------------------------ */
static struct core rt;
static char logged[64][256];
static unsigned nlogged;

static void log_sink(void *ctx, const char *device, int level, const char *text, size_t len)
{
    (void)ctx;
    if (nlogged < 64) snprintf(logged[nlogged], sizeof logged[0], "[%s] %d: %.*s", device, level, (int)len, text);
    nlogged++;
}
static void notify(void *ctx, uint32_t port) { (void)ctx, (void)port; }

static void setup(void)
{
    static uint8_t arena[4096];
    struct core_hv hv = {.notify = notify};
    struct core_guest_mem ram = {0};
    struct core_options opts = {.log = log_sink};
    core_init(&rt, &hv, &ram, &opts, arena, sizeof arena);
    struct core_device *dev = &rt.devices[0];
    dev->in_use = true;
    strcpy(dev->name, "rec");
    dev->mod = &core_modules[0];
    dev->inst = &rt; /* never dereferenced by the fake module */
    dev->host.rt = &rt;
    dev->host.dev = dev;
    struct core_range old;
    if (core_ranges_set(&rt.ranges, dev, 0, STUBDOM_SPACE_MMIO, VGA_BASE, 0x20000, &old) < 0) FAIL("range table");
}

static uint64_t pair(void) { return __atomic_load_n(&bufpage.ptrs.full, __ATOMIC_ACQUIRE); }

static void check_consistent(const char *when)
{
    uint64_t p = pair();
    uint32_t rp = (uint32_t)p, wp = (uint32_t)(p >> 32);
    if (wp - rp > SLOTS)
        FAIL("%s: ring left inconsistent, read pointer 0x%x write pointer 0x%x (wp - rp = %u > 511: Xen sees it full for ever)",
             when, rp, wp, wp - rp);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void pause_a_little(uint32_t r)
{
    if ((r & 63) == 0) sched_yield();
    else for (uint32_t k = r & 255; k; k--) __asm__ volatile("" ::: "memory");
}

/* ---- Xen's send side (ioreq_send_buffered, ATOMIC mode) ----------------------------------- */
static uint64_t producer_seed = 7;
static uint32_t prng(void) { return (uint32_t)(producer_seed = mix(producer_seed)); }
static volatile int draining; /* the main thread is inside core_drain_buffered */
static uint64_t rebases, rebases_mid_drain, full_waits;
static int producer_stuck;
static uint32_t stuck_rp, stuck_wp;

/* Publishes entry i; false when the ring stayed full for 5 s (the device model stopped draining). */
static bool xen_send(uint64_t i, bool delays)
{
    struct entry e = entry_of(i);
    uint32_t qw = e.size == 8, w0 = w0_of(&e);
    double give_up = 0;
    for (;;) {
        uint32_t rp = __atomic_load_n(&bufpage.ptrs.read_pointer, __ATOMIC_RELAXED);
        uint32_t wp = __atomic_load_n(&bufpage.ptrs.write_pointer, __ATOMIC_RELAXED);
        if (wp - rp < SLOTS - qw) break;
        /* full: Xen sends it synchronously instead, which waits for the device model: so do we */
        full_waits++;
        if (!give_up) give_up = now_s() + 5;
        else if (now_s() > give_up) { stuck_rp = rp, stuck_wp = wp; return false; }
        sched_yield();
    }
    uint32_t wp = bufpage.ptrs.write_pointer;
    __atomic_store_n(&bufpage.slot[wp % SLOTS].w0, w0, __ATOMIC_RELAXED);
    __atomic_store_n(&bufpage.slot[wp % SLOTS].data, e.lo, __ATOMIC_RELAXED);
    if (qw) {
        __atomic_store_n(&bufpage.slot[(wp + 1) % SLOTS].w0, w0, __ATOMIC_RELAXED);
        __atomic_store_n(&bufpage.slot[(wp + 1) % SLOTS].data, e.hi, __ATOMIC_RELAXED);
    }
    if (delays) pause_a_little(prng());
    __atomic_thread_fence(__ATOMIC_RELEASE); /* smp_wmb */
    __atomic_store_n(&bufpage.ptrs.write_pointer, wp + 1 + qw, __ATOMIC_RELAXED);
    if (delays) pause_a_little(prng());
    while (qw++ < SLOTS && __atomic_load_n(&bufpage.ptrs.read_pointer, __ATOMIC_RELAXED) >= SLOTS) {
        uint64_t old = __atomic_load_n(&bufpage.ptrs.full, __ATOMIC_RELAXED);
        if (delays && (prng() & 3) == 0) pause_a_little(prng()); /* widen the window for a drain */
        uint32_t n = (uint32_t)old / SLOTS;
        uint64_t rebased = (uint64_t)((uint32_t)old - n * SLOTS) | (uint64_t)((uint32_t)(old >> 32) - n * SLOTS) << 32;
        if (__atomic_compare_exchange_n(&bufpage.ptrs.full, &old, rebased, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
            rebases++;
            if (draining) rebases_mid_drain++;
        }
    }
    return true;
}

static void *producer(void *arg)
{
    (void)arg;
    for (uint64_t i = 0; i < expect_n; i++) {
        if (!xen_send(i, true)) {
            __atomic_store_n(&producer_stuck, 1, __ATOMIC_RELEASE);
            return 0;
        }
    }
    return 0;
}

static void run_race(uint64_t n)
{
    expect_n = n;
    yield_one_in = 97;
    /* start where the pointers are about to be rebased */
    bufpage.ptrs.read_pointer = bufpage.ptrs.write_pointer = SLOTS - 3;
    pthread_t t;
    if (pthread_create(&t, 0, producer, 0)) FAIL("pthread_create");
    uint64_t drains = 0, idle = 0;
    while (expect_i < expect_n) {
        if (__atomic_load_n(&producer_stuck, __ATOMIC_ACQUIRE)) {
            check_consistent("producer gave up");
            FAIL("Xen's side found the ring full for 5 s (read 0x%x, write 0x%x) after %llu of %llu entries",
                 stuck_rp, stuck_wp, (unsigned long long)expect_i, (unsigned long long)expect_n);
        }
        uint64_t before = expect_i;
        writes_this_drain = 0;
        draining = 1;
        core_drain_buffered(&rt, (uint8_t *)&bufpage);
        draining = 0;
        drains++;
        check_consistent("after a drain");
        if (expect_i == before && ++idle > 50000000) FAIL("no progress: %llu entries delivered", (unsigned long long)expect_i);
        pause_a_little(rnd());
    }
    pthread_join(t, 0);
    core_drain_buffered(&rt, (uint8_t *)&bufpage);
    check_consistent("at the end");
    uint64_t p = pair();
    if ((uint32_t)p != (uint32_t)(p >> 32)) FAIL("entries left in the ring at the end");
    if (expect_half) FAIL("an 8-byte entry delivered by halves");
    if (nlogged) FAIL("a consistent ring was reported: %s", logged[0]);
    printf("ok race: %llu entries in %llu drains; Xen rebased the pointers %llu times, %llu of them during a drain; "
           "%llu full-ring waits\n", (unsigned long long)expect_n, (unsigned long long)drains, (unsigned long long)rebases,
           (unsigned long long)rebases_mid_drain, (unsigned long long)full_waits);
    if (rebases_mid_drain < 1000) FAIL("only %llu rebases landed during a drain: the race was not exercised", (unsigned long long)rebases_mid_drain);
}

/* ---- inconsistent rings ------------------------------------------------------------------- */
static void fill_slots_with_stream(void)
{
    for (uint32_t k = 0; k < SLOTS; k++) {
        struct entry e = entry_of(k);
        bufpage.slot[k].w0 = w0_of(&e);
        bufpage.slot[k].data = e.lo;
    }
}

static void drain_inconsistent(uint32_t rp, uint32_t wp, const char *what)
{
    bufpage.ptrs.read_pointer = rp;
    bufpage.ptrs.write_pointer = wp;
    fill_slots_with_stream();
    expect_n = 0; /* any write at all is a stale slot replayed */
    expect_i = 0;
    writes_this_drain = 0;
    double t0 = now_s();
    core_drain_buffered(&rt, (uint8_t *)&bufpage);
    double took = now_s() - t0;
    if (took > 0.5) FAIL("%s: the drain took %.2f s", what, took);
    check_consistent(what);
}

static void run_inconsistent(void)
{
    seed = 3;
    drain_inconsistent(1000, 5, "read > write (the old drain's leftover)");
    if (nlogged != 1 || !strstr(logged[0], "inconsistent") || !strstr(logged[0], "resynchronise"))
        FAIL("expected one log line about resynchronising, got %u%s%s", nlogged, nlogged ? ": " : "", nlogged ? logged[0] : "");
    drain_inconsistent(5, 5 + 100000, "write far ahead of read");
    for (unsigned k = 0; k < 98; k++) drain_inconsistent(k * 7919u, k * 7919u - 1 - k, "repeated");
    if (nlogged > 8) FAIL("%u log lines for 100 resyncs: not rate-limited", nlogged);
    /* the ring works again: Xen's next entries arrive */
    seed = 11;
    expect_i = 0, expect_n = 300, expect_half = 0;
    for (uint64_t i = 0; i < 300; i++) {
        if (!xen_send(i, false)) FAIL("ring still full after a resync");
        if (i % 50 == 49) core_drain_buffered(&rt, (uint8_t *)&bufpage);
    }
    core_drain_buffered(&rt, (uint8_t *)&bufpage);
    if (expect_i != 300) FAIL("after a resync %llu of 300 entries arrived", (unsigned long long)expect_i);
    printf("ok inconsistent: 100 rings resynchronised promptly, %u log lines; the ring serves again\n", nlogged);
    for (unsigned k = 0; k < nlogged && k < 2; k++) printf("  %s\n", logged[k]);
}

/* ---- 8-byte entries: half published, and a lone first half --------------------------------- */
static void run_pairs(void)
{
    seed = 5;
    uint64_t i8 = 0;
    while (entry_of(i8).size != 8) i8++;
    struct entry e = entry_of(i8);
    expect_i = i8, expect_n = i8 + 1, expect_half = 0;
    /* first half in slot 510, published alone; its second half goes to slot 0 (the wrap) */
    bufpage.ptrs.read_pointer = 510, bufpage.ptrs.write_pointer = 510;
    bufpage.slot[510].w0 = w0_of(&e), bufpage.slot[510].data = e.lo;
    __atomic_store_n(&bufpage.ptrs.write_pointer, 511, __ATOMIC_RELEASE);
    core_drain_buffered(&rt, (uint8_t *)&bufpage);
    if (expect_i != i8 || expect_half) FAIL("an 8-byte entry was delivered before its second half was published");
    if (bufpage.ptrs.read_pointer != 510) FAIL("read pointer moved to 0x%x over a half-published entry", bufpage.ptrs.read_pointer);
    bufpage.slot[0].w0 = w0_of(&e), bufpage.slot[0].data = e.hi;
    __atomic_store_n(&bufpage.ptrs.write_pointer, 512, __ATOMIC_RELEASE);
    core_drain_buffered(&rt, (uint8_t *)&bufpage);
    if (expect_i != i8 + 1) FAIL("the completed 8-byte entry was not delivered");
    if (bufpage.ptrs.read_pointer != 512) FAIL("read pointer 0x%x after the pair, want 0x200", bufpage.ptrs.read_pointer);
    /* a lone first half followed by another entry: dropped, the next entry delivered */
    uint64_t i4 = i8 + 1;
    while (entry_of(i4).size == 8) i4++;
    struct entry f = entry_of(i4);
    bufpage.slot[512 % SLOTS].w0 = w0_of(&e), bufpage.slot[512 % SLOTS].data = e.lo;
    bufpage.slot[513 % SLOTS].w0 = w0_of(&f), bufpage.slot[513 % SLOTS].data = f.lo;
    expect_i = i4, expect_n = i4 + 1;
    __atomic_store_n(&bufpage.ptrs.write_pointer, 514, __ATOMIC_RELEASE);
    unsigned logs_before = nlogged;
    core_drain_buffered(&rt, (uint8_t *)&bufpage);
    if (expect_i != i4 + 1) FAIL("the entry after a lone 8-byte half was not delivered");
    if (bufpage.ptrs.read_pointer != 514) FAIL("read pointer 0x%x, want 0x202", bufpage.ptrs.read_pointer);
    if (nlogged == logs_before) FAIL("a lone 8-byte half was dropped without a log line");
    printf("ok pairs: a half-published 8-byte entry waits for its second slot; a lone half is dropped and logged\n");
}

/* ---- synchronous slots -------------------------------------------------------------------- */
#define VCPUS 4
static uint64_t sync_n;

static void *vcpu_thread(void *arg)
{
    unsigned v = (unsigned)(uintptr_t)arg;
    uint8_t *p = syncpage + v * 32;
    uint64_t r = mix(seed + v);
    uint32_t seq = 0;
    for (uint64_t k = 0; k < sync_n; k++) {
        r = mix(r);
        int read = (r & 3) != 0;
        uint32_t size = read ? ((r >> 2) & 1 ? 8 : 4) : 4;
        uint32_t off = v << 15 | ((uint32_t)(r >> 8) & 0x7ff8u);
        uint64_t addr = VGA_BASE + off, data = read ? 0 : seq;
        memcpy(p + 0, &addr, 8);
        memcpy(p + 8, &data, 8);
        uint32_t count = 1, port = v + 100;
        memcpy(p + 16, &count, 4);
        memcpy(p + 20, &size, 4);
        memcpy(p + 24, &port, 4);
        p[31] = 1; /* IOREQ_TYPE_COPY */
        uint8_t flags = (uint8_t)((read ? 1 : 0) << 5);
        __atomic_store_n(p + 30, (uint8_t)(flags | 1), __ATOMIC_RELEASE); /* READY after the fields */
        double give_up = 0;
        for (;;) {
            uint8_t st = __atomic_load_n(p + 30, __ATOMIC_ACQUIRE) & 0xf;
            if (st == 3) break;
            if (!give_up) give_up = now_s() + 5;
            else if (now_s() > give_up) FAIL("vCPU %u: no answer for 5 s (state %u)", v, st);
            if ((r >> 40) & 1) sched_yield();
        }
        uint64_t got;
        memcpy(&got, p + 8, 8);
        __atomic_store_n(p + 30, (uint8_t)0, __ATOMIC_RELEASE); /* NONE */
        if (read) {
            uint64_t want = size == 8 ? answer(off, 4) | (uint64_t)answer(off + 4, 4) << 32 : answer(off, size);
            if (got != want) FAIL("vCPU %u read %u at 0x%x: got 0x%llx, want 0x%llx", v, size, off,
                                  (unsigned long long)got, (unsigned long long)want);
        } else {
            seq++;
        }
    }
    return 0;
}

static void run_sync(uint64_t n)
{
    sync_n = n;
    write_hook = sync_write;
    syncpage[2 * 32 + 30] = 2;   /* INPROCESS: a request Xen still waits on; not ours to touch */
    syncpage[3 * 32 + 30] = 0x9; /* a state Xen never writes */
    uint8_t before[64];
    memcpy(before, syncpage + 64, 64);
    pthread_t t[2];
    for (unsigned v = 0; v < 2; v++)
        if (pthread_create(&t[v], 0, vcpu_thread, (void *)(uintptr_t)v)) FAIL("pthread_create");
    uint64_t served = 0;
    while (served < 2 * n) {
        served += core_service_event(&rt, syncpage, VCPUS, 0);
        pause_a_little(rnd());
    }
    for (unsigned v = 0; v < 2; v++) pthread_join(t[v], 0);
    if (served != 2 * n) FAIL("%llu requests served, want %llu", (unsigned long long)served, (unsigned long long)(2 * n));
    if (memcmp(before, syncpage + 64, 64)) FAIL("a slot in INPROCESS or an unknown state was modified");
    bool said = false;
    for (unsigned k = 0; k < nlogged && k < 64; k++) said |= strstr(logged[k], "state") != 0;
    if (!said) FAIL("a slot in a state Xen never writes was skipped without a log line");
    printf("ok sync: %llu requests from 2 vCPUs answered; INPROCESS and unknown-state slots left alone\n",
           (unsigned long long)served);
}

static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "FAIL: still running after 120 s (a drain that does not return?)\n";
    if (write(2, msg, sizeof msg - 1)) {}
    _exit(1);
}

int main(int argc, char **argv)
{
    signal(SIGALRM, on_alarm);
    alarm(120);
    setup();
    const char *mode = argc > 1 ? argv[1] : "";
    seed = argc > 2 ? strtoull(argv[2], 0, 0) : 1;
    uint64_t n = argc > 3 ? strtoull(argv[3], 0, 0) : 100000;
    rng_state = producer_seed = seed * 2 + 1;
    if (!strcmp(mode, "race")) run_race(n);
    else if (!strcmp(mode, "inconsistent")) run_inconsistent();
    else if (!strcmp(mode, "pairs")) run_pairs();
    else if (!strcmp(mode, "sync")) run_sync(n);
    else FAIL("usage: %s race|inconsistent|pairs|sync [seed] [n]", argv[0]);
    return 0;
}
