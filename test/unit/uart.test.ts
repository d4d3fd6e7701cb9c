// The 16550A UART module driven only the way a guest drives it: port I/O through Xen ioreqs
// (host/node guest API), bytes from the console backend, virtual time for the character timeout.
import { strict as assert } from "node:assert";
import { createMachine, type Machine } from "../../host/node/machine.ts";
import { ConsoleBackend } from "../../host/node/backends/console.ts";
import { EVENT } from "../../host/node/abi.ts";

const COM1 = 0x3f8;
const RBR = COM1, THR = COM1, DLL = COM1, IER = COM1 + 1, DLM = COM1 + 1, IIR = COM1 + 2, FCR = COM1 + 2;
const LCR = COM1 + 3, MCR = COM1 + 4, LSR = COM1 + 5, MSR = COM1 + 6, SCR = COM1 + 7;
const IRQ = 4;

// 9600 baud 8N1 (divisor 12, 10 bits a character): one character time in ns.
const CHAR_NS = Math.floor((10 * 12 * 1e9) / 115200);
const TIMEOUT_NS = 4 * CHAR_NS;

function uart(config = "base=0x3f8"): { m: Machine; con: ConsoleBackend } {
  const con = new ConsoleBackend();
  const m = createMachine([{ name: "uart", config, irqs: [{ isa: IRQ }], chr: con }]);
  return { m, con };
}

/** Bytes straight into the receiver, as a backend that ignores chr_rx_room would send them (the
 *  console backend goes through the runtime's flow control and never overruns the receiver). */
function wire(m: Machine, text: string): void {
  m.rt.deliverEvent(m.rt.device("uart"), EVENT.CHR_RX, Uint8Array.from(text, (c) => c.charCodeAt(0)), 0);
}

/** createMachine must refuse the config; returns what the device logged. */
function rejected(config: string): string {
  const logs: string[] = [];
  assert.throws(
    () => createMachine([{ name: "uart", config, irqs: [{ isa: IRQ }] }], { runtime: { log: (_d, _l, t) => logs.push(t) } }),
    /configuration rejected/,
  );
  return logs.join("\n");
}

describe("uart: configuration", () => {
  it("defaults to COM1 at 0x3F8 and serves exactly 8 ports", () => {
    const { m } = uart("");
    m.guest.outb(SCR, 0x5a);
    assert.equal(m.guest.inb(SCR), 0x5a);
    assert.equal(m.guest.inb(COM1 + 8), 0xff, "0x400 is not ours");
    assert.equal(m.guest.inb(COM1 - 1), 0xff);
  });

  it("serves COM2 at base=0x2f8", () => {
    const { m } = uart("base=0x2f8");
    assert.equal(m.guest.inb(0x2fd), 0x60);
    assert.equal(m.guest.inb(0x3fd), 0xff);
  });

  it("rejects malformed configuration with a clear logged message", () => {
    assert.match(rejected("base=0x3f9"), /base 0x3f9 is not an 8-aligned I\/O port/);
    assert.match(rejected("base=0"), /not an 8-aligned I\/O port/);
    assert.match(rejected("base=0x10000"), /not an 8-aligned I\/O port/);
    assert.match(rejected("base=com1"), /bad number for base: 'com1'/);
    assert.match(rejected("speed=9600"), /unknown configuration key 'speed'/);
    assert.match(rejected("base"), /malformed entry 'base'/);
  });
});

describe("uart: reset values", () => {
  it("IER 0, IIR 0x01, LCR 0, MCR 0, LSR 0x60, MSR 0xB0, SCR 0, divisor 12", () => {
    const { m } = uart();
    const g = m.guest;
    assert.equal(g.inb(IER), 0x00);
    assert.equal(g.inb(IIR), 0x01);
    assert.equal(g.inb(LCR), 0x00);
    assert.equal(g.inb(MCR), 0x00, "the chip resets MCR to 0 (QEMU leaves OUT2 set)");
    assert.equal(g.inb(LSR), 0x60);
    assert.equal(g.inb(MSR), 0xb0, "DCD, DSR, CTS asserted, no deltas");
    assert.equal(g.inb(SCR), 0x00);
    g.outb(LCR, 0x80);
    assert.equal(g.inb(DLL), 12);
    assert.equal(g.inb(DLM), 0);
    assert.equal(g.irq(IRQ), false);
  });

  it("a guest reset (dev_reset) restores every register, empties the FIFOs and lowers the line", () => {
    const { m, con } = uart();
    const g = m.guest;
    g.outb(LCR, 0x80); g.outb(DLL, 1); g.outb(LCR, 0x1b);
    g.outb(FCR, 0xc7); g.outb(IER, 0x0f); g.outb(MCR, 0x0b); g.outb(SCR, 0x77);
    con.type("xyz");
    assert.equal(g.irq(IRQ), true);
    m.rt.resetAll();
    assert.deepEqual([g.inb(IER), g.inb(IIR), g.inb(LCR), g.inb(MCR), g.inb(LSR), g.inb(MSR), g.inb(SCR)], [0, 0x01, 0, 0, 0x60, 0xb0, 0]);
    g.outb(LCR, 0x80);
    assert.equal(g.inb(DLL), 12);
    assert.equal(g.irq(IRQ), false);
  });
});

