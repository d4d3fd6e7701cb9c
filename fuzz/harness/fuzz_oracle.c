/* fuzz/harness/fuzz_oracle.c — the fuzz executor's oracles besides traps (docs/fuzzing.md): DMA
 * only near an address the guest named (in a register, a descriptor the device read, RAM it
 * filled), DMA budgets per guest operation and per input; and the one report of a finding. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "fuzz_exec.h"
#include "fuzz_machine.h"

#define DMA_BUDGET_OP (16u << 20)
#define DMA_BUDGET_INPUT (64u << 20)

int fz_found;
uint64_t fz_dma_op;
static uint64_t dma_input;
static uint8_t named[FZ_RAM_BYTES >> 12];

void fz_finding(const char *cls, const char *fmt, ...)
{
    if (fz_found) return;
    fz_found = 1;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "fuzz: FINDING %s: ", cls);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (device %s)\n", fz_dev->name);
    va_end(ap);
    fz_on_finding();
}

void fz_name_value(uint32_t v)
{
    if (v < FZ_RAM_BYTES) named[v >> 12] = 1;
}

void fz_name_words(uint64_t gpa, const uint8_t *b, uint32_t len)
{
    for (uint32_t i = (uint32_t)((4 - (gpa & 3)) & 3); i + 4 <= len; i += 4)
        fz_name_value((uint32_t)b[i] | (uint32_t)b[i + 1] << 8 | (uint32_t)b[i + 2] << 16 | (uint32_t)b[i + 3] << 24);
}

/* What the guest last wrote at each register address, by aligned dword: a partial write (a byte
 * of an address register) names the dword it completes. Open addressing, cleared per input. */
#define SHADOW_SLOTS 4096u
static struct { uint64_t key; uint32_t val; } shadow[SHADOW_SLOTS];
static unsigned nshadow;

static uint32_t *shadow_at(uint64_t key)
{
    unsigned i = (unsigned)((key * 0x9e3779b97f4a7c15ull) >> 52) % SHADOW_SLOTS;
    for (unsigned n = 0; n < SHADOW_SLOTS; n++, i = (i + 1) % SHADOW_SLOTS) {
        if (shadow[i].key == key) return &shadow[i].val;
        if (!shadow[i].key) {
            if (nshadow == SHADOW_SLOTS / 2) return 0; /* full: names only the written value */
            nshadow++;
            shadow[i].key = key;
            shadow[i].val = 0;
            return &shadow[i].val;
        }
    }
    return 0;
}

void fz_name_write(int type, uint64_t addr, unsigned size, uint32_t value)
{
    fz_name_value(value);
    for (unsigned b = 0; b < size; b++) {
        uint64_t a = addr + b;
        uint32_t *d = shadow_at(((uint64_t)(type + 1) << 60) | (a & ~3ull));
        if (!d) continue;
        unsigned lane = (unsigned)(a & 3) * 8;
        *d = (*d & ~(0xffu << lane)) | ((value >> (8 * b)) & 0xffu) << lane;
        fz_name_value(*d);
    }
}

static void check_named(const char *what, uint64_t gpa, uint32_t len)
{
    if (!len) return;
    const struct fz_device *dev = fz_dev;
    if (!dev->dma_span) { fz_finding("dma-unnamed", "%s of %u bytes at 0x%llx by a device that does no DMA", what, len, (unsigned long long)gpa); return; }
    uint64_t last = gpa + len - 1;
    uint64_t lo = last >= dev->dma_span ? last - dev->dma_span + 1 : 0;
    for (uint64_t p = lo >> 12; p <= gpa >> 12 && p < sizeof named; p++)
        if (named[p]) return;
    fz_finding("dma-unnamed", "%s of %u bytes at 0x%llx: no address the guest gave (registers, descriptors it read) lies within 0x%x below it",
               what, len, (unsigned long long)gpa, dev->dma_span);
}

void fz_check_dma(int write, uint64_t gpa, uint32_t len)
{
    const char *what = write ? "write" : "read";
    check_named(write ? "DMA write" : "DMA read", gpa, len);
    fz_dma_op += len;
    dma_input += len;
    if (fz_dma_op > DMA_BUDGET_OP) fz_finding("hang", "more than %u bytes of DMA in one guest operation (%s at 0x%llx): a descriptor/PRD loop?", DMA_BUDGET_OP, what, (unsigned long long)gpa);
    else if (dma_input > DMA_BUDGET_INPUT) fz_finding("hang", "more than %u bytes of DMA in one input", DMA_BUDGET_INPUT);
}

void fz_oracle_clear(void)
{
    memset(named, 0, sizeof named);
    if (nshadow) memset(shadow, 0, sizeof shadow), nshadow = 0;
    fz_dma_op = dma_input = 0;
    fz_found = 0;
}
