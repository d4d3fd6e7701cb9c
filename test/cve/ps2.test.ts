// CVE regression suite, PS/2 (i8042 + keyboard + mouse): queue overflows and command floods, the
// guest-side triggers of the PS/2 / i8042 emulator bugs of QEMU (ps2 queue indices, command
// handling). Each test ends with: no trap, bounded time, output bounded by the queue sizes (the
// guest can never read more bytes than the queues hold), whole mouse packets, and the device
// answering normally afterwards.
import { strict as assert } from "node:assert";
import { createMachine, type Machine } from "../../host/node/machine.ts";
import { EVENT } from "../../host/node/abi.ts";
import { assertServing, bounded } from "./cve-helpers.ts";

const DATA = 0x60, CMD = 0x64;
const OBF = 0x01, AUX = 0x20;
const KBD_QUEUE = 16, MOUSE_QUEUE = 16, REPLY_QUEUE = 8;
const KEY_A = 30;

function ps2(config = "mouse=on,typematic=on"): Machine {
  return createMachine([{ name: "ps2", config, irqs: [{ isa: 1 }, { isa: 12 }] }]);
}
const key = (m: Machine, code: number, down: boolean) => m.rt.deliverEvent(m.rt.device("ps2"), EVENT.KEY, null, code, down ? 1 : 0);
const move = (m: Machine, dx: number, dy: number, buttons = 0) => m.rt.deliverEvent(m.rt.device("ps2"), EVENT.MOUSE, null, (dx & 0xffff) | (dy << 16), buttons);

/** Reads the output buffer until OBF clears; fails if it never does within `limit` bytes. */
function drain(m: Machine, limit = 256): Array<[number, boolean]> {
  const out: Array<[number, boolean]> = [];
  for (let i = 0; i < limit; i++) {
    const s = m.guest.inb(CMD);
    if (!(s & OBF)) return out;
    out.push([m.guest.inb(DATA), (s & AUX) !== 0]);
  }
  assert.fail(`output buffer still full after ${limit} reads`);
}

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}

/** Sends a byte to the mouse through 0xD4 and returns what came back. */
function aux(m: Machine, b: number): number[] {
  m.guest.outb(CMD, 0xd4); m.guest.outb(DATA, b);
  return drain(m).map(([v]) => v);
}

