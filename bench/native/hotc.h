/* bench/native/hotc.h — the native-C checksum (hotc.c), kept in its own translation unit so the
 * compiler cannot specialise it for the benchmark's constant arguments. */
#ifndef BENCH_CSUM_H
#define BENCH_CSUM_H
#include <stdint.h>
uint32_t csum_native(const uint8_t *p, int32_t len);
#endif
