/* fuzz/harness/fuzz_exec.h — runs decoded fuzz inputs against one device on runtime/core +
 * runtime/posix's simulator, with the oracles of docs/fuzzing.md (traps, DMA outside the buffers
 * the guest named, DMA budgets, block requests and timers/IRQs that never settle). A finding is
 * printed as `fuzz: FINDING <class>: <detail>` and then fz_on_finding runs (abort() under a
 * fuzzing engine, so the engine saves the input). */
#ifndef FUZZ_EXEC_H
#define FUZZ_EXEC_H

#include <stddef.h>
#include <stdint.h>

/* Sets the harness up for `device` (pci, cmos, uart, ps2, vga, ide, e1000); 0 or -1. */
int fz_setup(const char *device);
/* Runs one input from a fresh machine. Returns 0, or 1 after a finding (when fz_on_finding returns). */
int fz_run(const uint8_t *data, size_t size);

extern void (*fz_on_finding)(void);
extern int fz_verbose; /* 1: print each op as it runs; 2: also device logs */

#endif
