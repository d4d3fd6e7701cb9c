/* test/xen/frontend_fakes.c — see frontend_fakes.h. The hypercall page is real code here: 64
 * 32-byte stubs that load the hypercall number and jump to a trampoline which keeps every
 * register runtime/xen/hypercall.h's inline asm expects preserved (r9, the SSE registers) and
 * calls fake_hypercall() with the SysV convention. Harnesses using it build with -mno-red-zone,
 * as runtime/xen does (the inline asm's `call` writes below the stack pointer). */
#define _DEFAULT_SOURCE
#include "frontend_fakes.h"

#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xen_abi.h"
#include "str_extra.h" /* strlcpy, parse_u64: runtime/xen/str_extra.c, compiled in by the tests */

uint64_t fake_now = 1000000000ULL;
void (*fake_on_notify)(uint32_t port);
void (*fake_on_wait)(void);
unsigned long fake_polls;
uint32_t fake_unwatched;

/* ---- the hypercall page ---- */

__asm__(".text\n"
        ".globl hypercall_page\n"
        ".balign 4096\n"
        "hypercall_page:\n"
        ".irp k, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63\n"
        ".balign 32\n movl $\\k, %eax\n jmp fake_hypercall_trampoline\n"
        ".endr\n"
        ".balign 32\n"
        "fake_hypercall_trampoline:\n"
        " push %rbp\n mov %rsp, %rbp\n push %r9\n"
        " and $-16, %rsp\n sub $256, %rsp\n"
        " movdqu %xmm0, 0(%rsp)\n movdqu %xmm1, 16(%rsp)\n movdqu %xmm2, 32(%rsp)\n movdqu %xmm3, 48(%rsp)\n"
        " movdqu %xmm4, 64(%rsp)\n movdqu %xmm5, 80(%rsp)\n movdqu %xmm6, 96(%rsp)\n movdqu %xmm7, 112(%rsp)\n"
        " movdqu %xmm8, 128(%rsp)\n movdqu %xmm9, 144(%rsp)\n movdqu %xmm10, 160(%rsp)\n movdqu %xmm11, 176(%rsp)\n"
        " movdqu %xmm12, 192(%rsp)\n movdqu %xmm13, 208(%rsp)\n movdqu %xmm14, 224(%rsp)\n movdqu %xmm15, 240(%rsp)\n"
        " mov %r8, %r9\n mov %r10, %r8\n mov %rdx, %rcx\n mov %rsi, %rdx\n mov %rdi, %rsi\n mov %eax, %edi\n"
        " call fake_hypercall\n"
        " movdqu 0(%rsp), %xmm0\n movdqu 16(%rsp), %xmm1\n movdqu 32(%rsp), %xmm2\n movdqu 48(%rsp), %xmm3\n"
        " movdqu 64(%rsp), %xmm4\n movdqu 80(%rsp), %xmm5\n movdqu 96(%rsp), %xmm6\n movdqu 112(%rsp), %xmm7\n"
        " movdqu 128(%rsp), %xmm8\n movdqu 144(%rsp), %xmm9\n movdqu 160(%rsp), %xmm10\n movdqu 176(%rsp), %xmm11\n"
        " movdqu 192(%rsp), %xmm12\n movdqu 208(%rsp), %xmm13\n movdqu 224(%rsp), %xmm14\n movdqu 240(%rsp), %xmm15\n"
        " mov -8(%rbp), %r9\n mov %rbp, %rsp\n pop %rbp\n ret\n");

long fake_hypercall(unsigned nr, unsigned long a1, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5);
long fake_hypercall(unsigned nr, unsigned long a1, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5)
{
    (void)a3, (void)a4, (void)a5;
    switch (nr) {
    case HC_sched_op:
        if (a1 == SCHEDOP_poll) {
            const struct sched_poll *p = (const struct sched_poll *)a2;
            fake_polls++;
            if (p->timeout > fake_now)
                fake_now = p->timeout;
            if (fake_on_wait)
                fake_on_wait();
        } else {
            fake_now += 1000000ULL;
        }
        return 0;
    case HC_console_io:
        return -38;   /* a release Xen refuses a domU */
    case HC_memory_op:
        if (a1 == XENMEM_populate_physmap)
            return (long)((const struct xen_memory_reservation *)a2)->nr_extents;
        return 0;
    case HC_update_va_mapping_otherdomain:
        return 0;     /* the page stays the host's own */
    default:
        printf("FAIL unexpected hypercall %u\n", nr);
        exit(1);
    }
}

/* ---- pages, frames, grants ---- */

static void *pages_out[8192];
static unsigned npages_out;

