/* fuzz/harness/fuzz_ops.c — the fuzz input decoder (format: docs/fuzz-format.md). */
#include <stdio.h>
#include "fuzz_ops.h"

const uint8_t fz_kind_of_nibble[16] = {
    FZ_IO_WRITE, FZ_IO_WRITE, FZ_IO_WRITE, FZ_IO_READ, FZ_IO_READ, FZ_CFG_WRITE, FZ_CFG_READ, FZ_FILL,
    FZ_CLOCK, FZ_EVENT, FZ_BLK_DONE, FZ_BURST, FZ_IO_WRITE, FZ_IO_READ, FZ_FILL, FZ_RESET,
};

static const uint8_t size_of_code[4] = {1, 2, 4, 4};

void fz_reader_init(struct fz_reader *r, const uint8_t *data, size_t n)
{
    r->p = data;
    r->n = n;
    r->at = 0;
    r->ops = 0;
}

static int take(struct fz_reader *r, size_t k, uint32_t *v)
{
    if (r->n - r->at < k) return 0;
    uint32_t x = 0;
    for (size_t i = 0; i < k; i++) x |= (uint32_t)r->p[r->at + i] << (8 * i);
    r->at += k;
    *v = x;
    return 1;
}

static int value(struct fz_reader *r, struct fz_op *op)
{
    uint32_t v;
    if (op->addr) {
        if (!take(r, 2, &v)) return 0;
        op->value = v * FZ_ADDR_SCALE;
    } else {
        if (!take(r, 4, &v)) return 0;
        op->value = v;
    }
    return 1;
}

int fz_next(struct fz_reader *r, struct fz_op *op)
{
    uint32_t b, v;
    if (r->ops >= FZ_MAX_OPS || !take(r, 1, &b)) return 0;
    *op = (struct fz_op){0};
    op->kind = fz_kind_of_nibble[b & 15];
    if ((b & 15) == 15 && b != 0x0f) op->kind = FZ_CLOCK; /* reset only for the exact byte 0x0F */
    op->size = size_of_code[(b >> 4) & 3];
    op->addr = (b >> 6) & 1;
    uint32_t cost = 1;
    switch (op->kind) {
    case FZ_IO_WRITE:
    case FZ_IO_READ:
    case FZ_BURST:
        if (!take(r, 1, &v)) return 0;
        op->sel = (uint8_t)v;
        if (!take(r, 2, &v)) return 0;
        op->off = (uint16_t)v;
        if (op->kind == FZ_BURST) {
            if (!take(r, 1, &v)) return 0;
            op->count = v + 1;
            op->write = (b >> 7) & 1;
            cost = op->count;
            if (op->write && !value(r, op)) return 0;
        } else if (op->kind == FZ_IO_WRITE && !value(r, op)) return 0;
        break;
    case FZ_CFG_WRITE:
    case FZ_CFG_READ:
        if (!take(r, 1, &v)) return 0;
        op->sel = (uint8_t)v;
        if (!take(r, 1, &v)) return 0;
        op->off = (uint16_t)(v & ~(uint32_t)(op->size - 1));
        if (op->kind == FZ_CFG_WRITE && !value(r, op)) return 0;
        break;
    case FZ_FILL:
        if (!take(r, 2, &v)) return 0;
        op->gpa = (uint64_t)v * FZ_ADDR_SCALE;
        if (!take(r, 1, &v)) return 0;
        op->len = v + 1;
        if (op->len > r->n - r->at) op->len = (uint32_t)(r->n - r->at);
        if (!op->len) return 0;
        op->data = r->p + r->at;
        r->at += op->len;
        break;
    case FZ_CLOCK:
        if (!take(r, 1, &v)) return 0;
        op->ns = (uint64_t)((v & 15) + 1) << (2 * (v >> 4));
        break;
    case FZ_EVENT:
        if (!take(r, 1, &v)) return 0;
        op->ev = (uint8_t)v;
        if (v & 0x80) {
            if (!take(r, 2, &v)) return 0;
            op->len = v % (FZ_MAX_PAYLOAD + 1);
            if (op->len > r->n - r->at) op->len = (uint32_t)(r->n - r->at);
            op->data = r->p + r->at;
            r->at += op->len;
        } else {
            if (!take(r, 4, &op->arg) || !take(r, 4, &op->arg2)) return 0;
        }
        break;
    case FZ_BLK_DONE:
        if (!take(r, 1, &v)) return 0;
        op->sel = (uint8_t)v;
        if (!take(r, 1, &v)) return 0;
        op->status = (uint8_t)v;
        break;
    default:
        break;
    }
    if (cost > FZ_MAX_OPS - r->ops) return 0;
    r->ops += cost;
    return 1;
}

int fz_format(const struct fz_op *op, char *buf, size_t len)
{
    switch (op->kind) {
    case FZ_IO_WRITE:
        return snprintf(buf, len, "io_write sel=%u off=0x%x size=%u value=0x%x", op->sel, op->off, op->size, op->value);
    case FZ_IO_READ:
        return snprintf(buf, len, "io_read sel=%u off=0x%x size=%u", op->sel, op->off, op->size);
    case FZ_CFG_WRITE:
        return snprintf(buf, len, "cfg_write sel=%u reg=0x%x size=%u value=0x%x", op->sel, op->off, op->size, op->value);
    case FZ_CFG_READ:
        return snprintf(buf, len, "cfg_read sel=%u reg=0x%x size=%u", op->sel, op->off, op->size);
    case FZ_FILL: {
        int k = snprintf(buf, len, "fill gpa=0x%llx len=%u ", (unsigned long long)op->gpa, op->len);
        for (uint32_t i = 0; i < op->len && k > 0 && (size_t)k + 3 < len; i++) k += snprintf(buf + k, len - (size_t)k, "%02x", op->data[i]);
        return k;
    }
    case FZ_CLOCK:
        return snprintf(buf, len, "clock ns=%llu", (unsigned long long)op->ns);
    case FZ_EVENT:
        if (op->ev & 0x80) {
            int k = snprintf(buf, len, "event ev=%u len=%u ", op->ev & 0x7f, op->len);
            for (uint32_t i = 0; i < op->len && k > 0 && (size_t)k + 3 < len; i++) k += snprintf(buf + k, len - (size_t)k, "%02x", op->data[i]);
            return k;
        }
        return snprintf(buf, len, "event ev=%u arg=0x%x arg2=0x%x", op->ev, op->arg, op->arg2);
    case FZ_BLK_DONE:
        return snprintf(buf, len, "blk_done sel=%u status=%u", op->sel, op->status);
    case FZ_BURST:
        if (op->write) return snprintf(buf, len, "burst_write sel=%u off=0x%x size=%u count=%u value=0x%x", op->sel, op->off, op->size, op->count, op->value);
        return snprintf(buf, len, "burst_read sel=%u off=0x%x size=%u count=%u", op->sel, op->off, op->size, op->count);
    case FZ_RESET:
        return snprintf(buf, len, "reset");
    default:
        return snprintf(buf, len, "?");
    }
}