describe("uart: registers", () => {
  it("DLAB switches offsets 0/1 to the divisor latch and back", () => {
    const { m, con } = uart();
    const g = m.guest;
    g.outb(IER, 0x05);
    g.outb(LCR, 0x83);
    g.outb(DLL, 0x01); g.outb(DLM, 0x02);
    assert.equal(g.inb(DLL), 0x01);
    assert.equal(g.inb(DLM), 0x02);
    assert.equal(con.bytes.length, 0, "a DLL write is not a transmitted byte");
    g.outb(LCR, 0x03);
    assert.equal(g.inb(IER), 0x05, "IER kept its value under DLAB");
    assert.equal(g.inb(LCR), 0x03);
    g.outb(THR, 0x41);
    assert.equal(con.text(), "A");
  });

  it("IER keeps only its low four bits", () => {
    const { m } = uart();
    m.guest.outb(IER, 0xff);
    assert.equal(m.guest.inb(IER), 0x0f);
    m.guest.outb(IER, 0xf0);
    assert.equal(m.guest.inb(IER), 0x00);
  });

  it("LCR holds all eight bits; MCR five; SCR eight; LSR and MSR ignore writes", () => {
    const { m } = uart();
    const g = m.guest;
    g.outb(LCR, 0x7f);
    assert.equal(g.inb(LCR), 0x7f);
    g.outb(MCR, 0xef);
    assert.equal(g.inb(MCR), 0x0f);
    g.outb(MCR, 0x00);
    for (const v of [0x00, 0xff, 0xa5, 0x5a]) { g.outb(SCR, v); assert.equal(g.inb(SCR), v); }
    g.outb(LSR, 0x00);
    g.outb(MSR, 0x00);
    assert.equal(g.inb(LSR), 0x60);
    assert.equal(g.inb(MSR) & 0xf0, 0xb0);
  });

  it("wide port accesses are split into bytes, low port first", () => {
    const { m } = uart();
    const g = m.guest;
    g.outb(SCR, 0x42);
    assert.equal(g.inw(MSR), 0x42b0, "MSR | SCR << 8");
    assert.equal(g.inl(MCR) >>> 0, 0x42b06000);
    assert.equal(g.inw(SCR), 0xff42, "the byte above 0x3FF is not the UART's");
    g.outw(LCR, 0x0b03); // LCR = 0x03, MCR = 0x0b
    assert.equal(g.inb(LCR), 0x03);
    assert.equal(g.inb(MCR), 0x0b);
  });

  it("divisor 0 divides by nothing: the character timeout still fires, later", () => {
    const { m, con } = uart();
    const g = m.guest;
    g.outb(LCR, 0x80); g.outb(DLL, 0); g.outb(DLM, 0); g.outb(LCR, 0x03);
    g.outb(FCR, 0xc1); g.outb(IER, 0x01);
    con.type("a");
    g.wait(TIMEOUT_NS * 2);
    assert.equal(g.inb(IIR), 0xc1, "65536 counts as the divisor: far slower than 9600 baud");
    g.wait(30e9);
    assert.equal(g.inb(IIR), 0xcc);
    assert.equal(m.rt.failures.length, 0);
  });
});

describe("uart: transmit", () => {
  it("THR bytes reach the backend at once; THRE and TEMT are set again", () => {
    const { m, con } = uart();
    for (const ch of "hi\n") m.guest.outb(THR, ch.charCodeAt(0));
    assert.equal(con.text(), "hi\n");
    assert.equal(m.guest.inb(LSR), 0x60);
  });

  it("rep outsb: a string write delivers every byte to the backend in order", () => {
    const { m, con } = uart();
    const msg = "Linux version 6.1 (rep outsb through one data_is_ptr ioreq)\r\n";
    const gpa = 0x10000;
    m.guest.poke(gpa, Buffer.from(msg, "latin1"));
    const before = m.rt.stats.ioreqs;
    m.guest.repOuts(THR, 1, gpa, msg.length);
    assert.equal(con.text(), msg);
    assert.equal(m.rt.stats.ioreqs - before, 1, "one ioreq for the whole string");
    assert.equal(m.guest.inb(LSR), 0x60);
  });

  it("rep outsb with DF set walks the buffer downwards", () => {
    const { m, con } = uart();
    const gpa = 0x20000;
    m.guest.poke(gpa, Buffer.from("abcd", "latin1"));
    m.guest.repOuts(THR, 1, gpa + 3, 4, true);
    assert.equal(con.text(), "dcba");
  });

  it("FIFO mode transmits the same way (16 bytes and more in a row)", () => {
    const { m, con } = uart();
    m.guest.outb(FCR, 0x07);
    const s = "0123456789abcdefghijklmnopqrstuvwxyz";
    for (const ch of s) m.guest.outb(THR, ch.charCodeAt(0));
    assert.equal(con.text(), s);
  });
});

