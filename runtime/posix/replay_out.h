/* runtime/posix/replay_out.h — the trace stubdom-replay writes (replay_out.c): a growing list of
 * lines; an op line goes in front of the effects it caused (they are emitted while it runs). */
#ifndef POSIX_REPLAY_OUT_H
#define POSIX_REPLAY_OUT_H

#include <stddef.h>
#include <stdint.h>

struct replay_lines {
    char **lines;
    size_t n, cap;
};

extern struct replay_lines replay_out;
/* Where the current record's op line goes: replay_out.n when the record started. */
extern size_t replay_mark;

/* Appends `line` (not copied) to `l`. */
void replay_lines_push(struct replay_lines *l, char *line);
/* Appends a copy of `line` to the output. */
void replay_put(const char *line);
/* replay_put as the simulator's line sink (struct sim's emit). */
void replay_emit(void *ctx, const char *line);
/* Puts a copy of `line` at the mark, before the effects the current record caused. */
void replay_put_at_mark(const char *line);
void replay_putf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* An op line, at the mark. */
void replay_opf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* `prefix` then `b` in hex (`-` when empty). */
void replay_put_hex(const char *prefix, const uint8_t *b, uint32_t len);

#endif
