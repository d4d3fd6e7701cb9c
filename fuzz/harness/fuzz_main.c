/* fuzz/harness/fuzz_main.c — `fuzz-run DEVICE [-v|-vv] [--decode] FILE...`: runs inputs without a
 * fuzzing engine (plain build, coverage build) and reports findings by exit status 1; with
 * --decode it only prints each file's decoded operations (fuzz_ops.c's fz_format), which
 * test/fuzz/decode.test.ts compares with the TypeScript decoder. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_exec.h"
#include "fuzz_ops.h"

static int findings;
static void count_finding(void) { findings++; }

static uint8_t *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(2); }
    size_t cap = 4096, len = 0;
    uint8_t *b = malloc(cap);
    for (size_t k; (k = fread(b + len, 1, cap - len, f)) > 0;) {
        len += k;
        if (len == cap) b = realloc(b, cap *= 2);
    }
    fclose(f);
    *n = len;
    return b;
}

int main(int argc, char **argv)
{
    int decode = 0, nfiles = 0;
    const char *device = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-v")) fz_verbose = 1;
        else if (!strcmp(argv[i], "-vv")) fz_verbose = 2;
        else if (!strcmp(argv[i], "--decode")) decode = 1;
        else if (!device && !decode) device = argv[i];
        else nfiles++;
    }
    if ((!device && !decode) || !nfiles) {
        fprintf(stderr, "usage: fuzz-run DEVICE [-v|-vv] FILE...  |  fuzz-run --decode FILE...\n");
        return 2;
    }
    if (!decode && fz_setup(device)) return 2;
    fz_on_finding = count_finding;
    static char line[1 << 16];
    int seen_device = 0;
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1]) continue;
        if (!decode && !seen_device) { seen_device = 1; continue; }
        size_t n;
        uint8_t *b = slurp(argv[i], &n);
        if (decode) {
            struct fz_reader r;
            struct fz_op op;
            fz_reader_init(&r, b, n);
            printf("# %s\n", argv[i]);
            while (fz_next(&r, &op)) {
                fz_format(&op, line, sizeof line);
                printf("%s\n", line);
            }
        } else {
            int before = findings;
            fz_run(b, n);
            if (findings > before) fprintf(stderr, "fuzz-run: %s: finding\n", argv[i]);
        }
        free(b);
    }
    return findings ? 1 : 0;
}
