// CVE regression suite, UART (16550A): the guest-side triggers of serial emulator bugs (QEMU
// hw/char/serial: divisor arithmetic, FIFO overruns, loopback). Each test ends with: no trap,
// bounded time, the FIFO holding at most 16 bytes with OE reported, and the UART working after.
import { strict as assert } from "node:assert";
import { createMachine, type Machine } from "../../host/node/machine.ts";
import { ConsoleBackend } from "../../host/node/backends/console.ts";
import { EVENT } from "../../host/node/abi.ts";
import { assertServing, bounded } from "./cve-helpers.ts";

const COM1 = 0x3f8;
const RBR = COM1, THR = COM1, DLL = COM1, IER = COM1 + 1, DLM = COM1 + 1, IIR = COM1 + 2, FCR = COM1 + 2;
const LCR = COM1 + 3, MCR = COM1 + 4, LSR = COM1 + 5, SCR = COM1 + 7;
const DR = 0x01, OE = 0x02, THRE = 0x20;
const FIFO = 16;

function uart(): { m: Machine; con: ConsoleBackend } {
  const con = new ConsoleBackend();
  const m = createMachine([{ name: "uart", config: "base=0x3f8", irqs: [{ isa: 4 }], chr: con }]);
  return { m, con };
}

function divisor(m: Machine, d: number): void {
  m.guest.outb(LCR, 0x83); m.guest.outb(DLL, d & 0xff); m.guest.outb(DLM, d >> 8); m.guest.outb(LCR, 0x03);
}

/** Bytes straight into the receiver, as a backend that ignores chr_rx_room would send them. */
function wire(m: Machine, bytes: Uint8Array): void {
  m.rt.deliverEvent(m.rt.device("uart"), EVENT.CHR_RX, bytes, 0);
}

/** Reads RBR while LSR.DR is set (bounded); returns the bytes. */
function drain(m: Machine, limit = 1000): number[] {
  const out: number[] = [];
  for (let i = 0; i < limit && (m.guest.inb(LSR) & DR); i++) out.push(m.guest.inb(RBR));
  assert.equal(m.guest.inb(LSR) & DR, 0, "receiver drained");
  return out;
}

