/* runtime/core/freestanding/string.h — the memory helpers wasm2c's generated code calls, in a
 * freestanding build; the platform (runtime/xen's lib.c) defines them. */
#ifndef CORE_FS_STRING_H
#define CORE_FS_STRING_H
#include <stddef.h>
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
#endif
