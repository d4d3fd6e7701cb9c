// e1000 interrupts: ICR read-to-clear and write-1-to-clear, ICS, IMS/IMC, the line (INTA through
// PIRQ link 3 to IRQ 11) and the PCI INTx-disable/status bits, ITR throttling, RDTR/RADV and
// TIDV/TADV delay timers, and LSC from backend link events, all on the virtual clock.
import { strict as assert } from "node:assert";
import {
  nic, noFailures, setupRx, setupTx, txd, receive, R, MAC, PEER_MAC, TX_DATA, IRQ, BDF,
  ICR_TXDW, ICR_TXQE, ICR_LSC, ICR_RXT0, EOP, RS, IDE, ether, pattern, type Nic,
} from "./e1000-harness.test.ts";

const US = 1000;
const frame = (seed = 1) => ether(MAC, PEER_MAC, 0x88b5, pattern(100, seed));
const linkEvent = (n: Nic, up: boolean) => n.m.rt.deliverEvent(n.m.rt.device("e1000"), 7, null, up ? 1 : 0);

describe("e1000: interrupt causes and masks", () => {
  it("ICS sets causes, IMS/IMC mask them, ICR reads and clears; the line follows ICR & IMS", () => {
    const n = nic();
    n.w(R.ICS, 0x0210);
    assert.equal(n.g.irq(IRQ), false, "masked");
    assert.equal(n.r(R.ICS), 0x0210, "ICS reads as ICR (QEMU's mirror) without clearing");
    n.w(R.IMS, 0x0010);
    assert.equal(n.r(R.IMS), 0x0010);
    assert.equal(n.g.irq(IRQ), true);
    n.w(R.IMC, 0x0010);
    assert.equal(n.r(R.IMS), 0);
    assert.equal(n.g.irq(IRQ), false);
    n.w(R.IMS, 0x0200);
    assert.equal(n.g.irq(IRQ), true);
    const icr = n.r(R.ICR);
    assert.equal(icr, 0x0210, "both causes, no INT_ASSERTED bit 31 on an 82540");
    assert.equal(n.r(R.ICR), 0, "read cleared them");
    assert.equal(n.g.irq(IRQ), false);
    assert.equal(n.r(R.IMC), 0, "IMC is write-only");
    noFailures(n);
  });

  it("ICR writes clear the written bits only", () => {
    const n = nic();
    n.w(R.IMS, 0xffffffff);
    n.w(R.ICS, ICR_TXDW | ICR_LSC);
    n.w(R.ICR, ICR_TXDW);
    assert.equal(n.g.irq(IRQ), true);
    n.w(R.ICR, ICR_LSC);
    assert.equal(n.g.irq(IRQ), false);
    assert.equal(n.r(R.IMS), 0x1ffff, "only the 82540's causes are maskable");
    noFailures(n);
  });

  it("honours the PCI INTx-disable bit and reports the pending level in PCI status", () => {
    const n = nic();
    n.w(R.IMS, ICR_TXDW);
    n.w(R.ICS, ICR_TXDW);
    assert.equal(n.g.pciRead(BDF, 0x06, 2) & 0x8, 0x8, "interrupt status");
    n.g.pciWrite(BDF, 0x04, 2, 0x0407);
    assert.equal(n.g.irq(IRQ), false);
    n.g.pciWrite(BDF, 0x04, 2, 0x0007);
    assert.equal(n.g.irq(IRQ), true);
    n.r(R.ICR);
    assert.equal(n.g.pciRead(BDF, 0x06, 2) & 0x8, 0);
    noFailures(n);
  });
});