describe("uart: receive", () => {
  it("bytes from the backend set DR and read out of RBR in order (16450 mode)", () => {
    const { m, con } = uart();
    const g = m.guest;
    g.outb(IER, 0x01);
    con.type("K");
    assert.equal(g.inb(LSR), 0x61);
    assert.equal(g.inb(IIR), 0x04);
    assert.equal(g.irq(IRQ), true);
    assert.equal(g.inb(RBR), 0x4b);
    assert.equal(g.inb(LSR), 0x60);
    assert.equal(g.inb(IIR), 0x01);
    assert.equal(g.irq(IRQ), false);
  });

  it("16450 mode: a second byte before the read overruns (OE) and replaces RBR", () => {
    const { m } = uart();
    const g = m.guest;
    wire(m, "ab");
    assert.equal(g.inb(LSR), 0x63);
    assert.equal(g.inb(LSR), 0x61, "reading LSR clears OE");
    assert.equal(g.inb(RBR), 0x62);
    assert.equal(g.inb(LSR), 0x60);
    assert.equal(g.inb(RBR), 0x62, "an empty RBR reads its last byte again");
  });

  it("FIFO mode: 16 bytes fit, the 17th overruns and is dropped", () => {
    const { m } = uart();
    const g = m.guest;
    g.outb(FCR, 0x01);
    wire(m, "ABCDEFGHIJKLMNOPQ");
    assert.equal(g.inb(LSR), 0x63);
    assert.equal(g.inb(LSR), 0x61);
    let got = "";
    for (let i = 0; i < 20 && (g.inb(LSR) & 1); i++) got += String.fromCharCode(g.inb(RBR));
    assert.equal(got, "ABCDEFGHIJKLMNOP");
    assert.equal(g.inb(RBR), 0, "an empty FIFO reads 0");
  });

  it("flow control: a 40-byte paste in FIFO mode fills the FIFO, waits, and arrives whole, no overrun", () => {
    const { m, con } = uart();
    const g = m.guest;
    g.outb(FCR, 0x01);
    const text = "The quick brown fox jumps over the lazy.";
    con.type(text);
    let got = "";
    for (let i = 0; i < 200 && got.length < text.length; i++) {
      const lsr = g.inb(LSR);
      assert.equal(lsr & 0x02, 0, "never an overrun");
      if (lsr & 1) got += String.fromCharCode(g.inb(RBR));
    }
    assert.equal(got, text);
  });

  it("flow control: in 16450 mode one byte at a time, each after the previous was read", () => {
    const { m, con } = uart();
    const g = m.guest;
    con.type("abc");
    assert.equal(g.inb(LSR), 0x61, "DR, no OE");
    assert.equal(g.inb(RBR), 0x61);
    assert.equal(g.inb(LSR), 0x61, "the next byte came after the read");
    assert.equal(g.inb(RBR), 0x62);
    assert.equal(g.inb(RBR), 0x63);
    assert.equal(g.inb(LSR), 0x60);
  });

  it("flow control: input typed before the FIFO is enabled waits for the room it reports", () => {
    const { m, con } = uart();
    const g = m.guest;
    con.type("0123456789ABCDEFGHIJ"); // 16450 mode: only "0" goes in
    g.outb(FCR, 0x07); // FIFO on, both FIFOs reset: the held byte is gone, 16 bytes of room
    let got = "";
    for (let i = 0; i < 40 && (g.inb(LSR) & 1); i++) got += String.fromCharCode(g.inb(RBR));
    assert.equal(got, "123456789ABCDEFGHIJ", "what waited arrives, in order, none lost to an overrun");
  });

  for (const [bits, level] of [[0x00, 1], [0x40, 4], [0x80, 8], [0xc0, 14]] as const) {
    it(`RX trigger level ${level}: the data interrupt waits for ${level} byte(s)`, () => {
      const { m, con } = uart();
      const g = m.guest;
      g.outb(FCR, 0x01 | bits);
      g.outb(IER, 0x01);
      if (level > 1) con.type("x".repeat(level - 1));
      assert.equal(g.inb(IIR), 0xc1);
      assert.equal(g.irq(IRQ), false);
      con.type("y");
      assert.equal(g.inb(IIR), 0xc4);
      assert.equal(g.irq(IRQ), true);
      g.inb(RBR);
      assert.equal(g.inb(IIR), 0xc1, "below the level again");
    });
  }

  it("character timeout: IIR 0x0C after four character times without input or reads", () => {
    const { m, con } = uart();
    const g = m.guest;
    g.outb(LCR, 0x03);
    g.outb(FCR, 0xc1); // trigger 14
    g.outb(IER, 0x01);
    con.type("abc");
    assert.equal(g.inb(IIR), 0xc1);
    g.wait(TIMEOUT_NS - 1000);
    assert.equal(g.inb(IIR), 0xc1, "not yet");
    assert.equal(g.irq(IRQ), false);
    g.wait(2000);
    assert.equal(g.inb(IIR), 0xcc);
    assert.equal(g.irq(IRQ), true);
    assert.equal(g.inb(RBR), 0x61);
    assert.equal(g.inb(IIR), 0xc1, "a read clears the timeout and restarts the timer");
    g.wait(TIMEOUT_NS + 1000);
    assert.equal(g.inb(IIR), 0xcc);
    g.inb(RBR); g.inb(RBR);
    g.wait(TIMEOUT_NS * 3);
    assert.equal(g.inb(IIR), 0xc1, "no timeout with an empty FIFO");
    assert.equal(g.irq(IRQ), false);
  });

  it("the timeout is pending without RDI enabled, and reported when RDI is enabled", () => {
    const { m, con } = uart();
    const g = m.guest;
    g.outb(FCR, 0xc1);
    con.type("z");
    g.wait(TIMEOUT_NS + 1000);
    assert.equal(g.inb(IIR), 0xc1);
    g.outb(IER, 0x01);
    assert.equal(g.inb(IIR), 0xcc);
  });

  it("new input restarts the timeout", () => {
    const { m, con } = uart();
    const g = m.guest;
    g.outb(LCR, 0x03); g.outb(FCR, 0xc1); g.outb(IER, 0x01);
    con.type("1");
    g.wait(TIMEOUT_NS - 1000);
    con.type("2");
    g.wait(TIMEOUT_NS - 1000);
    assert.equal(g.inb(IIR), 0xc1);
    g.wait(2000);
    assert.equal(g.inb(IIR), 0xcc);
  });

  it("the timeout follows the line format (7E2 at 38400 baud: 11 bits, divisor 3)", () => {
    const { m, con } = uart();
    const g = m.guest;
    g.outb(LCR, 0x80); g.outb(DLL, 3); g.outb(DLM, 0); g.outb(LCR, 0x1e); // 7 bits, even parity, 2 stop
    g.outb(FCR, 0xc1); g.outb(IER, 0x01);
    con.type("q");
    const t = 4 * Math.floor((11 * 3 * 1e9) / 115200);
    g.wait(t - 500);
    assert.equal(g.inb(IIR), 0xc1);
    g.wait(1000);
    assert.equal(g.inb(IIR), 0xcc);
  });
});

