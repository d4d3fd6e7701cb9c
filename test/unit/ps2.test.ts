// The ps2 device (i8042 + PS/2 keyboard + PS/2 mouse), driven only as a guest drives it:
// port I/O through Xen ioreqs (createMachine + Guest), IRQ lines as the PIC sees them, and host
// input through the runtime's event delivery. The probe replays at the end are written from the
// documented behaviour of Linux's i8042, atkbd and psmouse drivers and of SeaBIOS's
// ps2_keyboard_setup: each step states what the driver sends and what it checks.
import { strict as assert } from "node:assert";
import { createMachine, modulePath, type Machine } from "../../host/node/machine.ts";
import { XenSim } from "../../host/node/xen-sim.ts";
import { StubdomRuntime } from "../../host/node/runtime.ts";
import { EVENT } from "../../host/node/abi.ts";

const DATA = 0x60;
const CMD = 0x64;
const ST_OBF = 0x01, ST_IBF = 0x02, ST_SYS = 0x04, ST_CMD = 0x08, ST_UNLOCKED = 0x10, ST_AUX = 0x20, ST_TIMEOUT = 0x40;
const CTR_KBDINT = 0x01, CTR_AUXINT = 0x02, CTR_SYS = 0x04, CTR_KBDDIS = 0x10, CTR_AUXDIS = 0x20, CTR_XLATE = 0x40;
const ACK = 0xfa, NAK = 0xfe;
// evdev key codes
const KEY_A = 30, KEY_LEFTSHIFT = 42, KEY_F7 = 65, KEY_RIGHTCTRL = 97, KEY_SYSRQ = 99, KEY_UP = 103, KEY_PAUSE = 119, KEY_LEFTMETA = 125;
const KEY_UNMAPPED = 240; // KEY_UNKNOWN: no scan code
const MS = 1_000_000;

/** A guest-side driver of the i8042, in the style of the real drivers (poll status, read data). */
class I8042 {
  readonly edges = { 1: 0, 12: 0 };
  constructor(readonly m: Machine) {
    m.sim.onIrq = (irq, level) => { if (level && (irq === 1 || irq === 12)) this.edges[irq]++; };
  }
  get g() { return this.m.guest; }
  status(): number { return this.g.inb(CMD); }
  cmd(c: number): void { this.g.outb(CMD, c); }
  data(v: number): void { this.g.outb(DATA, v); }
  /** Everything in the output buffer, as [byte, fromAux]; bounded like i8042_flush. */
  drainTagged(): Array<[number, boolean]> {
    const out: Array<[number, boolean]> = [];
    for (let i = 0; i < 64; i++) {
      const s = this.status();
      if (!(s & ST_OBF)) break;
      out.push([this.g.inb(DATA), (s & ST_AUX) !== 0]);
    }
    return out;
  }
  drain(): number[] { return this.drainTagged().map(([b]) => b); }
  /** Controller command, then whatever it answers. */
  ctl(c: number, arg?: number): number[] {
    this.cmd(c);
    if (arg !== undefined) this.data(arg);
    return this.drain();
  }
  ctr(): number { const r = this.ctl(0x20); assert.equal(r.length, 1, "one CTR byte"); return r[0]!; }
  setCtr(v: number): void { this.cmd(0x60); this.data(v); }
  /** Bytes to the keyboard, reading the answer after each (as ps2_command does). */
  kbd(...bytes: number[]): number[] { return bytes.flatMap((b) => { this.data(b); return this.drain(); }); }
  /** Bytes to the mouse through 0xD4, reading the answer after each; answers must be aux data. */
  aux(...bytes: number[]): number[] {
    return bytes.flatMap((b) => {
      this.cmd(0xd4);
      this.data(b);
      const t = this.drainTagged();
      for (const [v, a] of t) assert.ok(a, `reply 0x${v.toString(16)} to mouse byte 0x${b.toString(16)} must come from the aux side`);
      return t.map(([v]) => v);
    });
  }
  key(code: number, pressed: boolean): void { this.m.rt.deliverEvent(this.m.rt.device("ps2"), EVENT.KEY, null, code, pressed ? 1 : 0); }
  tap(code: number): void { this.key(code, true); this.key(code, false); }
  move(dx: number, dy: number, buttons = 0, wheel = 0): void {
    this.m.rt.deliverEvent(this.m.rt.device("ps2"), EVENT.MOUSE, null, (dx & 0xffff) | (dy << 16), buttons | ((wheel & 0xff) << 8));
  }
  irq1(): boolean { return this.g.irq(1); }
  irq12(): boolean { return this.g.irq(12); }
}

function machine(config?: string): I8042 {
  const m = createMachine([{ name: "ps2", config, irqs: [{ isa: 1 }, { isa: 12 }] }]);
  return new I8042(m);
}

const hex = (a: number[]): string => a.map((b) => b.toString(16).padStart(2, "0")).join(" ");
const assertBytes = (got: number[], want: number[], msg?: string): void => assert.equal(hex(got), hex(want), msg);
const noFailures = (k: I8042): void => assert.deepEqual(k.m.rt.failures, []);

describe("ps2: configuration", () => {
  function load(config: string): { error: unknown; logs: string[] } {
    const sim = new XenSim();
    const logs: string[] = [];
    const rt = new StubdomRuntime(sim, { log: (_d, _l, t) => logs.push(t) });
    sim.attach(rt);
    try {
      rt.addDevice({ name: "ps2", wasm: modulePath("ps2"), config, irqs: [{ isa: 1 }, { isa: 12 }] });
      return { error: null, logs };
    } catch (e) {
      return { error: e, logs };
    }
  }

  it("loads with no configuration and with every known key", () => {
    assert.equal(load("").error, null);
    assert.equal(load("mouse=off,typematic=off").error, null);
    assert.equal(load("mouse=on, typematic=1").error, null);
  });

  it("rejects an unknown key, a bad boolean and a malformed entry, each with a logged reason", () => {
    for (const [cfg, why] of [["colour=red", /unknown configuration key 'colour'/], ["mouse=maybe", /bad boolean for mouse/], ["typematic", /malformed entry 'typematic'/]] as const) {
      const r = load(cfg);
      assert.match(String(r.error), /configuration rejected/, cfg);
      assert.ok(r.logs.some((l) => why.test(l)), `${cfg}: logs ${JSON.stringify(r.logs)}`);
    }
  });
});

