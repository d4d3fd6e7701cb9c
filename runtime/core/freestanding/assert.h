/* runtime/core/freestanding/assert.h — for wasm2c's generated code in a freestanding build: its
 * asserts only check that the runtime was initialised, which runtime/core guarantees. */
#ifndef CORE_FS_ASSERT_H
#define CORE_FS_ASSERT_H
#define assert(x) ((void)0)
#endif
