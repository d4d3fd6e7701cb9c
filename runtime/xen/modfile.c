/* runtime/xen/modfile.c — see modfile.h. */
#include "modfile.h"
#include "lib.h"

#define MAX_SECTIONS 16

static const uint8_t *base;
static uint32_t nsec;

static uint32_t rd32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

static uint32_t fnv32(const uint8_t *p, size_t n)
{
    uint32_t h = 0x811c9dc5u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x01000193u;
    return h;
}

int modfile_open(const uint8_t *mod, size_t len, char *why, size_t whylen)
{
    base = 0;
    nsec = 0;
    if (!mod || !len) {
        snprintf(why, whylen, "no module: stubdomain_ramdisk must name build/out/stubdom.mod");
        return -1;
    }
    if (len < 32 || memcmp(mod, "WSTUBMOD", 8)) {
        snprintf(why, whylen, "the module (%lu bytes) is not a wasm-stubdom module file: stubdomain_ramdisk must name the stubdom.mod build/xen/build.sh wrote", (unsigned long)len);
        return -1;
    }
    uint32_t version = rd32(mod + 8), count = rd32(mod + 12), total = rd32(mod + 16);
    if (version != 1) {
        snprintf(why, whylen, "module file version %u, this image reads version 1: rebuild both with build/xen/build.sh", version);
        return -1;
    }
    if (total != len) {
        snprintf(why, whylen, "module file says %u bytes, %lu arrived (truncated or padded?)", total, (unsigned long)len);
        return -1;
    }
    if (count > MAX_SECTIONS || 32 + 32ull * count > len) {
        snprintf(why, whylen, "module file: bad section count %u", count);
        return -1;
    }
    if (fnv32(mod + 32, 32u * count) != rd32(mod + 20)) {
        snprintf(why, whylen, "module file: section table checksum mismatch");
        return -1;
    }
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *e = mod + 32 + 32 * i;
        uint32_t off = rd32(e + 16), n = rd32(e + 20);
        if (e[15] || (uint64_t)off + n > len) {
            snprintf(why, whylen, "module file: section %u out of bounds", i);
            return -1;
        }
        if (fnv32(mod + off, n) != rd32(e + 24)) {
            snprintf(why, whylen, "module file: section \"%s\" is corrupt (checksum mismatch)", (const char *)e);
            return -1;
        }
    }
    base = mod;
    nsec = count;
    return 0;
}

const uint8_t *modfile_section(const char *name, uint32_t *len)
{
    *len = 0;
    for (uint32_t i = 0; i < nsec; i++) {
        const uint8_t *e = base + 32 + 32 * i;
        if (!strncmp((const char *)e, name, 16)) {
            *len = rd32(e + 20);
            return base + rd32(e + 16);
        }
    }
    return 0;
}