describe("ps2: controller", () => {
  it("power-on state: status 0x18, CTR 0x03, output port 0xCF, input port 0x80, IRQs low", () => {
    const k = machine();
    assert.equal(k.status(), ST_CMD | ST_UNLOCKED);
    assert.equal(k.g.inb(DATA), 0x00, "empty output buffer at power-on reads 0");
    assert.equal(k.ctr(), CTR_KBDINT | CTR_AUXINT);
    assertBytes(k.ctl(0xd0), [0xcf]);
    assertBytes(k.ctl(0xc0), [0x80]);
    assert.equal(k.irq1(), false);
    assert.equal(k.irq12(), false);
    assert.equal(k.status() & ST_IBF, 0, "commands complete at once: IBF never set");
  });

  it("self test answers 0x55 and sets SYS; interface tests answer 0x00", () => {
    const k = machine();
    assert.equal(k.status() & ST_SYS, 0);
    assertBytes(k.ctl(0xaa), [0x55]);
    assert.equal(k.status() & ST_SYS, ST_SYS);
    assertBytes(k.ctl(0xab), [0x00]);
    assertBytes(k.ctl(0xa9), [0x00]);
  });

  it("status CMD/DATA bit follows the last port written", () => {
    const k = machine();
    k.cmd(0xae);
    assert.equal(k.status() & ST_CMD, ST_CMD);
    k.data(0xf4); // to the keyboard
    assert.equal(k.status() & ST_CMD, 0);
    k.drain();
  });

  it("writes and reads the CTR; the status SYS flag follows CTR bit 2", () => {
    const k = machine();
    k.setCtr(0x47);
    assert.equal(k.ctr(), 0x47);
    assert.equal(k.status() & ST_SYS, ST_SYS);
    k.setCtr(0x43);
    assert.equal(k.status() & ST_SYS, 0);
  });

  it("0xAD/0xAE toggle CTR bit 4 and 0xA7/0xA8 toggle CTR bit 5", () => {
    const k = machine();
    k.cmd(0xad); assert.equal(k.ctr(), 0x03 | CTR_KBDDIS);
    k.cmd(0xae); assert.equal(k.ctr(), 0x03);
    k.cmd(0xa7); assert.equal(k.ctr(), 0x03 | CTR_AUXDIS);
    k.cmd(0xa8); assert.equal(k.ctr(), 0x03);
  });

  it("internal RAM bytes 1–31 through 0x21–0x3F / 0x61–0x7F", () => {
    const k = machine();
    k.cmd(0x61); k.data(0x5a);
    k.cmd(0x7f); k.data(0xa5);
    assertBytes(k.ctl(0x21), [0x5a]);
    assertBytes(k.ctl(0x3f), [0xa5]);
    assert.equal(k.ctr(), 0x03, "CTR untouched");
  });

  it("output port: 0xD0 reads it with the OBF bits, 0xD1 writes it, A20 reported on change", () => {
    const k = machine();
    k.cmd(0xd1); k.data(0xcd); // A20 off, reset line high
    assert.deepEqual(k.m.sim.platformLog, [{ kind: "a20", a: 0, b: 0 }]);
    assertBytes(k.ctl(0xd0), [0xcd]);
    k.cmd(0xdf);
    k.cmd(0xdf); // no change: not reported again
    assert.deepEqual(k.m.sim.platformLog, [{ kind: "a20", a: 0, b: 0 }, { kind: "a20", a: 1, b: 0 }]);
    assertBytes(k.ctl(0xd0), [0xcf]);
    k.cmd(0xdd);
    assertBytes(k.ctl(0xd0), [0xcd]);
    assert.equal(k.m.sim.platformLog.length, 3);
    assert.deepEqual(k.m.sim.shutdowns, []);
    // With a key byte waiting in the output buffer, 0xD0 reports OBF (bit 4) in its answer.
    k.kbd(0xf4);
    k.tap(KEY_A);
    k.cmd(0xd0);
    assertBytes(k.drain(), [0x1c, 0xdd, 0xf0, 0x1c], "the reply waits behind the byte already in the buffer");
  });

  it("0xD1 with bit 0 low and pulses 0xF0–0xFF with bit 0 low reset the machine", () => {
    const k = machine();
    k.cmd(0xff); k.cmd(0xfd); k.cmd(0xf1); // bit 0 high: nothing
    assert.deepEqual(k.m.sim.shutdowns, []);
    k.cmd(0xfe);
    assert.deepEqual(k.m.sim.shutdowns, ["reboot"]);
    k.cmd(0xf0);
    assert.deepEqual(k.m.sim.shutdowns, ["reboot", "reboot"]);
    k.cmd(0xd1); k.data(0xce);
    assert.deepEqual(k.m.sim.shutdowns, ["reboot", "reboot", "reboot"]);
  });

  it("0xD2 puts a byte in the buffer as keyboard data (IRQ 1), 0xD3 as aux data (IRQ 12)", () => {
    const k = machine();
    k.cmd(0xd2); k.data(0x12);
    assert.equal(k.status() & (ST_OBF | ST_AUX), ST_OBF);
    assert.equal(k.irq1(), true);
    assert.equal(k.irq12(), false);
    assert.equal(k.g.inb(DATA), 0x12);
    assert.equal(k.irq1(), false);
    k.cmd(0xd3); k.data(0x34);
    assert.equal(k.status() & (ST_OBF | ST_AUX), ST_OBF | ST_AUX);
    assert.equal(k.irq12(), true);
    assert.equal(k.irq1(), false);
    assert.equal(k.g.inb(DATA), 0x34);
    assert.equal(k.irq12(), false);
  });

  it("unknown controller commands answer nothing and are logged once", () => {
    const k = machine();
    for (const c of [0x00, 0x10, 0xa0, 0xac, 0xc1, 0xe0, 0xe0]) assertBytes(k.ctl(c), [], `cmd 0x${c.toString(16)}`);
    assert.equal(k.m.logs.filter((l) => /unknown i8042 command/.test(l.text)).length, 1);
    assert.equal(k.ctr(), 0x03);
  });

  it("a controller command cancels a pending one (the next data byte goes to the keyboard)", () => {
    const k = machine();
    k.cmd(0x60); // would take the next data byte as CTR
    k.cmd(0xae); // …but a new command arrives
    assertBytes(k.kbd(0xee), [0xee], "0xEE went to the keyboard (echo), not into the CTR");
    assert.equal(k.ctr(), 0x03);
  });

  it("wider accesses read the byte with the upper bytes all-ones", () => {
    const k = machine();
    assert.equal(k.g.inw(CMD), 0xff00 | (ST_CMD | ST_UNLOCKED));
    k.g.outw(CMD, 0x12aa); // low byte is the command
    assert.equal(k.g.inl(DATA), 0xffffff55);
  });
});