describe("uart: FCR", () => {
  it("FIFO enable shows in IIR bits 7:6; disabling clears them", () => {
    const { m } = uart();
    const g = m.guest;
    g.outb(FCR, 0x01);
    assert.equal(g.inb(IIR), 0xc1);
    g.outb(FCR, 0x00);
    assert.equal(g.inb(IIR), 0x01);
  });

  it("RX reset empties the FIFO and clears DR; TX reset raises THRE again", () => {
    const { m, con } = uart();
    const g = m.guest;
    g.outb(FCR, 0x01);
    con.type("data");
    assert.equal(g.inb(LSR) & 1, 1);
    g.outb(FCR, 0x03);
    assert.equal(g.inb(LSR), 0x60);
    assert.equal(g.inb(IIR), 0xc1);
    g.outb(IER, 0x02);
    assert.equal(g.inb(IIR), 0xc2);
    assert.equal(g.inb(IIR), 0xc1, "acknowledged by the read");
    g.outb(FCR, 0x05);
    assert.equal(g.inb(IIR), 0xc2, "TX reset makes THRE pending again");
  });

  it("toggling the enable bit empties the FIFOs; other bits need FCR0 = 1", () => {
    const { m, con } = uart();
    const g = m.guest;
    g.outb(FCR, 0xc1);
    con.type("abc");
    g.outb(FCR, 0xc0); // FCR0 = 0: FIFOs off (and emptied), trigger bits not programmed
    assert.equal(g.inb(LSR), 0x60);
    assert.equal(g.inb(IIR), 0x01);
    g.outb(FCR, 0x01); // on again: trigger level is 1, not the 14 written with FCR0 = 0
    g.outb(IER, 0x01);
    con.type("d");
    assert.equal(g.inb(IIR), 0xc4);
  });

  it("RX reset with the FIFOs disabled leaves RBR alone (FCR0 = 0: no other bit acts)", () => {
    const { m, con } = uart();
    const g = m.guest;
    con.type("r");
    g.outb(FCR, 0x02);
    assert.equal(g.inb(LSR), 0x61);
    assert.equal(g.inb(RBR), 0x72);
  });
});

