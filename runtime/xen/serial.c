/* runtime/xen/serial.c — see serial.h. Input goes through runtime/core's receive flow control
 * (core_chr_input): the UART reports its receiver's room with chr_rx_room and gets no more than
 * that, so a paste never overruns its FIFO however slowly the guest drains it (without it, Linux
 * under nested Xen on a software CPU lost bytes of a 20-byte line typed at one byte per
 * millisecond). What the core cannot queue stays in the console's ring, and the helper stops
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

struct port {
    char line[160];
    size_t line_len;
    uint64_t bytes_out, last_out;
    struct pvcons con;
    bool con_ok;
    struct core_device *uart;
    struct core_chr_backend be;
};

static struct port ports[SERIAL_PORTS];
static struct core *rt;

static void flush_line(struct port *p)
{
    if (!p->line_len)
        return;
    p->line[p->line_len] = 0;
    if (p == &ports[0])
        printk("serial: %s\n", p->line);
    else
        printk("serial%u: %s\n", (unsigned)(p - ports) + 1, p->line);
    p->line_len = 0;
}

static void serial_write(void *ctx, const uint8_t *bytes, uint32_t len)
{
    struct port *p = ctx;
    p->last_out = time_ns();
    p->bytes_out += len;
    if (p->con_ok)
        pvcons_write(&p->con, bytes, len);
    for (uint32_t i = 0; i < len; i++) {
        uint8_t c = bytes[i];
        if (c == '\n') {
            flush_line(p);
            continue;
        }
        if (c == '\r')
            continue;
        p->line[p->line_len++] = (c >= 32 && c < 127) ? (char)c : '.';
        if (p->line_len == sizeof p->line - 1)
            flush_line(p);
    }
}

struct core_chr_backend *serial_backend(unsigned port)
{
    if (port >= SERIAL_PORTS)
        return 0;
    struct port *p = &ports[port];
    p->be.ctx = p;
    p->be.write = serial_write;
    return &p->be;
}

void serial_connect(unsigned nports)
{
    for (unsigned i = 0; i < nports && i < SERIAL_PORTS; i++) {
        char node[32], path[64], buf[16];
        snprintf(node, sizeof node, "device/console/%u", 3 + i);
        snprintf(path, sizeof path, "%s/backend-id", node);
        if (xs_read(path, buf, sizeof buf) < 0) {
            if (i)
                printk("serial: COM%u has no console %u (libxl made none): its output is only in the log\n", i + 1, 3 + i);
            continue;   /* COM1 without `serial=`: quiet */
        }
        ports[i].con_ok = !pvcons_connect(&ports[i].con, node);
    }
}

void serial_attach(struct core *r, unsigned port, struct core_device *dev)
{
    rt = r;
    if (port < SERIAL_PORTS)
        ports[port].uart = dev;
}

static void service_port(struct port *p, uint64_t now)
{
    if (p->line_len && now - p->last_out >= PARTIAL_LINE_NS)
        flush_line(p);
    if (!p->con_ok)
        return;
    evtchn_test_and_clear(p->con.port);
    if (!p->uart) {   /* no UART: what is typed goes nowhere */
        uint8_t sink[64];
        while (pvcons_read(&p->con, sink, sizeof sink))
            ;
        return;
    }
    uint8_t buf[256];
    uint32_t space = core_chr_space(p->uart);
    uint32_t n = pvcons_read(&p->con, buf, space < sizeof buf ? space : (uint32_t)sizeof buf);
    if (n)
        core_chr_input(rt, p->uart, buf, n);
}

void serial_service(uint64_t now)
{
    for (unsigned i = 0; i < SERIAL_PORTS; i++)
        service_port(&ports[i], now);
}

uint64_t serial_next_deadline(void)
{
    uint64_t d = UINT64_MAX;
    for (unsigned i = 0; i < SERIAL_PORTS; i++)
        if (ports[i].line_len && ports[i].last_out + PARTIAL_LINE_NS < d)
            d = ports[i].last_out + PARTIAL_LINE_NS;
    return d;
}

void serial_report(void)
{
    for (unsigned i = 0; i < SERIAL_PORTS; i++)
        if (ports[i].con_ok)
            printk("serial: COM%u %lu bytes out; console %u: %lu sent, %lu dropped (ring full), %lu typed in\n", i + 1,
                   ports[i].bytes_out, 3 + i, ports[i].con.sent, ports[i].con.dropped, ports[i].con.received);
}