describe("ps2: output buffer and IRQs", () => {
  it("OBF raises IRQ 1 only with CTR bit 0, and aux data raises IRQ 12 only with CTR bit 1", () => {
    const k = machine();
    k.setCtr(CTR_SYS);
    k.cmd(0xd2); k.data(0x01);
    assert.equal(k.irq1(), false);
    k.setCtr(CTR_SYS | CTR_KBDINT); // enabling the interrupt with data waiting raises it
    assert.equal(k.irq1(), true);
    k.g.inb(DATA);
    k.cmd(0xd3); k.data(0x02);
    assert.equal(k.irq12(), false, "aux data with CTR bit 1 clear");
    assert.equal(k.irq1(), false, "aux data never raises IRQ 1");
    k.setCtr(CTR_SYS | CTR_AUXINT);
    assert.equal(k.irq12(), true);
    k.g.inb(DATA);
    assert.equal(k.irq12(), false);
  });

  it("keyboard IRQ is held off while the keyboard interface is disabled", () => {
    const k = machine();
    k.cmd(0xad);
    k.tap(KEY_A);
    assert.equal(k.status() & ST_OBF, 0, "the key waits in the keyboard");
    assert.equal(k.irq1(), false);
    k.cmd(0xae);
    assert.equal(k.irq1(), true);
    assertBytes(k.drain(), [0x1c, 0xf0, 0x1c]);
  });

  it("aux data waits while the aux interface is disabled", () => {
    const k = machine();
    k.aux(0xf4);
    k.cmd(0xa7);
    k.move(1, 0);
    assert.equal(k.status() & ST_OBF, 0);
    k.cmd(0xa8);
    assert.equal(k.irq12(), true);
    assertBytes(k.drain(), [0x08, 0x01, 0x00]);
  });

  it("reading 0x60 lowers the line and raises it again for each further byte", () => {
    const k = machine();
    k.tap(KEY_A); // 3 bytes
    assert.equal(k.irq1(), true);
    assert.equal(k.edges[1], 1);
    const bytes: number[] = [];
    for (let i = 0; i < 3; i++) bytes.push(k.g.inb(DATA));
    assertBytes(bytes, [0x1c, 0xf0, 0x1c]);
    assert.equal(k.edges[1], 3, "one rising edge per byte");
    assert.equal(k.irq1(), false);
  });

  it("reading 0x60 with nothing pending returns the previous byte", () => {
    const k = machine();
    k.cmd(0xaa);
    assert.equal(k.g.inb(DATA), 0x55);
    assert.equal(k.g.inb(DATA), 0x55);
    assert.equal(k.status() & ST_OBF, 0);
  });

  it("controller replies go ahead of queued device data", () => {
    const k = machine();
    k.tap(KEY_A); // 1C in the buffer, F0 1C queued in the keyboard
    k.cmd(0x20);
    assertBytes(k.drain(), [0x1c, 0x03, 0xf0, 0x1c]);
  });

  it("keyboard data goes ahead of mouse data", () => {
    const k = machine();
    k.aux(0xf4);
    k.move(1, 1);         // aux packet: first byte into the buffer
    k.tap(KEY_A);
    // dy +1 is down on the screen: PS/2 reports -1 (Y sign bit 0x20)
    assert.deepEqual(k.drainTagged(), [[0x28, true], [0x1c, false], [0xf0, false], [0x1c, false], [0x01, true], [0xff, true]]);
  });
});

describe("ps2: keyboard commands", () => {
  it("reset 0xFF → ACK, 0xAA; identify 0xF2 → ACK 0xAB 0x83 (0x41 when translating)", () => {
    const k = machine();
    assertBytes(k.kbd(0xff), [ACK, 0xaa]);
    assertBytes(k.kbd(0xf2), [ACK, 0xab, 0x83]);
    k.setCtr(0x47);
    assertBytes(k.kbd(0xf2), [ACK, 0xab, 0x41]);
  });

  it("LEDs 0xED + argument, echo 0xEE, typematic 0xF3 + argument", () => {
    const k = machine();
    assertBytes(k.kbd(0xed, 0x07), [ACK, ACK]);
    assertBytes(k.kbd(0xee), [0xee]);
    assertBytes(k.kbd(0xf3, 0x00), [ACK, ACK]);
  });

  it("scan-code set: query, select 1 and 2, refuse 3 and garbage; translated query answers", () => {
    const k = machine();
    assertBytes(k.kbd(0xf0, 0x00), [ACK, ACK, 0x02]);
    assertBytes(k.kbd(0xf0, 0x01), [ACK, ACK]);
    assertBytes(k.kbd(0xf0, 0x00), [ACK, ACK, 0x01]);
    assertBytes(k.kbd(0xf0, 0x03), [ACK, NAK], "set 3 not implemented");
    assertBytes(k.kbd(0xf0, 0x7f), [ACK, NAK]);
    assertBytes(k.kbd(0xf0, 0x00), [ACK, ACK, 0x01], "refusals left set 1");
    k.setCtr(0x47);
    assertBytes(k.kbd(0xf0, 0x00), [ACK, ACK, 0x43], "set 1 through the translation");
    assertBytes(k.kbd(0xf0, 0x02), [ACK, ACK]);
    assertBytes(k.kbd(0xf0, 0x00), [ACK, ACK, 0x41], "set 2 through the translation");
  });

  it("a command byte where an argument was expected is run as a command", () => {
    const k = machine();
    assertBytes(k.kbd(0xed, 0xf2), [ACK, ACK, 0xab, 0x83]);
    assertBytes(k.kbd(0xf3, 0xee), [ACK, 0xee]);
  });

  it("0xF5 stops scanning (keys dropped), 0xF4 and 0xF6 start it", () => {
    const k = machine();
    assertBytes(k.kbd(0xf5), [ACK]);
    k.tap(KEY_A);
    assertBytes(k.drain(), []);
    assertBytes(k.kbd(0xf4), [ACK]);
    k.tap(KEY_A);
    assertBytes(k.drain(), [0x1c, 0xf0, 0x1c]);
    assertBytes(k.kbd(0xf5), [ACK]);
    assertBytes(k.kbd(0xf6), [ACK]);
    k.tap(KEY_A);
    assertBytes(k.drain(), [0x1c, 0xf0, 0x1c]);
  });

  it("0xF5/0xF6/0xFF restore defaults (set 2); 0xF4 clears the key buffer", () => {
    const k = machine();
    k.kbd(0xf0, 0x01);
    assertBytes(k.kbd(0xf6), [ACK]);
    assertBytes(k.kbd(0xf0, 0x00), [ACK, ACK, 0x02]);
    k.cmd(0xad);
    k.tap(KEY_A);            // waits in the keyboard
    k.data(0xf4);            // writing to the keyboard re-enables its interface
    assertBytes(k.drain(), [ACK], "the waiting key bytes were cleared by 0xF4");
  });

  it("resend 0xFE repeats the last byte sent", () => {
    const k = machine();
    assertBytes(k.kbd(0xf2), [ACK, 0xab, 0x83]);
    assertBytes(k.kbd(0xfe), [0x83]);
    assertBytes(k.kbd(0xee, 0xfe), [0xee, 0xee]);
  });

  it("unknown commands and stray bytes answer 0xFE (resend)", () => {
    const k = machine();
    for (const b of [0x00, 0x01, 0x55, 0xe0, 0xec, 0xf1, 0xf7, 0xf8, 0xfa, 0xfb, 0xfd]) assertBytes(k.kbd(b), [NAK], `0x${b.toString(16)}`);
  });

  it("a new command discards replies not yet handed to the controller", () => {
    const k = machine();
    k.data(0xf2);                          // ACK goes to the output buffer; AB 83 wait in the keyboard
    assert.equal(k.g.inb(DATA), ACK);      // AB moves into the output buffer
    k.data(0xee);                          // 83 is discarded
    assertBytes(k.drain(), [0xab, 0xee]);
  });

  it("writing to the keyboard clears CTR bit 4 (the chip re-enables the interface)", () => {
    const k = machine();
    k.cmd(0xad);
    assertBytes(k.kbd(0xee), [0xee]);
    assert.equal(k.ctr() & CTR_KBDDIS, 0);
  });
});