describe("e1000: interrupt throttling and delay timers (virtual time)", () => {
  it("ITR spaces line assertions by ITR x 256 ns", () => {
    const n = nic();
    n.w(R.ITR, 1000); // 256 us
    n.w(R.IMS, ICR_TXDW);
    n.w(R.ICS, ICR_TXDW);
    assert.equal(n.g.irq(IRQ), true, "the first assertion is immediate");
    n.r(R.ICR);
    n.g.wait(100 * US);
    n.w(R.ICS, ICR_TXDW);
    assert.equal(n.g.irq(IRQ), false, "held back inside the window");
    n.g.wait(155 * US);
    assert.equal(n.g.irq(IRQ), false, "255 us");
    n.g.wait(2 * US);
    assert.equal(n.g.irq(IRQ), true, "257 us: released");
    n.r(R.ICR);
    // a cause that arrives after the window is over asserts at once
    n.g.wait(600 * US);
    n.w(R.ICS, ICR_TXDW);
    assert.equal(n.g.irq(IRQ), true);
    noFailures(n);
  });

  it("counts assertions: 100 causes in 1 ms with ITR 256 us give at most 5 interrupts", () => {
    const n = nic();
    n.w(R.ITR, 1000);
    n.w(R.IMS, ICR_TXDW);
    let rises = 0;
    let prev = false;
    for (let i = 0; i < 100; i++) {
      n.w(R.ICS, ICR_TXDW);
      const now = n.g.irq(IRQ);
      if (now && !prev) { rises++; n.r(R.ICR); }
      prev = n.g.irq(IRQ);
      n.g.wait(10 * US);
      const later = n.g.irq(IRQ);
      if (later && !prev) { rises++; n.r(R.ICR); }
      prev = n.g.irq(IRQ);
    }
    assert.ok(rises >= 3 && rises <= 5, `rises ${rises}`);
    noFailures(n);
  });

  it("RDTR delays RXT0 and re-arms per packet; RADV bounds the delay; FPD flushes", () => {
    const n = nic();
    setupRx(n, 32);
    n.w(R.IMS, ICR_RXT0);
    n.w(R.RDTR, 100); // 102.4 us
    receive(n, frame());
    assert.equal(n.g.irq(IRQ), false);
    n.g.wait(102 * US);
    assert.equal(n.g.irq(IRQ), false);
    n.g.wait(1 * US);
    assert.equal(n.g.irq(IRQ), true, "RXT0 after 102.4 us");
    n.r(R.ICR);
    // packets every 50 us keep re-arming RDTR; RADV = 300 (307.2 us) forces RXT0
    n.w(R.RADV, 300);
    for (let k = 0; k < 6; k++) {
      receive(n, frame(k));
      assert.equal(n.g.irq(IRQ), false, `packet ${k}`);
      n.g.wait(50 * US);
    }
    n.g.wait(8 * US);
    assert.equal(n.g.irq(IRQ), true, "RADV fired at 307.2 us");
    n.r(R.ICR);
    receive(n, frame(9));
    assert.equal(n.g.irq(IRQ), false);
    n.w(R.RDTR, 0x80000000 | 100);
    assert.equal(n.g.irq(IRQ), true, "FPD flushes the pending RXT0");
    assert.equal(n.r(R.RDTR), 100, "FPD self-clears");
    noFailures(n);
  });

  it("TIDV delays TXDW for IDE descriptors (TADV bounds it); TXQE is immediate", () => {
    const n = nic();
    setupTx(n, 16);
    n.w(R.TIDV, 64); // 65.5 us
    n.w(R.TADV, 100); // 102.4 us
    n.w(R.IMS, ICR_TXDW);
    const f = ether(PEER_MAC, MAC, 0x88b5, pattern(60));
    n.g.poke(TX_DATA, f);
    txd(n, 0, TX_DATA, f.length | EOP | RS | IDE);
    n.w(R.TDT, 1);
    assert.equal(n.g.irq(IRQ), false);
    assert.equal(n.r(R.ICS) & ICR_TXQE, ICR_TXQE, "queue empty reported at once");
    n.g.wait(65 * US);
    assert.equal(n.g.irq(IRQ), false);
    n.g.wait(1 * US);
    assert.equal(n.g.irq(IRQ), true, "TXDW after 65.5 us");
    n.r(R.ICR);
    for (let k = 1; k < 4; k++) {
      txd(n, k, TX_DATA, f.length | EOP | RS | IDE);
      n.w(R.TDT, k + 1);
      n.g.wait(40 * US);
      if (k < 3) assert.equal(n.g.irq(IRQ), false);
    }
    assert.equal(n.g.irq(IRQ), true, "TADV 102.4 us after the first write-back despite TIDV re-arming");
    // without IDE: immediate
    n.r(R.ICR);
    txd(n, 4, TX_DATA, f.length | EOP | RS);
    n.w(R.TDT, 5);
    assert.equal(n.g.irq(IRQ), true);
    noFailures(n);
  });
});

describe("e1000: link state changes", () => {
  it("backend carrier loss drops STATUS.LU with LSC; carrier return renegotiates for 500 ms", () => {
    const n = nic();
    n.w(R.IMS, ICR_LSC);
    linkEvent(n, false);
    assert.equal(n.r(R.STATUS) & 2, 0);
    assert.equal(n.g.irq(IRQ), true);
    assert.equal(n.r(R.ICR), ICR_LSC);
    linkEvent(n, true);
    assert.equal(n.r(R.STATUS) & 2, 0, "negotiating");
    assert.equal(n.g.irq(IRQ), false);
    n.g.wait(500_000_000);
    assert.equal(n.r(R.STATUS) & 2, 2);
    assert.equal(n.r(R.ICR), ICR_LSC);
    noFailures(n);
  });

  it("starts with the link down when configured so; CTRL.SLU gates the MAC link", () => {
    const n = nic({ config: "mac=52:54:00:12:34:56,link=down" });
    assert.equal(n.r(R.STATUS) & 2, 0);
    linkEvent(n, true);
    n.g.wait(500_000_000);
    assert.equal(n.r(R.STATUS) & 2, 2);
    n.w(R.IMS, ICR_LSC);
    n.w(R.CTRL, n.r(R.CTRL) & ~0x40);
    assert.equal(n.r(R.STATUS) & 2, 0, "SLU cleared");
    assert.equal(n.r(R.ICR), ICR_LSC);
    n.w(R.CTRL, n.r(R.CTRL) | 0x40);
    assert.equal(n.r(R.STATUS) & 2, 2);
    noFailures(n);
  });
});
