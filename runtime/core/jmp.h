/* runtime/core/jmp.h — non-local exit for trap containment without libc (jmp.S, x86-64).
 * core_setjmp returns 0 when called and the value given to core_longjmp when jumped back to. */
#ifndef CORE_JMP_H
#define CORE_JMP_H

#include <stdint.h>

struct core_jmp {
    uint64_t regs[8];
};

__attribute__((returns_twice)) int core_setjmp(struct core_jmp *j);
__attribute__((noreturn)) void core_longjmp(struct core_jmp *j, int val);

#endif