describe("ps2: key input", () => {
  it("set 2 make and break codes, E0 keys, Print Screen and Pause", () => {
    const k = machine();
    k.tap(KEY_A); assertBytes(k.drain(), [0x1c, 0xf0, 0x1c]);
    k.tap(KEY_RIGHTCTRL); assertBytes(k.drain(), [0xe0, 0x14, 0xe0, 0xf0, 0x14]);
    k.tap(KEY_UP); assertBytes(k.drain(), [0xe0, 0x75, 0xe0, 0xf0, 0x75]);
    k.tap(KEY_LEFTMETA); assertBytes(k.drain(), [0xe0, 0x1f, 0xe0, 0xf0, 0x1f]);
    k.tap(KEY_F7); assertBytes(k.drain(), [0x83, 0xf0, 0x83]);
    k.tap(KEY_SYSRQ); assertBytes(k.drain(), [0xe0, 0x12, 0xe0, 0x7c, 0xe0, 0xf0, 0x7c, 0xe0, 0xf0, 0x12]);
    k.tap(KEY_PAUSE); assertBytes(k.drain(), [0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77]);
  });

  it("translated (CTR bit 6): set 1 codes with bit 7 for breaks", () => {
    const k = machine();
    k.setCtr(0x47);
    k.tap(KEY_A); assertBytes(k.drain(), [0x1e, 0x9e]);
    k.tap(KEY_RIGHTCTRL); assertBytes(k.drain(), [0xe0, 0x1d, 0xe0, 0x9d]);
    k.tap(KEY_LEFTMETA); assertBytes(k.drain(), [0xe0, 0x5b, 0xe0, 0xdb]);
    k.tap(KEY_F7); assertBytes(k.drain(), [0x41, 0xc1]);
    k.tap(KEY_SYSRQ); assertBytes(k.drain(), [0xe0, 0x2a, 0xe0, 0x37, 0xe0, 0xb7, 0xe0, 0xaa]);
    k.tap(KEY_PAUSE); assertBytes(k.drain(), [0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5]);
  });

  it("set 1 selected on the keyboard without translation gives the same set 1 codes", () => {
    const k = machine();
    k.kbd(0xf0, 0x01);
    k.tap(KEY_A); assertBytes(k.drain(), [0x1e, 0x9e]);
    k.tap(KEY_UP); assertBytes(k.drain(), [0xe0, 0x48, 0xe0, 0xc8]);
    k.tap(KEY_PAUSE); assertBytes(k.drain(), [0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5]);
  });

  it("a key without a scan code is dropped and logged once", () => {
    const k = machine();
    k.tap(KEY_UNMAPPED); k.tap(KEY_UNMAPPED); k.tap(100000); k.tap(-5);
    assertBytes(k.drain(), []);
    assert.equal(k.m.logs.filter((l) => /without a scan code/.test(l.text)).length, 1);
  });

  it("a full key buffer: whole events only, then one overrun code (0x00 set 2, 0xFF set 1)", () => {
    const k = machine();
    k.cmd(0xad); // hold everything in the keyboard's 16-byte buffer
    for (let i = 0; i < 10; i++) k.tap(KEY_A);
    k.cmd(0xae);
    const got = k.drain();
    // 5 taps (15 bytes) fit with one byte kept for the overrun code; the rest were dropped.
    assertBytes(got, [...Array(5).fill([0x1c, 0xf0, 0x1c]).flat(), 0x00]);
    k.tap(KEY_A);
    assertBytes(k.drain(), [0x1c, 0xf0, 0x1c], "typing works again once the buffer drained");

    const t = machine();
    t.kbd(0xf0, 0x01);
    t.cmd(0xad);
    for (let i = 0; i < 10; i++) t.tap(KEY_A);
    t.cmd(0xae);
    // set 1: 7 taps (14 bytes) and the 8th press fit; its release becomes the overrun code
    assertBytes(t.drain(), [...Array(7).fill([0x1e, 0x9e]).flat(), 0x1e, 0xff]);

    const x = machine();
    x.setCtr(0x47);
    x.cmd(0xad);
    for (let i = 0; i < 10; i++) x.tap(KEY_A);
    x.cmd(0xae);
    assertBytes(x.drain(), [...Array(5).fill([0x1e, 0x9e]).flat(), 0xff], "the translation turns overrun 0x00 into 0xFF");
  });

  it("typematic: a held key repeats after the delay at the rate (virtual clock)", () => {
    const k = machine();
    k.key(KEY_A, true);
    assertBytes(k.drain(), [0x1c]);
    k.g.wait(499 * MS);
    assertBytes(k.drain(), [], "default delay 500 ms");
    k.g.wait(2 * MS);
    assertBytes(k.drain(), [0x1c]);
    k.g.wait(90 * MS);
    assertBytes(k.drain(), []);
    k.g.wait(1 * MS); // default period (8+3)·2·4.17 ms = 91.74 ms after the repeat at 500 ms
    assertBytes(k.drain(), [0x1c]);
    k.key(KEY_A, false);
    k.g.wait(2000 * MS);
    assertBytes(k.drain(), [0xf0, 0x1c], "release stops the repeat");
  });

  it("typematic: 0xF3 sets delay and rate; only the last key pressed repeats", () => {
    const k = machine();
    k.kbd(0xf3, 0x00); // 250 ms, 30 cps (8·4.17 = 33.36 ms)
    k.key(KEY_LEFTSHIFT, true);
    k.key(KEY_A, true);
    assertBytes(k.drain(), [0x12, 0x1c]);
    k.g.wait(251 * MS);
    assertBytes(k.drain(), [0x1c]);
    k.g.wait(34 * MS);
    assertBytes(k.drain(), [0x1c]);
    k.key(KEY_A, false);
    k.g.wait(1000 * MS);
    assertBytes(k.drain(), [0xf0, 0x1c], "shift does not resume repeating");
  });

  it("typematic=off: no repeat", () => {
    const k = machine("typematic=off");
    k.key(KEY_A, true);
    k.g.wait(3000 * MS);
    assertBytes(k.drain(), [0x1c]);
  });
});