void *page_alloc(unsigned n);
void *page_alloc(unsigned n)
{
    void *p = aligned_alloc(4096, (size_t)n * 4096);
    if (!p || npages_out == sizeof pages_out / sizeof pages_out[0]) {
        printf("FAIL page_alloc stand-in exhausted\n");
        exit(1);
    }
    memset(p, 0, (size_t)n * 4096);
    pages_out[npages_out++] = p;
    return p;
}
void page_free(void *p, unsigned n);
void page_free(void *p, unsigned n) { (void)p, (void)n; /* freed by fake_pages_release */ }
void fake_pages_release(void)
{
    for (unsigned i = 0; i < npages_out; i++)
        free(pages_out[i]);
    npages_out = 0;
}
uint64_t virt_to_mfn(const void *va);
uint64_t virt_to_mfn(const void *va) { return (uint64_t)(uintptr_t)va >> 12; }
void *mfn_to_virt(uint64_t mfn);
void *mfn_to_virt(uint64_t mfn) { return (void *)(uintptr_t)(mfn << 12); }
void *fake_mfn(uint64_t mfn) { return mfn_to_virt(mfn); }

static int next_ref = 8;
int gnttab_grant(domid_t domid, uint64_t mfn, bool readonly);
int gnttab_grant(domid_t domid, uint64_t mfn, bool readonly) { (void)domid, (void)mfn, (void)readonly; return next_ref++; }

/* ---- event channels ---- */

static evtchn_port_t next_port = 10;
int evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port);
int evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port) { (void)remote; *port = next_port++; return 0; }
void evtchn_watch(evtchn_port_t port);
void evtchn_watch(evtchn_port_t port) { (void)port; }
void evtchn_unwatch(evtchn_port_t port);
void evtchn_unwatch(evtchn_port_t port) { fake_unwatched = port; }
void evtchn_notify(evtchn_port_t port);
void evtchn_notify(evtchn_port_t port)
{
    if (fake_on_notify)
        fake_on_notify(port);
}
bool evtchn_test_and_clear(evtchn_port_t port);
bool evtchn_test_and_clear(evtchn_port_t port) { (void)port; return false; }
void evtchn_wait(uint64_t deadline_ns);
void evtchn_wait(uint64_t deadline_ns)
{
    fake_polls++;
    if (deadline_ns > fake_now)
        fake_now = deadline_ns;
    if (fake_on_wait)
        fake_on_wait();
}
uint64_t time_ns(void);
uint64_t time_ns(void) { return fake_now; }

/* ---- xenstore ---- */

static struct { char path[128], val[128]; } nodes[128];

void fake_xs_clear(void) { memset(nodes, 0, sizeof nodes); }
const char *fake_xs_get(const char *path)
{
    for (unsigned i = 0; i < 128; i++)
        if (nodes[i].path[0] && !strcmp(nodes[i].path, path))
            return nodes[i].val;
    return 0;
}
void fake_xs_set(const char *path, const char *value)
{
    unsigned i = 0;
    while (i < 128 && nodes[i].path[0] && strcmp(nodes[i].path, path))
        i++;
    if (i == 128) {
        printf("FAIL xenstore stand-in full\n");
        exit(1);
    }
    snprintf(nodes[i].path, sizeof nodes[i].path, "%s", path);
    snprintf(nodes[i].val, sizeof nodes[i].val, "%s", value);
}
int xs_write(const char *path, const char *value);
int xs_write(const char *path, const char *value) { fake_xs_set(path, value); return 0; }
int xs_read(const char *path, char *buf, size_t size);
int xs_read(const char *path, char *buf, size_t size)
{
    const char *v = fake_xs_get(path);
    if (!v)
        return -2;
    snprintf(buf, size, "%s", v);
    return (int)strlen(buf);
}
int xs_read_u64(const char *dir, const char *key, uint64_t *v);
int xs_read_u64(const char *dir, const char *key, uint64_t *v)
{
    char p[256], buf[32];
    snprintf(p, sizeof p, "%s/%s", dir, key);
    return xs_read(p, buf, sizeof buf) >= 0 && parse_u64(buf, v) ? 0 : -1;
}
uint64_t xs_wait_state(const char *dir, uint64_t want, uint64_t timeout_ns);
uint64_t xs_wait_state(const char *dir, uint64_t want, uint64_t timeout_ns)
{
    (void)want, (void)timeout_ns;
    uint64_t state = 0;
    xs_read_u64(dir, "state", &state);
    return state;
}

/* ---- watchdog, generator ---- */

static const char *watched;
static void on_alarm(int sig)
{
    (void)sig;
    static const char head[] = "FAIL ";
    static const char tail[] = ": did not terminate (a ring walk without a bound?)\n";
    fflush(stdout);
    (void)!write(1, head, sizeof head - 1);
    (void)!write(1, watched, strlen(watched));
    (void)!write(1, tail, sizeof tail - 1);
    _exit(1);
}
void watchdog_arm(unsigned seconds, const char *what)
{
    watched = what;
    signal(SIGALRM, on_alarm);
    alarm(seconds);
}
void watchdog_disarm(void) { alarm(0); }

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
void fuzz_seed(uint64_t seed) { rng = seed ? seed : 1; }
uint32_t fuzz_rand(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;   /* xorshift64 */
    return (uint32_t)(rng >> 16);
}
