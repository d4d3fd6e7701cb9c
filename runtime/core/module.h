/* runtime/core/module.h — one entry of the device table: a wasm2c-compiled device module, its
 * exports behind uniform function pointers, and the capabilities its manifest grants versus the
 * ones its imports need. build/native.ts generates the table (core_modules[]) from the built
 * modules and their manifests; a module whose imports exceed its grant is refused by the
 * generator and again by core_add_device. */
#ifndef CORE_MODULE_H
#define CORE_MODULE_H

#include <stdint.h>
#include "abi.h"
#include "wasm2c/wasm-rt.h"

struct Z_host_instance_t;

/* A grant's bits, in the ABI's order (abi.h, generated from stubdom/abi/abi-v1.json). */
enum core_cap {
    CORE_CAP_LOG = 1u << STUBDOM_CAP_LOG,
    CORE_CAP_CLAIM = 1u << STUBDOM_CAP_CLAIM,
    CORE_CAP_PCI = 1u << STUBDOM_CAP_PCI,
    CORE_CAP_IRQ = 1u << STUBDOM_CAP_IRQ,
    CORE_CAP_DMA = 1u << STUBDOM_CAP_DMA,
    CORE_CAP_TIMER = 1u << STUBDOM_CAP_TIMER,
    CORE_CAP_PLATFORM = 1u << STUBDOM_CAP_PLATFORM,
    CORE_CAP_CHR = 1u << STUBDOM_CAP_CHR,
    CORE_CAP_BLK = 1u << STUBDOM_CAP_BLK,
    CORE_CAP_NET = 1u << STUBDOM_CAP_NET,
    CORE_CAP_DISPLAY = 1u << STUBDOM_CAP_DISPLAY,
};

struct core_module {
    const char *name;
    uint32_t caps;          /* granted by the manifest */
    uint32_t imports;       /* needed by the module's imports */
    uint32_t instance_size; /* bytes of the wasm2c instance struct */
    uint32_t wasm_fnv32;    /* FNV-1a of the .wasm it was compiled from (traces name it too) */
    void (*init_module)(void);
    void (*instantiate)(void *inst, struct Z_host_instance_t *host);
    wasm_rt_memory_t *(*memory)(void *inst);
    uint32_t (*abi_version)(void *inst);
    uint32_t (*dev_alloc)(void *inst, uint32_t len);
    uint32_t (*dev_init)(void *inst, uint32_t ptr, uint32_t len);
    void (*dev_reset)(void *inst);
    uint32_t (*dev_read)(void *inst, uint32_t region, uint32_t offset, uint32_t size);
    void (*dev_write)(void *inst, uint32_t region, uint32_t offset, uint32_t size, uint32_t value);
    /* optional exports: NULL when absent */
    uint32_t (*pci_cfg_read)(void *inst, uint32_t bdf, uint32_t reg, uint32_t size);
    void (*pci_cfg_write)(void *inst, uint32_t bdf, uint32_t reg, uint32_t size, uint32_t value);
    void (*dev_timer)(void *inst, uint32_t id);
    void (*dev_event)(void *inst, uint32_t kind, uint32_t a, uint32_t b);
    /* snapshots (snapshot.c): optional dev_post_load; the .wasm's sha-256; its mutable globals
     * (build/export-globals.mjs exports them as snapshot_global_<i>), each one's type
     * (CORE_GLOBAL_*) and a pointer to it in an instance */
    void (*dev_post_load)(void *inst);
    const uint8_t *sha256;
    uint32_t nglobals;
    const uint8_t *global_types;
    void *(*global)(void *inst, uint32_t n);
};

enum { CORE_GLOBAL_I32 = 0, CORE_GLOBAL_I64 = 1, CORE_GLOBAL_F32 = 2, CORE_GLOBAL_F64 = 3 };

extern const struct core_module core_modules[];
extern const unsigned core_module_count;

const struct core_module *core_find_module(const char *name);

#endif