describe("ps2: mouse commands", () => {
  it("reset 0xFF → ACK 0xAA 0x00 as aux data with IRQ 12", () => {
    const k = machine();
    k.cmd(0xd4); k.data(0xff);
    assert.equal(k.status() & (ST_OBF | ST_AUX), ST_OBF | ST_AUX);
    assert.equal(k.irq12(), true);
    assert.equal(k.irq1(), false);
    assertBytes(k.drain(), [ACK, 0xaa, 0x00]);
    assert.equal(k.edges[12], 3);
  });

  it("get id 0xF2; IntelliMouse knock 200,100,80 → 3; Explorer knock 200,200,80 → 4; reset → 0", () => {
    const k = machine();
    assertBytes(k.aux(0xf2), [ACK, 0x00]);
    assertBytes(k.aux(0xf3, 200, 0xf3, 100, 0xf3, 80), Array(6).fill(ACK));
    assertBytes(k.aux(0xf2), [ACK, 0x03]);
    assertBytes(k.aux(0xf3, 200, 0xf3, 200, 0xf3, 80), Array(6).fill(ACK));
    assertBytes(k.aux(0xf2), [ACK, 0x04]);
    assertBytes(k.aux(0xff), [ACK, 0xaa, 0x00]);
    assertBytes(k.aux(0xf2), [ACK, 0x00]);
    assertBytes(k.aux(0xf3, 200, 0xf3, 60, 0xf3, 100, 0xf3, 80, 0xf2), [...Array(8).fill(ACK), ACK, 0x00], "200 is not among the last three");
    assertBytes(k.aux(0xf3, 60, 0xf3, 200, 0xf3, 100, 0xf3, 80, 0xf2), [...Array(8).fill(ACK), ACK, 0x03], "the last three rates make the knock");
  });

  it("status request 0xE9: mode/enable/scaling/buttons, resolution, rate", () => {
    const k = machine();
    assertBytes(k.aux(0xe9), [ACK, 0x00, 0x02, 100]);
    assertBytes(k.aux(0xe8, 0x03, 0xf3, 40, 0xe7, 0xf4), [ACK, ACK, ACK, ACK, ACK, ACK]);
    k.move(0, 0, 0b101); // left + middle → a packet goes out; status shows the buttons
    k.drain();
    assertBytes(k.aux(0xe9), [ACK, 0x20 | 0x10 | 0x04 | 0x02, 0x03, 40]);
    assertBytes(k.aux(0xf0, 0xe6, 0xe9), [ACK, ACK, ACK, 0x40 | 0x20 | 0x06, 0x03, 40]);
    assertBytes(k.aux(0xf6, 0xe9), [ACK, ACK, 0x06, 0x02, 100], "defaults: stream, disabled, 1:1, 4/mm, 100/s");
  });

  it("bad resolution and sample-rate arguments answer 0xFE and change nothing", () => {
    const k = machine();
    assertBytes(k.aux(0xe8, 0x04), [ACK, NAK]);
    assertBytes(k.aux(0xf3, 0x33), [ACK, NAK]);
    assertBytes(k.aux(0xf3, 0), [ACK, NAK]);
    assertBytes(k.aux(0xe9), [ACK, 0x00, 0x02, 100]);
    assertBytes(k.aux(0xf3, 0xf2), [ACK, ACK, 0x00], "a command where an argument was due runs as the command");
  });

  it("unknown commands answer 0xFE; resend repeats the last byte", () => {
    const k = machine();
    for (const b of [0x00, 0x01, 0x88, 0xe1, 0xe2, 0xed, 0xf1, 0xf7, 0xfa, 0xfd]) assertBytes(k.aux(b), [NAK], `0x${b.toString(16)}`);
    assertBytes(k.aux(0xf2, 0xfe), [ACK, 0x00, 0x00]);
  });

  it("wrap mode echoes everything but 0xEC and 0xFF", () => {
    const k = machine();
    assertBytes(k.aux(0xee), [ACK]);
    assertBytes(k.aux(0x12, 0xf2, 0xf4, 0xe9), [0x12, 0xf2, 0xf4, 0xe9]);
    assertBytes(k.aux(0xec), [ACK]);
    assertBytes(k.aux(0xf2), [ACK, 0x00]);
    assertBytes(k.aux(0xee, 0xff, 0x12), [ACK, ACK, 0xaa, 0x00, NAK], "reset leaves wrap mode");
  });

  it("a new command discards unread replies", () => {
    const k = machine();
    k.cmd(0xd4); k.data(0xe9);            // ACK into the buffer, 3 status bytes wait
    k.cmd(0xd4); k.data(0xf2);            // discards them
    assertBytes(k.drain(), [ACK, ACK, 0x00]);
  });

  it("0xD4 clears CTR bit 5 (the chip re-enables the aux interface)", () => {
    const k = machine();
    k.cmd(0xa7);
    assertBytes(k.aux(0xf2), [ACK, 0x00]);
    assert.equal(k.ctr() & CTR_AUXDIS, 0);
  });

  it("mouse=off: bytes for the mouse time out (status bit 6, 0xFE as aux data)", () => {
    const k = machine("mouse=off");
    k.cmd(0xd4); k.data(0xff);
    assert.equal(k.status() & (ST_OBF | ST_AUX | ST_TIMEOUT), ST_OBF | ST_AUX | ST_TIMEOUT);
    assert.equal(k.g.inb(DATA), NAK);
    assert.equal(k.status() & ST_TIMEOUT, 0, "reading clears the timeout");
    k.move(5, 5);
    assertBytes(k.drain(), []);
    assertBytes(k.ctl(0xd3, 0xa5), [0xa5], "the controller's loopback still works");
  });
});

