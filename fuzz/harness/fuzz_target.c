/* fuzz/harness/fuzz_target.c — the libFuzzer / AFL++ entry point for one device, chosen at build
 * time (-DFUZZ_DEVICE="e1000") or by the FUZZ_DEVICE environment variable. */
#include <stdio.h>
#include <stdlib.h>
#include "fuzz_exec.h"

#ifndef FUZZ_DEVICE
#define FUZZ_DEVICE "e1000"
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    const char *d = getenv("FUZZ_DEVICE");
    const char *v = getenv("FUZZ_VERBOSE");
    if (v) fz_verbose = atoi(v);
    if (fz_setup(d && *d ? d : FUZZ_DEVICE)) exit(2);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_run(data, size);
    return 0;
}
