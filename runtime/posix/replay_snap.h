/* runtime/posix/replay_snap.h — the replayer's snapshot step (replay_snap.c). */
#ifndef POSIX_REPLAY_SNAP_H
#define POSIX_REPLAY_SNAP_H

#include <stddef.h>
#include "sim.h"

/* Saves the device model, rebuilds its devices fresh and loads `restore` (a file) or what was just
 * saved; `line` receives the trace record (`snapshot LEN 0xCRC` of our own save), `save_to` (may
 * be NULL) our own snapshot. Exits 2 on a refused snapshot, 3 if a refusal changed the runtime. */
void replay_snapshot(struct core *rt, struct sim *sim, size_t arena_bytes, const char *restore, const char *save_to,
                     char *line, size_t linelen);

#endif
