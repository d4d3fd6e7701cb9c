/* runtime/core/jmp.S — a minimal setjmp/longjmp for x86-64 (System V), so trap unwinding needs
 * no libc and no signals: core_setjmp saves the callee-saved registers, the stack pointer and the
 * return address; core_longjmp restores them and makes core_setjmp return `val` (never 0).
 * Layout of struct core_jmp (jmp.h): rbx rbp r12 r13 r14 r15 rsp rip, 8 bytes each. */
    .text
    .globl core_setjmp
    .type core_setjmp, @function
core_setjmp:
    movq %rbx, 0(%rdi)
    movq %rbp, 8(%rdi)
    movq %r12, 16(%rdi)
    movq %r13, 24(%rdi)
    movq %r14, 32(%rdi)
    movq %r15, 40(%rdi)
    leaq 8(%rsp), %rdx      /* the caller's stack pointer after our return */
    movq %rdx, 48(%rdi)
    movq (%rsp), %rdx       /* our return address */
    movq %rdx, 56(%rdi)
    xorl %eax, %eax
    ret
    .size core_setjmp, .-core_setjmp

    .globl core_longjmp
    .type core_longjmp, @function
core_longjmp:
    movl %esi, %eax
    testl %eax, %eax
    jnz 1f
    incl %eax
1:  movq 0(%rdi), %rbx
    movq 8(%rdi), %rbp
    movq 16(%rdi), %r12
    movq 24(%rdi), %r13
    movq 32(%rdi), %r14
    movq 40(%rdi), %r15
    movq 48(%rdi), %rsp
    jmpq *56(%rdi)
    .size core_longjmp, .-core_longjmp

    .section .note.GNU-stack,"",@progbits
