/* runtime/posix/replay_parse.c — reading a trace for stubdom-replay: the file, its records and
 * their fields (replay_parse.h). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "replay_parse.h"

_Noreturn void replay_die(int line, const char *why)
{
    fprintf(stderr, "stubdom-replay: trace line %d: %s\n", line, why);
    exit(2);
}

uint8_t *replay_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(2); }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc(n > 0 ? (size_t)n + 1 : 1);
    if (n < 0 || !b || fread(b, 1, (size_t)n, f) != (size_t)n) { perror(path); exit(2); }
    fclose(f);
    b[n] = 0;
    *len = (size_t)n;
    return b;
}

void replay_records(char *text, struct replay_lines *records)
{
    for (char *l = text; l && *l;) {
        char *nl = strchr(l, '\n');
        if (nl) *nl = 0;
        if (*l && *l != '#') replay_lines_push(records, l);
        l = nl ? nl + 1 : 0;
    }
    if (!records->n || strcmp(records->lines[0], "stubdom-trace 1")) replay_die(1, "not a stubdom-trace 1 file");
}

int replay_split(char *s, char **tok, int max)
{
    int n = 0;
    while (*s && n < max) {
        while (*s == ' ') s++;
        if (!*s) break;
        tok[n++] = s;
        while (*s && *s != ' ') s++;
        if (*s) *s++ = 0;
    }
    return n;
}

uint64_t replay_num(const char *s, int line)
{
    char *end;
    uint64_t v = strtoull(s, &end, 0);
    if (end == s || *end) replay_die(line, "bad number");
    return v;
}

uint8_t *replay_unhex(const char *s, uint32_t *len, int line)
{
    if (!strcmp(s, "-")) { *len = 0; return malloc(1); }
    size_t n = strlen(s);
    if (n % 2) replay_die(line, "odd hex length");
    uint8_t *b = malloc(n / 2 + 1);
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        if (sscanf(s + 2 * i, "%2x", &v) != 1) replay_die(line, "bad hex");
        b[i] = (uint8_t)v;
    }
    *len = (uint32_t)(n / 2);
    return b;
}

void replay_parse_irqs(const char *s, struct core_device_spec *spec, int line)
{
    spec->nirqs = 0;
    if (!strcmp(s, "-")) return;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", s);
    for (char *tok = strtok(buf, ","); tok; tok = strtok(0, ",")) {
        if (spec->nirqs == CORE_MAX_PINS) replay_die(line, "too many irq pins");
        struct core_irq_route *r = &spec->irqs[spec->nirqs++];
        r->bdf = -1;
        if (!strcmp(tok, "none")) r->kind = CORE_ROUTE_NONE;
        else if (!strncmp(tok, "isa:", 4)) r->kind = CORE_ROUTE_ISA, r->line = (uint8_t)replay_num(tok + 4, line);
        else if (!strncmp(tok, "intx:", 5)) {
            r->kind = CORE_ROUTE_INTX;
            char *at = strchr(tok, '@');
            if (at) *at = 0, r->bdf = (int32_t)replay_num(at + 1, line);
            r->line = (uint8_t)replay_num(tok + 5, line);
        } else replay_die(line, "bad irq route");
    }
}