describe("uart: interrupts", () => {
  it("THRE: raised on the IER.THRI rising edge, acknowledged by reading IIR, raised again by a THR write", () => {
    const { m } = uart();
    const g = m.guest;
    g.outb(IER, 0x02);
    assert.equal(g.irq(IRQ), true);
    assert.equal(g.inb(IIR), 0x02);
    assert.equal(g.irq(IRQ), false, "the IIR read acknowledged THRE");
    assert.equal(g.inb(IIR), 0x01);
    g.outb(IER, 0x02);
    assert.equal(g.inb(IIR), 0x01, "no rising edge, no new THRE (DR-DOS relies on this)");
    g.outb(THR, 0x20);
    assert.equal(g.irq(IRQ), true, "the byte left at once: THR empty again");
    assert.equal(g.inb(IIR), 0x02);
    g.outb(IER, 0x00);
    assert.equal(g.irq(IRQ), false);
    g.outb(IER, 0x0f);
    assert.equal(g.inb(IIR), 0x02, "Windows: IER 0 -> 0x0F re-raises THRE");
  });

  it("the transmitter is not paced: after a THR write THRE is pending again at once", () => {
    const { m, con } = uart();
    const g = m.guest;
    g.outb(IER, 0x02);
    g.outb(THR, 0x31);
    assert.equal(con.text(), "1");
    assert.equal(g.inb(IIR), 0x02);
  });

  it("priorities: line status > timeout > data > THR empty > modem status", () => {
    const { m, con } = uart();
    const g = m.guest;
    g.outb(FCR, 0x01);
    g.outb(MCR, 0x10); // loopback: MSR inputs change -> deltas (modem status source)
    g.outb(MCR, 0x00);
    wire(m, "x".repeat(17)); // data at trigger, and an overrun
    g.wait(TIMEOUT_NS + 1000); // timeout
    g.outb(IER, 0x0f); // THRI rising edge: THRE pending too
    assert.equal(g.inb(IIR), 0xc6, "line status first");
    g.inb(LSR);
    assert.equal(g.inb(IIR), 0xcc, "then the character timeout");
    g.inb(RBR); // clears the timeout (15 left: still above the trigger level of 1)
    assert.equal(g.inb(IIR), 0xc4, "then received data");
    g.outb(FCR, 0x03); // RX reset
    assert.equal(g.inb(IIR), 0xc2, "then THR empty (acknowledged by this read)");
    assert.equal(g.inb(IIR), 0xc0, "then modem status");
    assert.equal(g.irq(IRQ), true);
    g.inb(MSR);
    assert.equal(g.inb(IIR), 0xc1);
    assert.equal(g.irq(IRQ), false);
  });

  it("OUT2 gates nothing: the line follows the interrupt condition with MCR = 0", () => {
    const { m } = uart();
    m.guest.outb(MCR, 0x00);
    m.guest.outb(IER, 0x02);
    assert.equal(m.guest.irq(IRQ), true);
    m.guest.outb(MCR, 0x08);
    assert.equal(m.guest.irq(IRQ), true);
  });
});

