/* runtime/posix/replay_snap.c — the trace's `snapshot` record (docs/trace-format.md): the device
 * model is saved (runtime/core/snapshot.c), a new runtime with fresh devices is built over the
 * same simulator (a new ioreq server: the simulator forgets the old one's ranges; guest RAM, IRQ
 * levels and link routes stay, as Xen keeps them across a device-model restart), and the snapshot
 * — ours, or the one --restore-snapshot names (V8's, for the differential test) — is loaded into
 * it. The step's own effects are not part of the trace. A refused snapshot must leave the fresh
 * runtime untouched: that is checked here (exit 3 if not), then reported (exit 2). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim.h"
#include "replay_snap.h"
#include "replay_parse.h"

static void mute(void *ctx, const char *line) { (void)ctx, (void)line; }

static uint8_t *save(struct core *rt, size_t *len)
{
    char err[256];
    size_t cap = core_snapshot_size(rt);
    uint8_t *buf = malloc(cap);
    if (!buf || core_snapshot_save(rt, buf, cap, len, err, sizeof err)) {
        fprintf(stderr, "stubdom-replay: %s\n", buf ? err : "out of memory");
        exit(2);
    }
    return buf;
}

void replay_snapshot(struct core *rt, struct sim *sim, size_t arena_bytes, const char *restore, const char *save_to,
                     char *line, size_t linelen)
{
    size_t len;
    uint8_t *own = save(rt, &len);
    snprintf(line, linelen, "snapshot %zu 0x%x", len, core_crc32(own, len - 4)); /* the stored checksum */
    if (save_to) {
        FILE *f = fopen(save_to, "wb");
        if (!f || fwrite(own, 1, len, f) != len || fclose(f)) { perror(save_to); exit(2); }
    }
    size_t in_len = len;
    uint8_t *in = restore ? replay_read_file(restore, &in_len) : own;

    /* the same devices, fresh, in a new runtime */
    struct core_device_spec specs[CORE_MAX_DEVICES];
    char names[CORE_MAX_DEVICES][32];
    unsigned n = 0;
    for (unsigned i = 0; i < CORE_MAX_DEVICES; i++) {
        struct core_device *d = &rt->devices[i];
        if (!d->in_use) continue;
        specs[n] = d->spec;
        snprintf(names[n], sizeof names[n], "%s", d->name);
        specs[n].name = names[n];
        specs[n].module = d->mod->name;
        n++;
    }
    struct core_hv hv = rt->hv;
    struct core_guest_mem mem = rt->ram;
    struct core_options opts = rt->opts;
    void (*emit)(void *, const char *) = sim->emit;
    sim->emit = mute;
    sim->nports = sim->nmmio = sim->npci = sim->nvram = 0;
    void *arena = malloc(arena_bytes);
    if (!arena) { fprintf(stderr, "stubdom-replay: out of memory\n"); exit(2); }
    core_init(rt, &hv, &mem, &opts, arena, arena_bytes);
    for (unsigned i = 0; i < n; i++) {
        char err[256];
        if (core_add_device(rt, &specs[i], err, sizeof err)) { fprintf(stderr, "stubdom-replay: snapshot step: %s\n", err); exit(2); }
    }
    size_t before_len;
    uint8_t *before = save(rt, &before_len);
    char err[512];
    if (core_snapshot_load(rt, in, in_len, err, sizeof err)) {
        size_t after_len;
        uint8_t *after = save(rt, &after_len);
        if (after_len != before_len || memcmp(before, after, before_len)) {
            fprintf(stderr, "stubdom-replay: HALF-RESTORED: the refused snapshot changed the runtime (%s)\n", err);
            exit(3);
        }
        fprintf(stderr, "stubdom-replay: %s\n", err);
        exit(2);
    }
    sim->emit = emit;
    free(before);
    if (in != own) free(in);
    free(own);
}