describe("ps2: mouse movement", () => {
  it("stream packets: buttons, sign bits, Y up-positive (host dy is down-positive)", () => {
    const k = machine();
    k.move(5, 0);
    assertBytes(k.drain(), [], "reporting disabled: nothing");
    k.aux(0xf4);
    k.move(5, -3);                   // right and up on the screen
    assertBytes(k.drain(), [0x08, 0x05, 0x03]);
    k.move(-2, 4, 0b011);            // left/down with left+right buttons
    assertBytes(k.drain(), [0x08 | 0x10 | 0x20 | 0x03, 0xfe, 0xfc]);
    k.move(0, 0, 0);                 // button release alone is a packet
    assertBytes(k.drain(), [0x08, 0x00, 0x00]);
    k.move(0, 0, 0);                 // nothing changed: no packet
    assertBytes(k.drain(), []);
  });

  it("large movements are split into 9-bit packets", () => {
    const k = machine();
    k.aux(0xf4);
    k.move(600, -300);
    const b = k.drain();
    assert.equal(b.length % 3, 0);
    let x = 0, y = 0;
    for (let i = 0; i < b.length; i += 3) {
      assert.equal(b[i]! & 0xc8, 0x08, "bit 3 set, no overflow");
      x += b[i + 1]! - (b[i]! & 0x10 ? 256 : 0);
      y += b[i + 2]! - (b[i]! & 0x20 ? 256 : 0);
    }
    assert.deepEqual([x, y], [600, 300]);
  });

  it("2:1 scaling in stream mode", () => {
    const k = machine();
    k.aux(0xe7, 0xf4);
    const out: number[] = [];
    for (const d of [1, 2, 3, 4, 5, 6, -6]) { k.move(d, 0); out.push(k.drain()[1]!); }
    assertBytes(out, [1, 1, 3, 6, 9, 12, 0xf4]);
  });

  it("IntelliMouse (id 3) and Explorer (id 4) packets carry the wheel in a fourth byte", () => {
    const k = machine();
    k.aux(0xf3, 200, 0xf3, 100, 0xf3, 80, 0xf4);
    k.move(1, 0, 0, 1);   // wheel up (away from the user) is negative in PS/2
    assertBytes(k.drain(), [0x08, 0x01, 0x00, 0xff]);
    k.move(0, 0, 0, -2);
    assertBytes(k.drain(), [0x08, 0x00, 0x00, 0x02]);
    k.aux(0xf3, 200, 0xf3, 200, 0xf3, 80);
    k.move(0, 0, 0, 20);  // Explorer: 4-bit wheel, the rest follows in later packets
    assertBytes(k.drain(), [0x08, 0x00, 0x00, 0x08, 0x08, 0x00, 0x00, 0x08, 0x08, 0x00, 0x00, 0x0c]);
  });

  it("a 3-byte mouse ignores the wheel", () => {
    const k = machine();
    k.aux(0xf4);
    k.move(0, 0, 0, 3);
    assertBytes(k.drain(), []);
  });

  it("remote mode: no stream data; 0xEB polls a packet", () => {
    const k = machine();
    assertBytes(k.aux(0xf0, 0xf4), [ACK, ACK]);
    k.move(7, -1, 0b100);
    assertBytes(k.drain(), []);
    assertBytes(k.aux(0xeb), [ACK, 0x08 | 0x04, 0x07, 0x01]);
    assertBytes(k.aux(0xeb), [ACK, 0x08 | 0x04, 0x00, 0x00], "counters were consumed");
    assertBytes(k.aux(0xea), [ACK]);
    k.move(1, 0, 0b100);
    assertBytes(k.drain(), [0x08 | 0x04, 0x01, 0x00], "back in stream mode");
  });

  it("no stream data while a command is in progress; movement kept and sent afterwards", () => {
    const k = machine();
    k.aux(0xf4);
    k.cmd(0xd4); k.data(0xe9); // ACK in the buffer, three status bytes pending
    k.move(3, 0);
    assertBytes(k.drain(), [ACK, 0x20, 0x02, 100, 0x08, 0x03, 0x00], "status whole, then the packet");
    k.cmd(0xd4); k.data(0xf3); // waiting for the rate argument
    assert.equal(k.g.inb(DATA), ACK);
    k.move(4, 0);
    assertBytes(k.drain(), [], "nothing while the argument is due");
    k.cmd(0xd4); k.data(100);
    assertBytes(k.drain(), [ACK], "a command resets the movement counters (PS/2 mouse spec)");
  });

  it("the mouse queue holds whole packets only; the rest waits in the counters", () => {
    const k = machine();
    k.aux(0xf4);
    for (let i = 0; i < 20; i++) k.move(1, 0);
    const b = k.drain();
    // 16-byte queue: 5 packets (one byte already in the output buffer), then 15 counts wait
    // and leave in one packet once there is room.
    assertBytes(b, [...Array(5).fill([0x08, 0x01, 0x00]).flat(), 0x08, 15, 0x00]);
  });

  it("reporting disabled (0xF5) drops queued packets and movement", () => {
    const k = machine();
    k.aux(0xf4);
    k.cmd(0xa7);
    k.move(1, 0); k.move(1, 0);
    k.cmd(0xa8);
    assertBytes(k.aux(0xf5), [0x08, ACK], "the byte already in the buffer stays; the rest is dropped");
    k.move(9, 9);
    assertBytes(k.drain(), []);
  });
});

