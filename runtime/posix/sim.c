/* runtime/posix/sim.c — the hypervisor simulator (see sim.h), line for line host/node/xen-sim.ts;
 * its buffered-ring send side is Xen 4.17's, pointer rebasing included (buf_push). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim.h"
#include "../core/ioreq.h"

#define VGA_WINDOW_START 0xa0000u
#define VGA_WINDOW_END 0xbffffu
static const uint32_t all_ones[5] = {0, 0xff, 0xffff, 0, 0xffffffffu};
static const char *const range_names[3] = {"port", "mmio", "pci"};

static void emitf(struct sim *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emitf(struct sim *s, const char *fmt, ...)
{
    if (!s->emit) return;
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    s->emit(s->emit_ctx, line);
}

void sim_init(struct sim *s, uint64_t ram_bytes, unsigned vcpus, bool buffer_vga)
{
    memset(s, 0, sizeof(*s));
    s->ram = calloc(1, ram_bytes ? ram_bytes : 1);
    s->ram_size = ram_bytes;
    s->vcpus = vcpus ? vcpus : 1;
    s->page = calloc(s->vcpus, IOREQ_SIZE);
    s->buffer_vga = buffer_vga;
    if (!s->ram || !s->page) {
        fprintf(stderr, "sim: out of memory for %llu bytes of guest RAM\n", (unsigned long long)ram_bytes);
        exit(2);
    }
}

void sim_attach(struct sim *s, struct core *rt) { s->rt = rt; }

/* --- the hypervisor interface (what the device model calls) -------------------------------- */

static void map_io_range(void *ctx, int type, uint64_t start, uint64_t end)
{
    struct sim *s = ctx;
    emitf(s, "map %s 0x%llx 0x%llx", range_names[type], (unsigned long long)start, (unsigned long long)end);
    if (type == CORE_RANGE_PCI) {
        for (unsigned i = 0; i < s->npci; i++) if (s->pci[i] == start) return;
        if (s->npci < SIM_MAX_SPANS) s->pci[s->npci++] = (uint16_t)start;
        return;
    }
    struct sim_span *list = type == CORE_RANGE_PORT ? s->ports : s->mmio;
    unsigned *n = type == CORE_RANGE_PORT ? &s->nports : &s->nmmio;
    if (*n < SIM_MAX_SPANS) list[(*n)++] = (struct sim_span){start, end};
}

static void unmap_io_range(void *ctx, int type, uint64_t start, uint64_t end)
{
    struct sim *s = ctx;
    emitf(s, "unmap %s 0x%llx 0x%llx", range_names[type], (unsigned long long)start, (unsigned long long)end);
    if (type == CORE_RANGE_PCI) {
        for (unsigned i = 0; i < s->npci; i++)
            if (s->pci[i] == start) { memmove(&s->pci[i], &s->pci[i + 1], (s->npci - i - 1) * sizeof s->pci[0]); s->npci--; break; }
        return;
    }
    struct sim_span *list = type == CORE_RANGE_PORT ? s->ports : s->mmio;
    unsigned *n = type == CORE_RANGE_PORT ? &s->nports : &s->nmmio;
    for (unsigned i = 0; i < *n; i++) {
        if (list[i].start == start && list[i].end == end) {
            memmove(&list[i], &list[i + 1], (*n - i - 1) * sizeof list[0]);
            (*n)--;
            return;
        }
    }
}

static void recompute_lines(struct sim *s)
{
    bool next[16];
    for (int i = 0; i < 16; i++) next[i] = s->isa_level[i] == 1;
    for (unsigned i = 0; i < s->nintx; i++) {
        if (!s->intx[i].level) continue;
        unsigned dev = (s->intx[i].bdf >> 3) & 0x1f;
        unsigned irq = s->link_route[(dev + s->intx[i].intx) & 3];
        if (irq) next[irq] = true;
    }
    for (int i = 0; i < 16; i++) {
        if (next[i] != s->line[i]) {
            s->line[i] = next[i];
            emitf(s, "line %d %d", i, next[i] ? 1 : 0);
        }
    }
}

