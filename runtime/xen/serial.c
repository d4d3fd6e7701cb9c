/* runtime/xen/serial.c — see serial.h. Input goes through runtime/core's receive flow control
 * (core_chr_input): the UART reports its receiver's room with chr_rx_room and gets no more than
 * that, so a paste never overruns its FIFO however slowly the guest drains it (without it, Linux
 * under nested Xen on a software CPU lost bytes of a 20-byte line typed at one byte per
 * millisecond). What the core cannot queue stays in console 3's ring, and the helper stops
 * reading the pty while that ring is full: flow control all the way back to the keyboard. */
#include "serial.h"
#include "abi.h"
#include "console.h"
#include "evtchn.h"
#include "lib.h"
#include "pvcons.h"
#include "time.h"
#include "xenstore.h"

#define PARTIAL_LINE_NS 500000000ULL

static char line[160];
static size_t line_len;
static uint64_t bytes_out, last_out;
static struct pvcons con3;
static bool con3_ok;
static struct core *rt;
static struct core_device *uart;

static void flush_line(void)
{
    if (!line_len)
        return;
    line[line_len] = 0;
    printk("serial: %s\n", line);
    line_len = 0;
}

static void serial_write(void *ctx, const uint8_t *bytes, uint32_t len)
{
    (void)ctx;
    last_out = time_ns();
    bytes_out += len;
    if (con3_ok)
        pvcons_write(&con3, bytes, len);
    for (uint32_t i = 0; i < len; i++) {
        uint8_t c = bytes[i];
        if (c == '\n') {
            flush_line();
            continue;
        }
        if (c == '\r')
            continue;
        line[line_len++] = (c >= 32 && c < 127) ? (char)c : '.';
        if (line_len == sizeof line - 1)
            flush_line();
    }
}

static struct core_chr_backend backend = { .write = serial_write };

struct core_chr_backend *serial_backend(void) { return &backend; }

void serial_connect(void)
{
    char buf[16];
    if (xs_read("device/console/3/backend-id", buf, sizeof buf) < 0)
        return;   /* no `serial=` in the guest's config */
    con3_ok = !pvcons_connect(&con3, "device/console/3");
}

void serial_attach(struct core *r, struct core_device *dev)
{
    rt = r;
    uart = dev;
}

void serial_service(uint64_t now)
{
    if (line_len && now - last_out >= PARTIAL_LINE_NS)
        flush_line();
    if (!con3_ok)
        return;
    evtchn_test_and_clear(con3.port);
    if (!uart) {   /* no UART: what is typed goes nowhere */
        uint8_t sink[64];
        while (pvcons_read(&con3, sink, sizeof sink))
            ;
        return;
    }
    uint8_t buf[256];
    uint32_t space = core_chr_space(uart);
    uint32_t n = pvcons_read(&con3, buf, space < sizeof buf ? space : (uint32_t)sizeof buf);
    if (n)
        core_chr_input(rt, uart, buf, n);
}

uint64_t serial_next_deadline(void)
{
    uint64_t d = UINT64_MAX;
    if (line_len)
        d = last_out + PARTIAL_LINE_NS;
    return d;
}

void serial_report(void)
{
    if (con3_ok)
        printk("serial: %lu bytes out; console 3: %lu sent, %lu dropped (ring full), %lu typed in\n",
               bytes_out, con3.sent, con3.dropped, con3.received);
}
