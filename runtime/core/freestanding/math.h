/* runtime/core/freestanding/math.h — the floating-point helpers wasm2c's generated code names,
 * mapped to compiler builtins. floor/ceil/trunc/nearbyint become libm calls unless the target has
 * SSE4.1 (-msse4.1): a freestanding platform then provides them. Device models rarely use floats;
 * unused ones vanish at -O2. */
#ifndef CORE_FS_MATH_H
#define CORE_FS_MATH_H
#define NAN __builtin_nanf("")
#define isnan(x) __builtin_isnan(x)
#define signbit(x) __builtin_signbit(x)
#define fabs __builtin_fabs
#define fabsf __builtin_fabsf
#define sqrt __builtin_sqrt
#define sqrtf __builtin_sqrtf
#define floor __builtin_floor
#define floorf __builtin_floorf
#define ceil __builtin_ceil
#define ceilf __builtin_ceilf
#define trunc __builtin_trunc
#define truncf __builtin_truncf
#define nearbyint __builtin_nearbyint
#define nearbyintf __builtin_nearbyintf
#define copysign __builtin_copysign
#define copysignf __builtin_copysignf
#endif
