/* runtime/posix/replay_out.c — the trace stubdom-replay writes: lines appended as the devices'
 * effects come in, op lines inserted at the mark in front of them (replay_out.h). */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "replay_out.h"

struct replay_lines replay_out;
size_t replay_mark;

void replay_lines_push(struct replay_lines *l, char *line)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 1024;
        l->lines = realloc(l->lines, l->cap * sizeof(char *));
    }
    l->lines[l->n++] = line;
}

void replay_put(const char *line) { replay_lines_push(&replay_out, strdup(line)); }

void replay_emit(void *ctx, const char *line) { (void)ctx, replay_put(line); }

void replay_put_at_mark(const char *line)
{
    struct replay_lines *o = &replay_out;
    replay_put(line);
    char *l = o->lines[o->n - 1];
    memmove(&o->lines[replay_mark + 1], &o->lines[replay_mark], (o->n - 1 - replay_mark) * sizeof(char *));
    o->lines[replay_mark] = l;
}

static void vputf(int at_mark, const char *fmt, va_list ap)
{
    char line[512];
    vsnprintf(line, sizeof line, fmt, ap);
    if (at_mark) replay_put_at_mark(line);
    else replay_put(line);
}

void replay_putf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vputf(0, fmt, ap);
    va_end(ap);
}

void replay_opf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vputf(1, fmt, ap);
    va_end(ap);
}

void replay_put_hex(const char *prefix, const uint8_t *b, uint32_t len)
{
    size_t n = strlen(prefix) + 2 * (size_t)len + 2;
    char *line = malloc(n);
    size_t k = (size_t)sprintf(line, "%s", prefix);
    for (uint32_t i = 0; i < len; i++) k += (size_t)sprintf(line + k, "%02x", b[i]);
    if (!len) sprintf(line + k, "-");
    replay_put(line);
    free(line);
}