describe("uart: modem status and loopback", () => {
  it("loopback maps DTR→DSR, RTS→CTS, OUT1→RI, OUT2→DCD with delta bits", () => {
    const { m } = uart();
    const g = m.guest;
    assert.equal(g.inb(MSR), 0xb0);
    g.outb(MCR, 0x1a); // what Linux autoconfig writes
    assert.equal(g.inb(MSR), 0x92, "CTS|DCD, DSR dropped -> DDSR");
    assert.equal(g.inb(MSR), 0x90, "deltas cleared by the read");
    g.outb(MCR, 0x1f);
    assert.equal(g.inb(MSR), 0xf2, "DSR and RI up; RI rising sets no TERI");
    g.outb(MCR, 0x1b);
    assert.equal(g.inb(MSR), 0xb4, "RI falling: TERI");
    g.outb(MCR, 0x10);
    assert.equal(g.inb(MSR), 0x0b, "DCTS, DDSR, DDCD");
    g.outb(MCR, 0x00);
    assert.equal(g.inb(MSR), 0xbb, "back to the external inputs");
  });

  it("modem status interrupt with IER.MSI until MSR is read", () => {
    const { m } = uart();
    const g = m.guest;
    g.outb(IER, 0x08);
    assert.equal(g.irq(IRQ), false);
    g.outb(MCR, 0x18);
    assert.equal(g.inb(IIR), 0x00);
    assert.equal(g.irq(IRQ), true);
    g.inb(MSR);
    assert.equal(g.inb(IIR), 0x01);
    assert.equal(g.irq(IRQ), false);
  });

  it("loopback returns transmitted bytes to the receiver and not to the backend", () => {
    const { m, con } = uart();
    const g = m.guest;
    g.outb(FCR, 0x07);
    g.outb(MCR, 0x10);
    for (const c of [0x55, 0xaa, 0x00]) g.outb(THR, c);
    assert.equal(con.bytes.length, 0);
    assert.equal(g.inb(LSR), 0x61);
    assert.deepEqual([g.inb(RBR), g.inb(RBR), g.inb(RBR)], [0x55, 0xaa, 0x00]);
    assert.equal(g.inb(LSR), 0x60);
  });

  it("loopback disconnects the serial input: bytes from a backend that ignores the room are dropped", () => {
    const { m, con } = uart();
    m.guest.outb(MCR, 0x10);
    wire(m, "lost");
    assert.equal(m.guest.inb(LSR), 0x60);
    assert.ok(m.logs.some((l) => /dropped: loopback/.test(l.text)));
    m.guest.outb(MCR, 0x00);
    con.type("k");
    assert.equal(m.guest.inb(RBR), 0x6b);
  });

  it("loopback: the console's input waits (room 0) and arrives once loopback ends", () => {
    const { m, con } = uart();
    m.guest.outb(MCR, 0x10);
    con.type("held");
    assert.equal(m.guest.inb(LSR), 0x60, "nothing received in loopback");
    assert.ok(!m.logs.some((l) => /dropped/.test(l.text)));
    m.guest.outb(MCR, 0x00);
    assert.equal(m.guest.inb(RBR), 0x68, "'h' once the line is connected again");
  });
});