describe("CVE suite: PS/2", () => {
  // CVE-2017-16845 (QEMU ps2, verified: "does not validate 'rptr' and 'count' values during guest
  // migration, leading to out-of-bounds access"). The guest-reachable half of that bug class: a
  // queue filled far beyond its size by the host while the guest does not read.
  it("CVE-2017-16845 analog: 4000 key events unread fill the queue, the rest is dropped once", () => {
    const m = ps2();
    bounded("4000 key events", 5000, () => { for (let i = 0; i < 2000; i++) { key(m, KEY_A + (i % 20), true); key(m, KEY_A + (i % 20), false); } });
    const got = drain(m);
    assert.ok(got.length >= KBD_QUEUE / 2 && got.length <= KBD_QUEUE + 2, `${got.length} bytes came out of a ${KBD_QUEUE}-byte queue`);
    assert.ok(got.every(([, a]) => !a), "all from the keyboard side");
    assert.equal(got.filter(([b]) => b === 0x00 || b === 0xff).length, 1, "one overrun code in place of the lost keys");
    key(m, KEY_A, true);
    assert.deepEqual(drain(m).map(([b]) => b), [0x1c], "the keyboard still works: A make (set 2)");
    assertServing(m, "ps2");
  });

  it("mouse packet flood: the queue holds whole packets only, never a torn one", () => {
    const m = ps2();
    m.guest.outb(CMD, 0xa8);                      // aux interface on
    assert.deepEqual(aux(m, 0xf4), [0xfa], "enable reporting: ACK");
    const rnd = rng(16845);
    // motion that sums to zero: what is queued is bounded by the queue, not by the event count
    bounded("5000 mouse events", 5000, () => {
      for (let i = 0; i < 2500; i++) { const dx = (rnd() % 512) - 256, dy = (rnd() % 512) - 256; move(m, dx, dy, 1); move(m, -dx, -dy, 1); }
    });
    const got = drain(m);
    assert.ok(got.every(([, a]) => a), "all from the aux side");
    assert.ok(got.length >= 9 && got.length <= MOUSE_QUEUE + 6, `${got.length} bytes from a ${MOUSE_QUEUE}-byte queue`);
    assert.equal(got.length % 3, 0, "whole 3-byte packets");
    for (let i = 0; i < got.length; i += 3) assert.equal(got[i]![0] & 0x08, 0x08, `packet ${i / 3}: byte 0 has the always-1 bit`);
    // with the guest reading as it goes, motion keeps flowing in whole packets
    for (let i = 0; i < 50; i++) move(m, 3, -3);
    assert.equal(drain(m).length % 3, 0);
    assertServing(m, "ps2");
  });

  // Class (QEMU pckbd/ps2 command handling: command bytes while replies are pending, arguments
  // that are commands): 20000 random bytes to the keyboard and to the mouse, never read back.
  it("keyboard and mouse command floods: replies bounded, devices answer afterwards", () => {
    const m = ps2();
    const rnd = rng(0x8042);
    bounded("20000 command bytes", 10_000, () => {
      for (let i = 0; i < 10000; i++) m.guest.outb(DATA, rnd() & 0xff);
      m.guest.outb(CMD, 0xa8);
      for (let i = 0; i < 5000; i++) { m.guest.outb(CMD, 0xd4); m.guest.outb(DATA, rnd() & 0xff); }
    });
    const got = drain(m);
    assert.ok(got.length <= 2 * REPLY_QUEUE + 2, `${got.length} reply bytes pending after the flood`);
    // recover the way drivers do: reset wrap mode, reset both devices
    aux(m, 0xec);
    assert.deepEqual(aux(m, 0xff), [0xfa, 0xaa, 0x00], "mouse reset: ACK, BAT OK, ID 0");
    m.guest.outb(DATA, 0xff);
    assert.deepEqual(drain(m).map(([b]) => b), [0xfa, 0xaa], "keyboard reset: ACK, BAT OK");
    m.guest.outb(DATA, 0xee);
    assert.deepEqual(drain(m).map(([b]) => b), [0xee], "ECHO");
    assertServing(m, "ps2");
  });

  it("mouse wrap-mode echo flood and controller command flood stay bounded", () => {
    const m = ps2();
    m.guest.outb(CMD, 0xa8);
    assert.deepEqual(aux(m, 0xee), [0xfa], "wrap mode");
    bounded("echo flood", 5000, () => { for (let i = 0; i < 3000; i++) { m.guest.outb(CMD, 0xd4); m.guest.outb(DATA, i & 0x7f); } });
    assert.ok(drain(m).length <= REPLY_QUEUE + 1, "echoes do not accumulate past the reply queue");
    assert.deepEqual(aux(m, 0xec), [0xfa], "wrap off");
    // every controller command, with random data after each, never reading
    const rnd = rng(0x64);
    let resets = 0;
    m.sim.onShutdown = () => { resets++; };
    bounded("controller command flood", 10_000, () => {
      for (let round = 0; round < 20; round++) {
        for (let c = 0; c < 256; c++) {
          m.guest.outb(CMD, c);
          if (rnd() & 1) m.guest.outb(DATA, rnd() & 0xff);
        }
      }
    });
    const left = drain(m).length;
    assert.ok(left <= 2 + 2 * REPLY_QUEUE, `${left} bytes pending: more than the output buffer, the controller slot and two reply queues`);
    assert.ok(resets > 0, "pulse/output-port resets reached the platform");
    m.guest.outb(CMD, 0xaa);
    assert.deepEqual(drain(m).map(([b]) => b), [0x55], "self test passes afterwards");
    m.guest.outb(CMD, 0x60); m.guest.outb(DATA, 0x47);
    m.guest.outb(CMD, 0x20);
    assert.deepEqual(drain(m).map(([b]) => b), [0x47], "CTR reads back");
    assertServing(m, "ps2");
  });

  it("a key held for 10 s of typematic repeat with nobody reading stays bounded", () => {
    const m = ps2();
    key(m, KEY_A, true);
    bounded("10 s of typematic", 5000, () => { for (let i = 0; i < 100; i++) m.guest.wait(100_000_000); });
    key(m, KEY_A, false);
    const got = drain(m);
    assert.ok(got.length <= KBD_QUEUE + 2, `${got.length} bytes after 10 s of repeat`);
    assert.ok(got.length >= KBD_QUEUE / 2, "the repeat did fill the queue");
    assert.deepEqual(drain(m), [], "nothing more pending");
    assertServing(m, "ps2");
  });
});