describe("ps2: reset and robustness", () => {
  it("a guest reset returns everything to power-on state", () => {
    const k = machine();
    k.setCtr(0x67);
    k.kbd(0xf0, 0x01);
    k.aux(0xf3, 200, 0xf3, 100, 0xf3, 80, 0xf4);
    k.cmd(0xd2); k.data(0x99);
    k.m.rt.resetAll();
    assert.equal(k.status(), ST_CMD | ST_UNLOCKED);
    assert.equal(k.irq1(), false);
    assert.equal(k.ctr(), 0x03);
    assertBytes(k.kbd(0xf0, 0x00), [ACK, ACK, 0x02]);
    assertBytes(k.aux(0xf2, 0xe9), [ACK, 0x00, ACK, 0x00, 0x02, 100]);
  });

  it("random bytes to both ports never trap, never set IBF, allocate nothing, and the device still works", () => {
    const k = machine();
    const memBefore = k.m.rt.device("ps2").memory().length;
    let seed = 0x2545f491;
    const rnd = (): number => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return seed >>> 0; };
    for (let i = 0; i < 20000; i++) {
      const r = rnd();
      switch (r & 7) {
        case 0: case 1: k.cmd((r >>> 8) & 0xff); break;
        case 2: case 3: k.data((r >>> 8) & 0xff); break;
        case 4: assert.equal(k.status() & ST_IBF, 0); break;
        case 5: k.g.inb(DATA); break;
        case 6: k.move(((r >>> 8) & 0x3ff) - 512, ((r >>> 18) & 0x3ff) - 512, (r >>> 28) & 7, (r >>> 3) & 0xff); break;
        case 7: k.key((r >>> 8) & 0x1ff, (r >>> 20) & 1 ? true : false); break;
      }
      if ((i & 1023) === 0) k.g.wait(50 * MS);
    }
    noFailures(k);
    assert.equal(k.m.rt.device("ps2").memory().length, memBefore, "module memory did not grow (no allocation per access)");
    k.m.rt.resetAll();
    assertBytes(k.ctl(0xaa), [0x55]);
    assertBytes(k.kbd(0xff), [ACK, 0xaa]);
    assertBytes(k.aux(0xff), [ACK, 0xaa, 0x00]);
    noFailures(k);
  });
});

// ---- probe replays ---------------------------------------------------------------------------

/** Linux's ps2_command: send each byte, expect ACK after each, then read `resp` more bytes. */
function ps2Command(send: (b: number) => number[], bytes: number[], resp: number): number[] | null {
  const answers: number[] = [];
  for (const b of bytes) {
    const a = send(b);
    if (a[0] !== ACK) return null; // NAK or nothing: the command fails
    answers.push(...a.slice(1));
  }
  return answers.length >= resp ? answers.slice(0, resp) : null;
}