static void set_isa_irq_level(void *ctx, unsigned irq, int level)
{
    struct sim *s = ctx;
    emitf(s, "isa %u %d", irq, level ? 1 : 0);
    if (irq > 15) return;
    s->isa_level[irq] = level ? 1 : 0;
    recompute_lines(s);
}

static void set_pci_intx_level(void *ctx, unsigned bdf, unsigned intx, int level)
{
    struct sim *s = ctx;
    emitf(s, "intx 0x%x %u %d", bdf & 0xffff, intx & 3, level ? 1 : 0);
    unsigned i = 0;
    while (i < s->nintx && !(s->intx[i].bdf == (bdf & 0xffff) && s->intx[i].intx == (intx & 3))) i++;
    if (i == s->nintx) {
        if (s->nintx == SIM_MAX_SPANS) return;
        s->nintx++;
        s->intx[i].bdf = (uint16_t)(bdf & 0xffff);
        s->intx[i].intx = (uint8_t)(intx & 3);
    }
    s->intx[i].level = level ? 1 : 0;
    recompute_lines(s);
}

static void set_pci_link_route(void *ctx, unsigned link, unsigned irq)
{
    struct sim *s = ctx;
    emitf(s, "link %u %u", link & 3, irq & 15);
    s->link_route[link & 3] = (uint8_t)(irq & 15);
    recompute_lines(s);
}

static void hv_shutdown(void *ctx, int reason)
{
    emitf(ctx, "shutdown %s", reason == CORE_SHUTDOWN_REBOOT ? "reboot" : "poweroff");
}

static void platform_change(void *ctx, int kind, int32_t a, int32_t b)
{
    emitf(ctx, "platform %s %d %d", kind == CORE_PLATFORM_A20 ? "a20" : "pam", a, b);
}

static void notify(void *ctx, uint32_t port) { (void)ctx, (void)port; }

static void unmap_vram(void *ctx, uint64_t start)
{
    struct sim *s = ctx;
    emitf(s, "unvram 0x%llx", (unsigned long long)start);
    for (unsigned i = 0; i < s->nvram; i++) {
        if (s->vram[i].start != start) continue;
        free(s->vram[i].dirty);
        memmove(&s->vram[i], &s->vram[i + 1], (s->nvram - i - 1) * sizeof s->vram[0]);
        s->nvram--;
        return;
    }
}

static void map_vram(void *ctx, uint64_t start, uint64_t len, uint8_t *backing, uint32_t backing_len)
{
    struct sim *s = ctx;
    emitf(s, "vram 0x%llx 0x%llx", (unsigned long long)start, (unsigned long long)len);
    if (s->emit) { void (*e)(void *, const char *) = s->emit; s->emit = 0; unmap_vram(s, start); s->emit = e; }
    else unmap_vram(s, start);
    if (s->nvram == SIM_MAX_VRAM) return;
    struct sim_vram *v = &s->vram[s->nvram++];
    v->start = start;
    v->len = len;
    v->backing = backing;
    v->backing_len = backing_len;
    v->dirty = calloc((len + 4095) / 4096 + 1, 1);
}

static bool collect_dirty_vram(void *ctx, uint64_t start, uint32_t offset, uint32_t len, uint8_t *bitmap)
{
    struct sim *s = ctx;
    for (unsigned i = 0; i < s->nvram; i++) {
        struct sim_vram *v = &s->vram[i];
        if (v->start != start) continue;
        uint64_t npages = (v->len + 4095) / 4096;
        uint64_t first = offset / 4096, pages = ((uint64_t)len + 4095) / 4096;
        for (uint64_t p = 0; p < pages && first + p < npages; p++) {
            if (v->dirty[first + p]) {
                bitmap[p >> 3] |= (uint8_t)(1u << (p & 7));
                v->dirty[first + p] = 0;
            }
        }
        return true;
    }
    return false;
}

