/* runtime/xen/serial.c — see serial.h. Input pacing: one byte per RX_GAP_NS (about 57 600 baud),
 * never faster, so a guest driving the UART without its FIFO (one receive register) is not
 * overrun by a paste; the rest waits in console 3's ring, and the helper stops reading the pty
 * while the ring is full. */
#include "serial.h"
#include "abi.h"
#include "console.h"
#include "evtchn.h"
#include "lib.h"
#include "pvcons.h"
#include "time.h"
#include "xenstore.h"

#define RX_GAP_NS 170000ULL
#define PARTIAL_LINE_NS 500000000ULL

static char line[160];
static size_t line_len;
static uint64_t bytes_out, last_out;
static struct pvcons con3;
static bool con3_ok;
static struct core *rt;
static struct core_device *uart;
static uint64_t next_rx;

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
    if (!pvcons_has_input(&con3) || now < next_rx)
        return;
    uint8_t c;
    if (!pvcons_read(&con3, &c, 1))
        return;
    next_rx = now + RX_GAP_NS;
    if (uart && !uart->failed)
        core_deliver_event(rt, uart, STUBDOM_EVENT_CHR_RX, &c, 1, 0, 0);
}

uint64_t serial_next_deadline(void)
{
    uint64_t d = UINT64_MAX;
    if (line_len)
        d = last_out + PARTIAL_LINE_NS;
    if (con3_ok && pvcons_has_input(&con3) && next_rx < d)
        d = next_rx;
    return d;
}

void serial_report(void)
{
    if (con3_ok)
        printk("serial: %lu bytes out; console 3: %lu sent, %lu dropped (ring full), %lu typed in\n",
               bytes_out, con3.sent, con3.dropped, con3.received);
}
