/* runtime/xen/head.S — the PV x86-64 entry point, the boot stack, the hypercall page and the
 * Xen ELF notes that let libxc's "xen-3.0-x86_64" domain builder load this image.
 * Xen enters _start in 64-bit mode (ring 3, PV) with %rsi = virtual address of start_info and
 * the image mapped at its link addresses (VIRT_BASE 0). Upcalls stay masked: we never take
 * asynchronous events, the main loop polls event channels with SCHEDOP_poll instead. */

#define XEN_ELFNOTE_ENTRY          1
#define XEN_ELFNOTE_HYPERCALL_PAGE 2
#define XEN_ELFNOTE_VIRT_BASE      3
#define XEN_ELFNOTE_PADDR_OFFSET   4
#define XEN_ELFNOTE_XEN_VERSION    5
#define XEN_ELFNOTE_GUEST_OS       6
#define XEN_ELFNOTE_GUEST_VERSION  7
#define XEN_ELFNOTE_LOADER         8

/* One note: name "Xen", the given type, the descriptor emitted by the following directive. */
.macro xen_note type, desc:vararg
    .pushsection .note.Xen, "a", @note
    .balign 4
    .long 4f - 3f          /* namesz */
    .long 6f - 5f          /* descsz */
    .long \type
3:  .asciz "Xen"
4:  .balign 4
5:  \desc
6:  .balign 4
    .popsection
.endm

    xen_note XEN_ELFNOTE_GUEST_OS,      .asciz "wasm-stubdom"
    xen_note XEN_ELFNOTE_GUEST_VERSION, .asciz "0.1"
    xen_note XEN_ELFNOTE_XEN_VERSION,   .asciz "xen-3.0"
    xen_note XEN_ELFNOTE_LOADER,        .asciz "generic"
    xen_note XEN_ELFNOTE_VIRT_BASE,     .quad 0
    xen_note XEN_ELFNOTE_PADDR_OFFSET,  .quad 0
    xen_note XEN_ELFNOTE_ENTRY,         .quad _start
    xen_note XEN_ELFNOTE_HYPERCALL_PAGE, .quad hypercall_page

    .section .text.boot, "ax", @progbits
    .globl _start
_start:
    cld
    leaq boot_stack_top(%rip), %rsp
    movq %rsi, %rdi            /* start_info */
    call kernel_main
    /* kernel_main does not return; if it does, spin without touching the stack. */
1:  jmp 1b

    .section .text.hypercall, "ax", @progbits
    .balign 4096
    .globl hypercall_page
hypercall_page:
    .fill 4096, 1, 0xcc        /* overwritten by Xen at domain build */

    .section .bss.stack, "aw", @nobits
    .balign 16
boot_stack:
    .skip 1048576   /* 1 MiB: wasm2c code recurses up to WASM_RT_MAX_CALL_STACK_DEPTH frames */
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
