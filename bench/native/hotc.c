/* bench/native/hotc.c — the Internet checksum written directly in C, the peer of bench/hot/csum.ts
 * compiled through wasm2c (same algorithm, same loads, no bounds checks). */
#include <stdint.h>
#include <string.h>
#include "hotc.h"

uint32_t csum_native(const uint8_t *p, int32_t len)
{
    uint32_t sum = 0;
    int32_t i = 0;
    for (; i + 1 < len; i += 2) {
        uint16_t v;
        memcpy(&v, p + i, 2);
        sum += v;
    }
    if (i < len) sum += p[i];
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return ~sum & 0xffff;
}