describe("CVE suite: UART", () => {
  // CVE-2016-8669 (QEMU serial, verified): serial_update_parameters divide-by-zero "via vectors
  // involving a value of divider greater than baud base". Divisors 0 and 0xFFFF, with the FIFO
  // character timeout (the one computation here that divides by the line rate) running.
  it("CVE-2016-8669: divisors 0 and 0xFFFF keep a finite character timeout, no trap", () => {
    const { m, con } = uart();
    m.guest.outb(FCR, 0xc7);     // FIFO on, trigger 14
    m.guest.outb(IER, 0x01);     // RX data interrupts
    for (const d of [0, 0xffff, 1]) {
      divisor(m, d);
      con.type("abc");
      assert.equal(m.guest.inb(IIR) & 0x0f, 0x01, `divisor ${d}: below the trigger, no interrupt yet`);
      // 4 characters of 10 bits at 115200 / divisor baud (divisor 0 counts as 65536: ~22.8 s)
      const timeoutNs = Math.floor((4 * 10 * (d || 65536) * 1e9) / 115200);
      bounded(`timeout at divisor ${d}`, 2000, () => m.guest.wait(Math.floor(timeoutNs * 0.9)));
      assert.equal(m.guest.inb(IIR) & 0x0f, 0x01, `divisor ${d}: not yet at 90% of the timeout`);
      m.guest.wait(Math.floor(timeoutNs * 0.2));
      assert.equal(m.guest.inb(IIR) & 0x0f, 0x0c, `divisor ${d}: character timeout fired`);
      assert.deepEqual(drain(m), [0x61, 0x62, 0x63]);
    }
    assertServing(m, "uart");
  });

  // Class (QEMU serial FIFO overrun handling, fifo8 bounds): the host pushes far more than the
  // FIFO holds while the guest does not read.
  // A backend that ignores the receiver's room (runtime flow control bypassed): the device itself
  // must stay within its FIFO.
  it("RX FIFO overrun: 10000 bytes unread keep the first 16, set OE once, drop the rest", () => {
    const { m } = uart();
    m.guest.outb(FCR, 0x07);
    const input = Uint8Array.from({ length: 10000 }, (_, i) => i & 0xff);
    bounded("10000 bytes into the FIFO", 2000, () => { for (let at = 0; at < input.length; at += 1024) wire(m, input.subarray(at, at + 1024)); });
    const lsr = m.guest.inb(LSR);
    assert.equal(lsr & (OE | DR), OE | DR, "overrun reported, data ready");
    assert.equal(m.guest.inb(LSR) & OE, 0, "OE clears on read");
    assert.deepEqual(drain(m), [...input.subarray(0, FIFO)], "the first 16 bytes, in order");
    // 16450 mode (FIFO off): one holding register, overwritten, OE
    m.guest.outb(FCR, 0x00);
    wire(m, Uint8Array.from([1, 2, 3, 4, 5]));
    assert.equal(m.guest.inb(LSR) & OE, OE);
    assert.deepEqual(drain(m), [5], "the last byte");
    assertServing(m, "uart");
  });

  // Class (flooded input queue): the host types far more than anything can hold while the guest
  // does not read. The runtime's queue is bounded (64 KiB behind the 16-byte FIFO), says so once,
  // and what it kept arrives in order without a single overrun once the guest reads.
  it("flooded console: 100000 bytes typed with the guest not reading: bounded queue, no overrun, order kept", () => {
    const { m, con } = uart();
    m.guest.outb(FCR, 0x07);
    const input = Uint8Array.from({ length: 100000 }, (_, i) => (i * 7) & 0xff);
    bounded("100000 bytes typed", 2000, () => { for (let at = 0; at < input.length; at += 4096) con.type(input.subarray(at, at + 4096)); });
    assert.equal(m.logs.filter((l) => /received byte\(s\) dropped/.test(l.text)).length, 1, "the drop is logged once");
    const got: number[] = [];
    bounded("reading 65536 bytes back", 20000, () => {
      for (let i = 0; i < 70000; i++) {
        const lsr = m.guest.inb(LSR);
        assert.equal(lsr & OE, 0, "no overrun");
        if (!(lsr & DR)) break;
        got.push(m.guest.inb(RBR));
      }
    });
    assert.equal(got.length, 16 + 65536, "the FIFO's 16, then the queue's 64 KiB");
    assert.deepEqual(got.slice(0, 64), [...input.subarray(0, 64)]);
    assert.deepEqual(got.slice(-16), [...input.subarray(65552 - 16, 65552)]);
    assertServing(m, "uart");
  });

  it("loopback TX flood fills the RX FIFO only; rep outsb of 64 KiB reaches the backend whole", () => {
    const { m, con } = uart();
    m.guest.outb(FCR, 0x07);
    m.guest.outb(MCR, 0x10);     // loopback
    bounded("10000 THR writes in loopback", 5000, () => { for (let i = 0; i < 10000; i++) m.guest.outb(THR, i & 0xff); });
    assert.equal(con.bytes.length, 0, "loopback: nothing leaves");
    assert.equal(m.guest.inb(LSR) & (OE | DR | THRE), OE | DR | THRE);
    assert.equal(drain(m).length, FIFO);
    m.guest.outb(MCR, 0x03);
    const data = Uint8Array.from({ length: 0x10000 }, (_, i) => (i * 13) & 0xff);
    m.guest.poke(0x100000, data);
    bounded("rep outsb of 64 KiB", 10_000, () => m.guest.repOuts(THR, 1, 0x100000, data.length));
    assert.deepEqual(con.bytes, data);
    assertServing(m, "uart");
  });

  it("FIFO reset and mode flips with a timeout armed leave no stale interrupt", () => {
    const { m, con } = uart();
    m.guest.outb(FCR, 0x07);
    m.guest.outb(IER, 0x01);
    con.type("xyz");
    m.guest.outb(FCR, 0x03);     // reset RX with the timeout armed
    m.guest.wait(10_000_000);
    assert.equal(m.guest.inb(IIR) & 0x0f, 0x01, "no timeout for bytes that were cleared");
    assert.equal(m.guest.inb(LSR) & DR, 0);
    con.type("pq");
    m.guest.outb(FCR, 0x00);     // FIFO off: cleared as well
    m.guest.outb(FCR, 0x01);
    m.guest.wait(10_000_000);
    assert.equal(m.guest.inb(IIR) & 0x0f, 0x01);
    // a seeded register walk with input and time, then the UART still echoes and transmits
    let s = 0x16550;
    const rnd = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
    bounded("register walk", 10_000, () => {
      for (let i = 0; i < 20000; i++) {
        const r = rnd();
        const port = COM1 + (r & 7);
        if (r & 0x100) m.guest.outb(port, (r >>> 16) & 0xff); else m.guest.inb(port);
        if ((r & 0x3e00) === 0) con.type(Uint8Array.from({ length: (r >>> 20) & 31 }, (_, k) => k));
        if ((r & 0x7c000) === 0) m.guest.wait((r >>> 8) & 0xffffff);
      }
    });
    m.guest.outb(LCR, 0x03); m.guest.outb(MCR, 0x03); m.guest.outb(FCR, 0x07); m.guest.outb(IER, 0);
    m.guest.outb(SCR, 0x5a);
    assert.equal(m.guest.inb(SCR), 0x5a);
    con.clear();
    m.guest.outb(THR, 0x41);
    assert.deepEqual([...con.bytes], [0x41]);
    assertServing(m, "uart");
  });
});