/* host/sim's V86Ram.contains: inside RAM and, unless empty, clear of every hole */
static bool ram_contains(const struct sim *s, uint64_t gpa, uint32_t len)
{
    if (gpa > s->ram_size || len > s->ram_size - gpa) return false;
    for (unsigned i = 0; i < s->nholes && len; i++)
        if (gpa < s->holes[i].end && gpa + len > s->holes[i].start) return false;
    return true;
}

static bool ram_read(void *ctx, uint64_t gpa, void *dst, uint32_t len)
{
    struct sim *s = ctx;
    if (!ram_contains(s, gpa, len)) return false;
    memcpy(dst, s->ram + gpa, len);
    return true;
}

static bool ram_write(void *ctx, uint64_t gpa, const void *src, uint32_t len)
{
    struct sim *s = ctx;
    if (!ram_contains(s, gpa, len)) return false;
    memcpy(s->ram + gpa, src, len);
    if (s->emit) {
        size_t n = 64 + 2 * (size_t)len;
        char *line = malloc(n);
        int k = snprintf(line, n, "dma 0x%llx ", (unsigned long long)gpa);
        for (uint32_t i = 0; i < len; i++) k += snprintf(line + k, n - (size_t)k, "%02x", ((const uint8_t *)src)[i]);
        s->emit(s->emit_ctx, line);
        free(line);
    }
    return true;
}

void sim_hv(struct sim *s, struct core_hv *hv, struct core_guest_mem *mem)
{
    *hv = (struct core_hv){
        .ctx = s, .map_io_range = map_io_range, .unmap_io_range = unmap_io_range,
        .set_isa_irq_level = set_isa_irq_level, .set_pci_intx_level = set_pci_intx_level,
        .set_pci_link_route = set_pci_link_route, .shutdown = hv_shutdown, .platform_change = platform_change,
        .notify = notify, .map_vram = map_vram, .unmap_vram = unmap_vram, .collect_dirty_vram = collect_dirty_vram,
    };
    *mem = (struct core_guest_mem){.ctx = s, .read = ram_read, .write = ram_write};
}

/* --- the guest side ------------------------------------------------------------------------ */

static bool claimed(const struct sim_span *list, unsigned n, uint64_t addr)
{
    for (unsigned i = 0; i < n; i++)
        if (addr >= list[i].start && addr <= list[i].end) return true;
    return false;
}

/* Writes the request into the vCPU's slot, kicks the runtime, collects the answer. */
static void send(struct sim *s, unsigned vcpu, const struct core_ioreq *req, uint32_t sbdf, uint32_t out[2])
{
    uint8_t *p = s->page + vcpu * IOREQ_SIZE;
    if ((p[IOREQ_OFF_FLAGS] & 0xf) != STATE_IOREQ_NONE) {
        fprintf(stderr, "sim: vCPU %u slot busy\n", vcpu);
        exit(2);
    }
    st64(p + IOREQ_OFF_ADDR, req->type == IOREQ_TYPE_PCI_CONFIG ? (req->addr & 0xffffffffu) | (uint64_t)sbdf << 32 : req->addr);
    st64(p + IOREQ_OFF_DATA, req->data);
    st32(p + IOREQ_OFF_COUNT, req->count);
    st32(p + IOREQ_OFF_SIZE, req->size);
    st32(p + IOREQ_OFF_VP_EPORT, vcpu + 1);
    p[28] = p[29] = 0;
    p[IOREQ_OFF_FLAGS] = (uint8_t)((req->data_is_ptr ? 0x10 : 0) | (req->dir & 1) << 5 | (req->df ? 0x40 : 0));
    p[IOREQ_OFF_TYPE] = req->type;
    shared_st8_release(p + IOREQ_OFF_FLAGS, (uint8_t)((p[IOREQ_OFF_FLAGS] & 0xf0) | STATE_IOREQ_READY)); /* after the fields */
    core_service_event(s->rt, s->page, s->vcpus, s->buf);
    if ((shared_ld8_acquire(p + IOREQ_OFF_FLAGS) & 0xf) != STATE_IORESP_READY) { /* the data after the state */
        fprintf(stderr, "sim: device model did not answer vCPU %u's ioreq\n", vcpu);
        exit(2);
    }
    uint32_t lo = ld32(p + IOREQ_OFF_DATA), hi = ld32(p + IOREQ_OFF_DATA + 4);
    p[IOREQ_OFF_FLAGS] &= 0xf0;
    out[0] = out[1] = 0;
    if (req->dir != IOREQ_READ || req->data_is_ptr) return;
    if (req->size == 8) out[0] = lo, out[1] = hi;
    else out[0] = lo & all_ones[req->size < 5 ? req->size : 4];
}

