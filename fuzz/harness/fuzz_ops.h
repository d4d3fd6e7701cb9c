/* fuzz/harness/fuzz_ops.h — the fuzz input format (docs/fuzz-format.md), version 1: a byte string
 * decoded into typed guest operations. The decoder is pure (bytes → ops, no machine state); the
 * executor (fuzz_exec.c) resolves range/function selectors against the device's claims as they
 * are when the operation runs. fuzz/lib/decode.ts is the same decoder in TypeScript; both print
 * ops with fz_format / formatOp and test/fuzz/decode.test.ts compares the two texts. */
#ifndef FUZZ_OPS_H
#define FUZZ_OPS_H

#include <stddef.h>
#include <stdint.h>

enum fz_kind {
    FZ_IO_WRITE,   /* sel off value: a PIO/MMIO store into claimed range `sel` at `off` */
    FZ_IO_READ,    /* sel off */
    FZ_CFG_WRITE,  /* sel reg value: PCI config write to the device's function `sel` */
    FZ_CFG_READ,   /* sel reg */
    FZ_FILL,       /* gpa data: the guest writes its RAM (descriptors, PRD tables, buffers) */
    FZ_CLOCK,      /* ns: virtual time advances (timers fire, deferred work runs) */
    FZ_EVENT,      /* ev arg arg2 | data: a backend event (packet, key, media change, ...) */
    FZ_BLK_DONE,   /* sel status: a pending block request completes */
    FZ_BURST,      /* sel off count [value]: `count` reads (or writes) of one register */
    FZ_RESET,      /* guest reset: every device's dev_reset */
    FZ_NKINDS
};

/* low nibble of the op byte → kind (IO is weighted: it is where the registers are) */
extern const uint8_t fz_kind_of_nibble[16];

#define FZ_ADDR_SCALE 32u     /* an address-mode value or a fill position is u16 * 32 */
#define FZ_MAX_OPS 4096u      /* operations decoded per input (a burst counts `count`) */
#define FZ_MAX_PAYLOAD 16384u /* bytes of an event payload */

struct fz_op {
    uint8_t kind;
    uint8_t size;   /* IO/CFG/BURST: 1, 2 or 4 */
    uint8_t write;  /* BURST: writes rather than reads */
    uint8_t addr;   /* the value was given in address mode */
    uint8_t sel;    /* IO/BURST: range selector; CFG: function selector; BLK_DONE: request */
    uint8_t ev;     /* EVENT: event selector (per device list) */
    uint8_t status; /* BLK_DONE */
    uint16_t off;   /* IO/BURST: offset selector; CFG: register */
    uint32_t value, count, arg, arg2, len;
    uint64_t gpa, ns;
    const uint8_t *data; /* FILL / EVENT payload (points into the input) */
};

struct fz_reader {
    const uint8_t *p;
    size_t n, at;
    uint32_t ops; /* budget used */
};

void fz_reader_init(struct fz_reader *r, const uint8_t *data, size_t n);
/* Decodes the next operation; 0 at the end of the input, a truncated operation or the budget. */
int fz_next(struct fz_reader *r, struct fz_op *op);
/* One line describing `op` (the same text as fuzz/lib/decode.ts formatOp). */
int fz_format(const struct fz_op *op, char *buf, size_t len);

#endif