describe("ps2: probe replays", () => {
  it("Linux i8042: flush, CTR, self test, AUX loopback, MUX probe, AUX bit test, AUX IRQ test", () => {
    const k = machine();
    k.tap(KEY_A); // something left over from the firmware
    // i8042_flush: read while OBF, bounded by the buffer size
    assert.ok(k.drain().length <= 16);
    assert.equal(k.status() & ST_OBF, 0);
    // i8042_controller_init: read CTR (twice, until stable)
    const ctr0 = k.ctr();
    assert.equal(k.ctr(), ctr0);
    // i8042_controller_selftest: 0xAA must answer 0x55
    assertBytes(k.ctl(0xaa), [0x55]);
    // disable the keyboard interface and its IRQ, keep translation as the firmware set it; write CTR
    let ctr = (ctr0 | CTR_KBDDIS) & ~CTR_KBDINT;
    k.setCtr(ctr);
    assert.equal(k.ctr(), ctr);
    k.drain();
    // i8042_check_aux: internal loopback 0xD3 0x5A must come back as AUX data
    k.cmd(0xd3); k.data(0x5a);
    assert.deepEqual(k.drainTagged(), [[0x5a, true]]);
    // bit assignment test: 0xA7 must set CTR bit 5, 0xA8 must clear it
    k.cmd(0xa7);
    assert.equal(k.ctr() & CTR_AUXDIS, CTR_AUXDIS);
    k.cmd(0xa8);
    assert.equal(k.ctr() & CTR_AUXDIS, 0);
    ctr = (ctr | CTR_AUXDIS) & ~CTR_AUXINT;
    k.setCtr(ctr);
    // i8042_set_mux_mode: loopback F0, 56 must echo; A4 echoed unchanged means "no MUX"
    for (const [v, want] of [[0xf0, 0xf0], [0x56, 0x56], [0xa4, 0xa4]]) {
      k.cmd(0xd3); k.data(v!);
      assert.deepEqual(k.drainTagged(), [[want, true]]);
    }
    // AUX IRQ test: enable the aux port and its interrupt, loop 0xA5 back, expect IRQ 12 with it
    ctr = (ctr & ~CTR_AUXDIS) | CTR_AUXINT;
    k.setCtr(ctr);
    const before = k.edges[12];
    k.cmd(0xd3); k.data(0xa5);
    assert.equal(k.irq12(), true);
    assert.equal(k.edges[12], before + 1);
    const st = k.status();
    assert.equal(st & (ST_OBF | ST_AUX), ST_OBF | ST_AUX, "the IRQ handler sees AUX data");
    assert.equal(k.g.inb(DATA), 0xa5);
    assert.equal(k.irq12(), false);
    // i8042_enable_kbd_port: keyboard interface and IRQ on; a key now raises IRQ 1
    ctr = (ctr & ~CTR_KBDDIS) | CTR_KBDINT;
    k.setCtr(ctr);
    k.key(KEY_A, true);
    assert.equal(k.irq1(), true);
    assertBytes(k.drain(), [0x1c]);
    noFailures(k);
  });

  it("Linux atkbd: identify, reset-disable, set select with fallback from set 3, typematic, LEDs, enable", () => {
    for (const xlate of [true, false]) {
      const k = machine();
      k.setCtr(xlate ? 0x47 : 0x07);
      const send = (b: number): number[] => k.kbd(b);
      // atkbd_probe: GETID (0x02F2: no args, 2 reply bytes) must give a keyboard id
      const id = ps2Command(send, [0xf2], 2);
      assert.deepEqual(id, [0xab, xlate ? 0x41 : 0x83]);
      // make sure nothing comes from the keyboard while the driver sets up: RESET_DIS
      assert.deepEqual(ps2Command(send, [0xf5], 0), []);
      if (!xlate) {
        // atkbd.set=3 asked for: SSCANSET 3 is refused → fall back to set 2 and check it
        assert.equal(ps2Command(send, [0xf0, 0x03], 0), null);
        assert.deepEqual(ps2Command(send, [0xf0, 0x02], 0), []);
        assert.deepEqual(ps2Command(send, [0xf0, 0x00], 1), [0x02]);
      }
      // atkbd_activate: typematic 0x20 (250 ms, 30 cps… the driver computes it), LEDs off, enable
      assert.deepEqual(ps2Command(send, [0xf3, 0x20], 0), []);
      assert.deepEqual(ps2Command(send, [0xed, 0x00], 0), []);
      assert.deepEqual(ps2Command(send, [0xf4], 0), []);
      // LED change at run time (Caps Lock on)
      assert.deepEqual(ps2Command(send, [0xed, 0x04], 0), []);
      k.tap(KEY_A);
      assertBytes(k.drain(), xlate ? [0x1e, 0x9e] : [0x1c, 0xf0, 0x1c]);
      noFailures(k);
    }
  });

  it("Linux psmouse: get id, reset, vendor probes fail cleanly, IntelliMouse/Explorer knock, setup, packets", () => {
    const k = machine();
    k.setCtr(0x47);
    const send = (b: number): number[] => k.aux(b);
    const reset = (): void => assert.deepEqual(ps2Command(send, [0xff], 2), [0xaa, 0x00]);
    // psmouse_probe: GETID must be 00/03/04, then RESET_DIS
    assert.deepEqual(ps2Command(send, [0xf2], 1), [0x00]);
    assert.deepEqual(ps2Command(send, [0xf6], 0), []);
    // Synaptics: sliced query 0x00 (E6, E8 00 ×4), GETINFO; Synaptics answers 0x47 in byte 1
    let info = ps2Command(send, [0xe6, 0xe8, 0, 0xe8, 0, 0xe8, 0, 0xe8, 0, 0xe9], 3)!;
    assert.notEqual(info[1], 0x47);
    reset();
    // ALPS: E6 ×3 then GETINFO; an ALPS answers byte0&0xf8 == 0, byte1 == 0, byte2 10 or 100
    info = ps2Command(send, [0xe6, 0xe6, 0xe6, 0xe9], 3)!;
    assert.ok(!((info[0]! & 0xf8) === 0 && info[1] === 0 && (info[2] === 10 || info[2] === 100)), `ALPS signature ${hex(info)}`);
    reset();
    // Logitech PS2++: E8 00, E6 ×3, GETINFO; byte 1 non-zero would mean a Logitech model
    info = ps2Command(send, [0xe8, 0x00, 0xe6, 0xe6, 0xe6, 0xe9], 3)!;
    assert.equal(info[1], 0);
    reset();
    // Genius: E8 03, E6 ×3, GETINFO; Genius answers 00 33 55
    info = ps2Command(send, [0xe8, 0x03, 0xe6, 0xe6, 0xe6, 0xe9], 3)!;
    assert.notDeepEqual(info, [0x00, 0x33, 0x55]);
    reset();
    // Elantech: disable, E6 ×3, GETINFO; Elantech answers 3C 03 (C8|00)
    info = ps2Command(send, [0xf5, 0xe6, 0xe6, 0xe6, 0xe9], 3)!;
    assert.ok(!(info[0] === 0x3c && info[1] === 0x03));
    reset();
    // TrackPoint: read id 0xE1 (2 bytes): refused
    assert.equal(ps2Command(send, [0xe1], 2), null);
    // Sentelic FSP: register read uses 0xF3 with register numbers as rates: refused
    assert.equal(ps2Command(send, [0xf3, 0x66], 0), null);
    // Cypress: 0xE8 sliced command then GETINFO; Cypress answers 33 CC
    info = ps2Command(send, [0xe8, 0, 0xe8, 0, 0xe8, 0, 0xe8, 0, 0xe9], 3)!;
    assert.ok(!(info[0] === 0x33 && info[1] === 0xcc));
    reset();
    // IntelliMouse: rates 200, 100, 80, GETID → 3
    assert.deepEqual(ps2Command(send, [0xf3, 200, 0xf3, 100, 0xf3, 80, 0xf2], 1), [0x03]);
    // Explorer: rates 200, 200, 80, GETID → 4; then the horizontal-scroll magic 200, 80, 40
    assert.deepEqual(ps2Command(send, [0xf3, 200, 0xf3, 200, 0xf3, 80, 0xf2], 1), [0x04]);
    assert.deepEqual(ps2Command(send, [0xf3, 200, 0xf3, 80, 0xf3, 40], 0), []);
    // psmouse_initialize: rate 100, resolution 200 dpi (3), scaling 1:1, stream, enable
    assert.deepEqual(ps2Command(send, [0xf3, 100, 0xe8, 0x03, 0xe6, 0xea, 0xf4], 0), []);
    // 4-byte packets with IRQ 12
    k.move(2, 2, 1, -1);
    assert.equal(k.irq12(), true);
    assert.deepEqual(k.drainTagged(), [[0x29, true], [0x02, true], [0xfe, true], [0x01, true]]);
    noFailures(k);
  });

  it("SeaBIOS ps2_keyboard_setup, then keys arrive translated with IRQ 1", () => {
    const k = machine();
    k.tap(KEY_A);
    k.drain();                                 // flush
    k.cmd(0xad); k.cmd(0xa7);                  // disable keyboard and mouse
    k.drain();                                 // flush
    assertBytes(k.ctl(0xaa), [0x55], "controller self test");
    assertBytes(k.ctl(0xab), [0x00], "keyboard interface test");
    // SeaBIOS's ps2_command wraps each keyboard command: IRQs off, keyboard port enabled
    const kbdCommand = (bytes: number[], resp: number): number[] | null => {
      k.setCtr(CTR_AUXDIS);
      k.drain();
      const r = ps2Command((b) => k.kbd(b), bytes, resp);
      k.setCtr(CTR_KBDDIS | CTR_AUXDIS);
      return r;
    };
    assert.deepEqual(kbdCommand([0xff], 1), [0xaa], "keyboard reset/BAT");
    assert.deepEqual(kbdCommand([0xf5], 0), [], "disable");
    assert.deepEqual(kbdCommand([0xf0, 0x02], 0), [], "scan-code set 2");
    k.setCtr(CTR_AUXDIS | CTR_XLATE | CTR_KBDINT);
    assert.deepEqual(ps2Command((b) => k.kbd(b), [0xf4], 0), [], "enable");
    k.key(KEY_A, true);
    assert.equal(k.irq1(), true);
    assertBytes(k.drain(), [0x1e]);
    assert.equal(k.irq1(), false);
    noFailures(k);
  });
});