uint32_t sim_pio(struct sim *s, unsigned vcpu, uint32_t port, uint32_t size, int dir, uint32_t value)
{
    uint32_t out[2];
    uint32_t ones = size < 5 ? all_ones[size] : 0;
    if (port == 0xcf8 && size == 4) {
        if (dir == IOREQ_WRITE) { s->cf8 = value; return 0; }
        return s->cf8;
    }
    if (port >= 0xcfc && port <= 0xcff && (s->cf8 & 0x80000000u)) {
        uint32_t bdf = (s->cf8 >> 8) & 0xffff;
        uint32_t reg = (s->cf8 & 0xfc) | (port & 3);
        bool known = false;
        for (unsigned i = 0; i < s->npci; i++) known |= s->pci[i] == bdf;
        if (!known) return dir == IOREQ_READ ? ones : 0;
        struct core_ioreq req = {.addr = reg, .data = value, .count = 1, .size = size, .dir = (uint8_t)dir, .type = IOREQ_TYPE_PCI_CONFIG};
        send(s, vcpu, &req, bdf, out);
        return out[0];
    }
    if (!claimed(s->ports, s->nports, port)) return dir == IOREQ_READ ? ones : 0;
    struct core_ioreq req = {.addr = port, .data = value, .count = 1, .size = size, .dir = (uint8_t)dir, .type = IOREQ_TYPE_PIO};
    send(s, vcpu, &req, 0, out);
    return out[0];
}

/* Xen 4.17's ioreq_send_buffered in HVM_IOREQSRV_BUFIOREQ_ATOMIC mode: refuse when full, write the
 * slot(s), publish with write_pointer, then rebase both pointers by n*511 once read_pointer has
 * passed 511 (a 64-bit compare-and-swap of the pair, as Xen's guest_cmpxchg64). */