describe("uart: Linux 8250 driver sequences", () => {
  // drivers/tty/serial/8250/8250_port.c as documented: autoconfig() probes, then
  // serial8250_do_startup() tests THRE and TXEN. The answers the driver requires are asserted.
  it("autoconfig: IER test, loopback test, EFR/FIFO probe -> 16550A, 16550A variant tests", () => {
    const { m } = uart();
    const g = m.guest;
    // IER existence test: save, write 0, read (expect 0), write 0x0F, read (expect 0x0F), restore.
    const ier = g.inb(IER);
    g.outb(IER, 0);
    const scratch2 = g.inb(IER) & 0x0f;
    g.outb(IER, 0x0f);
    const scratch3 = g.inb(IER) & 0x0f;
    g.outb(IER, ier);
    assert.equal(scratch2, 0);
    assert.equal(scratch3, 0x0f);
    // Loopback test: MCR = LOOP | 0x0A must show DCD | CTS in MSR 7:4.
    const saveMcr = g.inb(MCR);
    const saveLcr = g.inb(LCR);
    g.outb(MCR, 0x1a);
    const status1 = g.inb(MSR) & 0xf0;
    g.outb(MCR, saveMcr);
    assert.equal(status1, 0x90);
    // LCR = 0xBF, EFR (offset 2) = 0, LCR = 0; FCR = ENABLE; IIR >> 6 == 3 means 16550A.
    g.outb(LCR, 0xbf);
    g.outb(IIR, 0);
    g.outb(LCR, 0);
    g.outb(FCR, 0x01);
    assert.equal(g.inb(IIR) >> 6, 3, "16550A");
    // autoconfig_16550a: no EFR under LCR = 0x80 (offset 2 reads IIR, not 0)...
    g.outb(LCR, 0x80);
    assert.notEqual(g.inb(IIR), 0);
    g.outb(LCR, 0xbf);
    assert.notEqual(g.inb(IIR), 0, "no EFR under 0xBF either (not an ST16C650V2)");
    // ...not an NS SuperIO: EXCR1 under LCR = 0xE0 does not mirror MCR.LOOP...
    g.outb(LCR, 0);
    const mcr1 = g.inb(MCR);
    g.outb(LCR, 0xe0);
    let excr = g.inb(IIR);
    assert.equal(excr & 0x10, 0, "EXCR1 (IIR here) shows no LOOP bit");
    g.outb(LCR, 0);
    g.outb(MCR, mcr1 ^ 0x10);
    g.outb(LCR, 0xe0);
    excr = g.inb(IIR);
    g.outb(LCR, 0);
    g.outb(MCR, mcr1);
    assert.equal(excr & 0x10, 0, "IIR bit 4 does not follow MCR.LOOP: not an NS16550A SuperIO");
    // ...not a TI16750: IIR bit 5 stays 0 when FCR bit 5 (64-byte FIFO) is written, with or without DLAB.
    g.outb(LCR, 0);
    g.outb(FCR, 0x21);
    const s1 = g.inb(IIR) & 0xe0;
    g.outb(FCR, 0x01);
    g.outb(LCR, 0x80);
    g.outb(FCR, 0x21);
    const s2 = g.inb(IIR) & 0xe0;
    g.outb(LCR, 0);
    assert.equal(s1, 0xc0);
    assert.equal(s2, 0xc0);
    // ...and IER bit 6 (XScale UUE) does not stick.
    const iersave = g.inb(IER);
    g.outb(IER, iersave & ~0x40);
    assert.equal(g.inb(IER) & 0x40, 0);
    g.outb(IER, iersave | 0x40);
    assert.equal(g.inb(IER) & 0x40, 0);
    g.outb(IER, iersave);
    // Restore and reset the UART: LCR, MCR, clear FIFOs (FCR 1, 7, 0), read RX, IER = 0.
    g.outb(LCR, saveLcr);
    g.outb(MCR, saveMcr);
    g.outb(FCR, 0x01); g.outb(FCR, 0x07); g.outb(FCR, 0x00);
    g.inb(RBR);
    g.outb(IER, 0);
    assert.equal(g.inb(LSR), 0x60);
    assert.equal(g.inb(IIR), 0x01);
    assert.equal(m.rt.failures.length, 0);
  });

  it("scratch register test (autoconfig_8250 style): 0xA5 and 0x5A read back", () => {
    const { m } = uart();
    const g = m.guest;
    g.outb(SCR, 0xa5);
    g.inb(LCR); // the driver reads another register in between (bus float guard)
    const a = g.inb(SCR);
    g.outb(SCR, 0x5a);
    g.inb(LCR);
    const b = g.inb(SCR);
    assert.deepEqual([a, b], [0xa5, 0x5a]);
  });

  it("autoconfig_irq: with IER = 0x0F and MCR = DTR|RTS|OUT2, a transmitted 0xFF raises the IRQ", () => {
    const { m, con } = uart();
    const g = m.guest;
    const saveMcr = g.inb(MCR);
    const saveIer = g.inb(IER);
    g.outb(MCR, 0x0c); // OUT1 | OUT2
    g.outb(MCR, 0);
    assert.equal(g.irq(IRQ), false, "nothing pending before the probe");
    g.outb(MCR, 0x0b);
    g.outb(IER, 0x0f);
    g.inb(LSR); g.inb(RBR); g.inb(IIR); g.inb(MSR);
    g.outb(THR, 0xff);
    assert.equal(g.irq(IRQ), true, "probe_irq_off finds IRQ 4");
    g.outb(MCR, saveMcr);
    g.outb(IER, saveIer);
    assert.equal(g.irq(IRQ), false);
    assert.deepEqual([...con.bytes], [0xff]);
  });

  it("startup: clear FIFOs, clear interrupt registers, THRE re-assert test, TXEN test, enable RLSI|RDI", () => {
    const { m, con } = uart();
    const g = m.guest;
    g.outb(FCR, 0x01); g.outb(FCR, 0x07); g.outb(FCR, 0x00);
    g.inb(LSR); g.inb(RBR); g.inb(IIR); g.inb(MSR);
    assert.notEqual(g.inb(LSR), 0xff, "a UART is present");
    // serial8250_THRE_test: the interrupt must be re-asserted on the second enable.
    assert.equal(g.inb(LSR) & 0x20, 0x20);
    g.outb(IER, 0x02);
    const iir1 = g.inb(IIR);
    g.outb(IER, 0);
    g.outb(IER, 0x02);
    const iir = g.inb(IIR);
    g.outb(IER, 0);
    const bugThre = !(iir1 & 1) && !!(iir & 1);
    assert.equal(bugThre, false);
    assert.equal(iir1, 0x02);
    assert.equal(iir, 0x02);
    // LCR = 8N1; OUT2 set (the port has an IRQ): MCR = DTR|RTS|OUT2.
    g.outb(LCR, 0x03);
    g.outb(MCR, 0x0b);
    // TXEN test: enabling THRI must show THRE in IIR while TEMT.
    g.outb(IER, 0x02);
    const lsr = g.inb(LSR);
    const iir2 = g.inb(IIR);
    g.outb(IER, 0);
    assert.equal(!!(lsr & 0x40) && !!(iir2 & 1), false, "no UART_BUG_TXEN");
    g.inb(LSR); g.inb(RBR); g.inb(IIR); g.inb(MSR);
    g.outb(IER, 0x05);
    // set_termios: divisor for 115200, FIFO with trigger 8 (Linux uses UART_FCR_R_TRIG_10 = 0x80).
    g.outb(LCR, 0x83); g.outb(DLL, 1); g.outb(DLM, 0); g.outb(LCR, 0x03);
    g.outb(FCR, 0x81);
    // Now the port works both ways with interrupts.
    g.outb(THR, 0x4f); g.outb(THR, 0x4b);
    assert.equal(con.text(), "OK");
    con.type("login\n");
    g.wait(4 * Math.floor((10 * 1e9) / 115200) + 1000);
    assert.equal(g.irq(IRQ), true);
    assert.equal(g.inb(IIR), 0xcc, "6 bytes, below trigger 8: the timeout reports them");
    let got = "";
    for (let i = 0; i < 16 && (g.inb(LSR) & 1); i++) got += String.fromCharCode(g.inb(RBR));
    assert.equal(got, "login\n");
    assert.equal(g.irq(IRQ), false);
  });
});

