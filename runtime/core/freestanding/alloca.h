/* runtime/core/freestanding/alloca.h — wasm2c's generated code uses alloca for multi-value
 * returns; the compiler provides it. */
#ifndef CORE_FS_ALLOCA_H
#define CORE_FS_ALLOCA_H
#define alloca __builtin_alloca
#endif
