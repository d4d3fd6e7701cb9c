/* runtime/core/w2c_rt.c — the runtime functions wasm2c's generated code calls (declared in
 * wasm2c/wasm-rt.h), implemented for runtime/core: traps unwind into the running device call
 * (core_call in device.c), linear memories are reserved whole in the arena so they never move,
 * function types are kept in a fixed table. No malloc, no signals. */
#include <stdarg.h>
#include "internal.h"
#include "wasm2c/wasm-rt.h"

#define W2C_PAGE 65536u
#define MAX_FUNC_TYPES 256
#define MAX_TYPE_ARITY 16

uint32_t wasm_rt_call_stack_depth;

static struct {
    uint8_t np, nr;
    uint8_t t[MAX_TYPE_ARITY];
} func_types[MAX_FUNC_TYPES];
static uint32_t nfunc_types;

void wasm_rt_init(void) {}
bool wasm_rt_is_initialized(void) { return true; }
void wasm_rt_free(void) {}

void wasm_rt_trap(wasm_rt_trap_t code)
{
    struct core *rt = core_running;
    if (!rt || !rt->trap_target) {
        static const char msg[] = "wasm trap outside any device call";
        platform_log(msg, sizeof msg - 1);
        for (;;) __builtin_trap();
    }
    core_longjmp(rt->trap_target, code == WASM_RT_TRAP_NONE ? WASM_RT_TRAP_UNREACHABLE : (int)code);
}

const char *wasm_rt_strerror(wasm_rt_trap_t code)
{
    /* Worded as V8 words its WebAssembly.RuntimeError messages, so reports match host/node. */
    switch (code) {
    case WASM_RT_TRAP_OOB: return "memory access out of bounds";
    case WASM_RT_TRAP_INT_OVERFLOW: return "divide result unrepresentable";
    case WASM_RT_TRAP_DIV_BY_ZERO: return "divide by zero";
    case WASM_RT_TRAP_INVALID_CONVERSION: return "float unrepresentable in integer range";
    case WASM_RT_TRAP_UNREACHABLE: return "unreachable";
    case WASM_RT_TRAP_CALL_INDIRECT: return "null function or function signature mismatch";
    case WASM_RT_TRAP_UNCAUGHT_EXCEPTION: return "uncaught exception";
    case WASM_RT_TRAP_EXHAUSTION: return "Maximum call stack size exceeded";
    default: return "trap";
    }
}

uint32_t wasm_rt_register_func_type(uint32_t params, uint32_t results, ...)
{
    uint8_t t[MAX_TYPE_ARITY];
    va_list ap;
    va_start(ap, results);
    for (uint32_t i = 0; i < params + results; i++) {
        int v = va_arg(ap, int);
        if (i < MAX_TYPE_ARITY) t[i] = (uint8_t)v;
    }
    va_end(ap);
    if (params + results > MAX_TYPE_ARITY) wasm_rt_trap(WASM_RT_TRAP_EXHAUSTION);
    for (uint32_t i = 0; i < nfunc_types; i++) {
        if (func_types[i].np == params && func_types[i].nr == results && !memcmp(func_types[i].t, t, params + results))
            return i + 1;
    }
    if (nfunc_types == MAX_FUNC_TYPES) wasm_rt_trap(WASM_RT_TRAP_EXHAUSTION);
    func_types[nfunc_types].np = (uint8_t)params;
    func_types[nfunc_types].nr = (uint8_t)results;
    memcpy(func_types[nfunc_types].t, t, params + results);
    return ++nfunc_types;
}

uint32_t wasm_rt_register_tag(uint32_t size)
{
    (void)size;
    wasm_rt_trap(WASM_RT_TRAP_UNCAUGHT_EXCEPTION); /* exceptions are not part of device ABI v1 */
}

void wasm_rt_load_exception(uint32_t tag, uint32_t size, const void *values)
{
    (void)tag, (void)size, (void)values;
}

void wasm_rt_throw(void) { wasm_rt_trap(WASM_RT_TRAP_UNCAUGHT_EXCEPTION); }

void wasm_rt_allocate_memory(wasm_rt_memory_t *mem, uint32_t initial_pages, uint32_t max_pages)
{
    /* The whole reservation is taken now, so `data` never moves: the VRAM mapping and the
     * display surface can point into it. Growth beyond it fails (memory.grow returns -1). */
    uint32_t limit = initial_pages + core_alloc_limit_pages;
    if (limit > max_pages) limit = max_pages;
    if (limit > 65536) limit = 65536;
    if (limit < initial_pages) limit = initial_pages;
    size_t bytes = (size_t)limit * W2C_PAGE;
    uint8_t *data = core_alloc_rt ? core_arena_alloc(core_alloc_rt, bytes ? bytes : 1, 4096) : 0;
    if (!data) {
        core_alloc_limit_pages = 0xffffffffu; /* tells core_add_device the arena was too small */
        limit = 0;
        initial_pages = 0;
        bytes = 0;
    } else {
        memset(data, 0, (size_t)initial_pages * W2C_PAGE);
    }
    mem->data = data;
    mem->pages = initial_pages;
    mem->size = initial_pages * W2C_PAGE;
    mem->max_pages = limit;
}

uint32_t wasm_rt_grow_memory(wasm_rt_memory_t *mem, uint32_t delta)
{
    uint32_t old = mem->pages;
    if (delta > mem->max_pages - old) return 0xffffffffu;
    memset(mem->data + (size_t)old * W2C_PAGE, 0, (size_t)delta * W2C_PAGE);
    mem->pages = old + delta;
    mem->size = mem->pages * W2C_PAGE;
    return old;
}

void wasm_rt_free_memory(wasm_rt_memory_t *mem) { (void)mem; /* arena memory lives as long as the runtime */ }

/* Tables: device modules built by asc have at most a small fixed funcref table. */
void wasm_rt_allocate_funcref_table(wasm_rt_funcref_table_t *t, uint32_t elements, uint32_t max_elements)
{
    t->data = core_alloc_rt ? core_arena_alloc(core_alloc_rt, (size_t)elements * sizeof(*t->data) + 1, 16) : 0;
    if (t->data) memset(t->data, 0, (size_t)elements * sizeof(*t->data));
    t->size = t->data ? elements : 0;
    t->max_size = t->size < max_elements ? t->size : max_elements; /* no growth: fixed in the arena */
}

void wasm_rt_free_funcref_table(wasm_rt_funcref_table_t *t) { (void)t; }

uint32_t wasm_rt_grow_funcref_table(wasm_rt_funcref_table_t *t, uint32_t delta, wasm_rt_funcref_t init)
{
    (void)init;
    return delta == 0 ? t->size : 0xffffffffu;
}

void wasm_rt_allocate_externref_table(wasm_rt_externref_table_t *t, uint32_t elements, uint32_t max_elements)
{
    t->data = core_alloc_rt ? core_arena_alloc(core_alloc_rt, (size_t)elements * sizeof(*t->data) + 1, 16) : 0;
    if (t->data) memset(t->data, 0, (size_t)elements * sizeof(*t->data));
    t->size = t->data ? elements : 0;
    t->max_size = t->size < max_elements ? t->size : max_elements;
}

void wasm_rt_free_externref_table(wasm_rt_externref_table_t *t) { (void)t; }

uint32_t wasm_rt_grow_externref_table(wasm_rt_externref_table_t *t, uint32_t delta, wasm_rt_externref_t init)
{
    (void)init;
    return delta == 0 ? t->size : 0xffffffffu;
}