describe("uart: garbage from the guest", () => {
  it("random writes and reads to every offset and width never trap and keep invariants", () => {
    const { m, con } = uart();
    const g = m.guest;
    let seed = 0x1234567;
    const rnd = (): number => { seed = (seed * 1103515245 + 12345) >>> 0; return seed >>> 8; };
    for (let i = 0; i < 3000; i++) {
      const port = COM1 + (rnd() & 7);
      const v = rnd() & 0xffffffff;
      switch (rnd() % 6) {
        case 0: g.outb(port, v); break;
        case 1: g.outw(port, v); break;
        case 2: g.outl(port, v); break;
        case 3: g.inb(port); break;
        case 4: g.inl(port); break;
        case 5: if (i % 7 === 0) con.type(String.fromCharCode(v & 0xff).repeat((v >> 8) % 40)); else g.wait(v % 5_000_000); break;
      }
      if (i % 100 === 0) {
        const lcr = g.inb(LCR);
        g.outb(LCR, lcr & 0x7f);
        assert.equal(g.inb(IER) & 0xf0, 0);
        assert.equal(g.inb(MCR) & 0xe0, 0);
        const iir = g.inb(IIR);
        assert.ok([0x01, 0x00, 0x02, 0x04, 0x06, 0x0c].includes(iir & 0x3f), `IIR 0x${iir.toString(16)}`);
        assert.equal(iir & 0x30, 0);
        g.outb(LCR, lcr);
      }
    }
    assert.equal(m.rt.failures.length, 0);
  });

  it("received-byte events of zero length or larger than the staging buffer change nothing", () => {
    const { m, con } = uart();
    con.type(new Uint8Array(0));
    con.type(new Uint8Array(70000)); // larger than the staging buffer: refused by the device, logged
    assert.equal(m.rt.failures.length, 0);
    assert.equal(m.guest.inb(LSR) & 0x9e, 0);
  });
});

describe("console backend", () => {
  it("collects bytes, echoes them to a stream and refuses input before it is attached", () => {
    const echoed: number[] = [];
    const con = new ConsoleBackend({ echo: { write: (b: Uint8Array) => echoed.push(...b) } });
    assert.throws(() => con.type("x"), /not attached/);
    const m = createMachine([{ name: "uart", config: "", irqs: [{ isa: IRQ }], chr: con }]);
    m.guest.outb(THR, 0x68); m.guest.outb(THR, 0x69);
    assert.equal(con.text(), "hi");
    assert.deepEqual(echoed, [0x68, 0x69]);
    assert.equal(con.writes, 2);
    con.clear();
    assert.equal(con.bytes.length, 0);
  });

  it("keeps at most `limit` bytes, dropping the oldest", () => {
    const con = new ConsoleBackend({ limit: 4 });
    const m = createMachine([{ name: "uart", config: "", irqs: [{ isa: IRQ }], chr: con }]);
    for (const ch of "abcdefg") m.guest.outb(THR, ch.charCodeAt(0));
    assert.equal(con.text(), "defg");
  });
});