static bool buf_push(struct sim *s, uint32_t size, uint64_t addr, uint32_t lo, uint32_t hi)
{
    uint32_t rp = ld32(s->buf + BUF_OFF_READ), wp = ld32(s->buf + BUF_OFF_WRITE);
    uint32_t qw = size == 8 ? 1 : 0;
    int code = size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : size == 8 ? 3 : -1;
    if (wp - rp >= BUF_IOREQ_SLOTS - qw || addr >= (1u << 20) || code < 0) return false;
    uint32_t w0 = IOREQ_TYPE_COPY | (uint32_t)code << 10 | (uint32_t)(addr & 0xfffff) << 12;
    st32(s->buf + BUF_OFF_SLOTS + (wp % BUF_IOREQ_SLOTS) * 8, w0);
    st32(s->buf + BUF_OFF_SLOTS + (wp % BUF_IOREQ_SLOTS) * 8 + 4, lo);
    if (qw) {
        st32(s->buf + BUF_OFF_SLOTS + ((wp + 1) % BUF_IOREQ_SLOTS) * 8, w0);
        st32(s->buf + BUF_OFF_SLOTS + ((wp + 1) % BUF_IOREQ_SLOTS) * 8 + 4, hi);
    }
    __atomic_store_n((volatile shared_u32 *)(s->buf + BUF_OFF_WRITE), wp + 1 + qw, __ATOMIC_RELEASE);
    while (qw++ < BUF_IOREQ_SLOTS && shared_ld32(s->buf + BUF_OFF_READ) >= BUF_IOREQ_SLOTS) {
        uint64_t old = shared_ld64(s->buf + BUF_OFF_READ);
        uint32_t n = (uint32_t)old / BUF_IOREQ_SLOTS;
        uint64_t rebased = ((uint32_t)old - n * BUF_IOREQ_SLOTS) | (uint64_t)((uint32_t)(old >> 32) - n * BUF_IOREQ_SLOTS) << 32;
        __atomic_compare_exchange_n((volatile shared_u64 *)(s->buf + BUF_OFF_READ), &old, rebased, false,
                                    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    }
    return true;
}

void sim_mmio(struct sim *s, unsigned vcpu, uint64_t addr, uint32_t size, int dir, uint32_t lo, uint32_t hi, uint32_t out[2])
{
    out[0] = out[1] = 0;
    for (unsigned i = 0; i < s->nvram; i++) {
        struct sim_vram *v = &s->vram[i];
        if (addr < v->start || addr >= v->start + v->len) continue;
        /* a guest load/store to device-backed memory: no ioreq, the page is marked dirty */
        uint64_t off = addr - v->start;
        if (off + size > v->len) {
            if (dir == IOREQ_READ) out[0] = out[1] = 0xffffffffu;
            return;
        }
        uint8_t *m = v->backing + off;
        if (dir == IOREQ_READ) {
            uint8_t b[8] = {0};
            memcpy(b, m, size);
            out[0] = ld32(b);
            out[1] = size == 8 ? ld32(b + 4) : 0;
            return;
        }
        uint8_t b[8];
        st32(b, lo);
        st32(b + 4, hi);
        memcpy(m, b, size);
        v->dirty[off >> 12] = 1;
        v->dirty[(off + size - 1) >> 12] = 1;
        return;
    }
    if (!claimed(s->mmio, s->nmmio, addr)) {
        if (dir == IOREQ_READ) {
            out[0] = size == 8 ? 0xffffffffu : (size < 5 ? all_ones[size] : 0);
            out[1] = size == 8 ? 0xffffffffu : 0;
        }
        return;
    }
    if (dir == IOREQ_WRITE && s->buffer_vga && addr >= VGA_WINDOW_START && addr + size - 1 <= VGA_WINDOW_END) {
        if (!buf_push(s, size, addr, lo, hi)) {
            core_drain_buffered(s->rt, s->buf); /* ring full: the device model catches up first */
            buf_push(s, size, addr, lo, hi);
        }
        return;
    }
    struct core_ioreq req = {.addr = addr, .data = lo | (uint64_t)hi << 32, .count = 1, .size = size, .dir = (uint8_t)dir, .type = IOREQ_TYPE_COPY};
    send(s, vcpu, &req, 0, out);
}

void sim_string_io(struct sim *s, unsigned vcpu, int type, uint64_t addr, uint32_t size, int dir, uint64_t gpa, uint32_t count, bool df)
{
    bool ok = type == IOREQ_TYPE_PIO ? claimed(s->ports, s->nports, addr) : claimed(s->mmio, s->nmmio, addr);
    if (!ok) return;
    uint32_t out[2];
    struct core_ioreq req = {.addr = addr, .data = gpa, .count = count, .size = size, .dir = (uint8_t)dir,
                             .df = df, .data_is_ptr = 1, .type = (uint8_t)type};
    send(s, vcpu, &req, 0, out);
}

void sim_flush_buffered(struct sim *s)
{
    if (ld32(s->buf + BUF_OFF_WRITE) != ld32(s->buf + BUF_OFF_READ)) core_drain_buffered(s->rt, s->buf);
}

void sim_advance(struct sim *s, uint64_t ns)
{
    sim_flush_buffered(s);
    core_advance(s->rt, s->rt->now + ns);
    core_run_deferred(s->rt);
}
