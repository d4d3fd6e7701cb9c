/* runtime/posix/replay_parse.h — reading a trace (docs/trace-format.md) for stubdom-replay
 * (replay_parse.c): the file, its records, their fields. Errors exit 2 naming the trace line. */
#ifndef POSIX_REPLAY_PARSE_H
#define POSIX_REPLAY_PARSE_H

#include <stddef.h>
#include <stdint.h>
#include "sim.h"
#include "replay_out.h"

/* Exits 2: "trace line LINE: WHY". */
_Noreturn void replay_die(int line, const char *why);
/* The whole file, NUL-terminated; exits 2 if unreadable. */
uint8_t *replay_read_file(const char *path, size_t *len);
/* The trace's records: its lines but comments and blank lines (pointing into `text`, which is
 * changed); exits 2 if it is not a stubdom-trace 1 file. */
void replay_records(char *text, struct replay_lines *records);
/* Splits `s` at spaces into at most `max` tokens (in place); returns how many. */
int replay_split(char *s, char **tok, int max);
/* A number (C syntax: decimal, 0x...). */
uint64_t replay_num(const char *s, int line);
/* Hex bytes, or `-` for none; a malloc'd buffer. */
uint8_t *replay_unhex(const char *s, uint32_t *len, int line);
/* A device line's irqs= value (`-`, or comma-separated none | isa:N | intx:N[@BDF]). */
void replay_parse_irqs(const char *s, struct core_device_spec *spec, int line);

#endif
