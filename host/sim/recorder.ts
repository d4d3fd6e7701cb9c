// Record mode (`stubdom boot --record FILE`): sits between the simulator and the stub-domain
// runtime (it is the StubDomain the simulator kicks) and writes every request the runtime serves,
// in order, as one JSON object per line: synchronous ioreqs with the response data, buffered
// writes as they are drained. Virtual time `t` (ns) is included so a replay can fire timers at the
// same points. Fields: t, k ("io" | "buf"), type (0 PIO, 1 COPY/MMIO, 2 PCI_CONFIG, …), dir (1 =
// read), addr, sbdf (PCI_CONFIG), size, count, ptr (data_is_ptr), df, data (write value or
// string buffer address), resp (read result, as two 32-bit halves when size is 8).
import { openSync, writeSync, closeSync } from "node:fs";
import type { StubDomain } from "../node/xen-sim.ts";
import type { IoreqPage, BufIoreqPage } from "../node/ioreq.ts";
import { STATE_IOREQ_READY, DIR_READ, IOREQ_TYPE_PCI_CONFIG } from "../node/ioreq.ts";
import type { VirtualClock } from "../node/clock.ts";

export class IoreqRecorder implements StubDomain {
  lines = 0;

  constructor(private readonly inner: StubDomain, private readonly clock: VirtualClock, private readonly sink: (line: string) => void) {}

  serviceEvent(page: IoreqPage, buf: BufIoreqPage | null): number {
    if (buf) this.recordBuffered(buf);
    const pending: Array<{ vcpu: number; rec: Record<string, unknown> }> = [];
    for (let vcpu = 0; vcpu < page.slots; vcpu++) {
      if (page.state(vcpu) !== STATE_IOREQ_READY) continue;
      const r = page.read(vcpu);
      const rec: Record<string, unknown> = { t: Number(this.clock.now()), k: "io", vcpu, type: r.type, dir: r.dir, addr: r.addr, size: r.size };
      if (r.type === IOREQ_TYPE_PCI_CONFIG) rec["sbdf"] = page.addrHigh(vcpu);
      if (r.count !== 1) rec["count"] = r.count;
      if (r.dataIsPtr) rec["ptr"] = 1;
      if (r.df) rec["df"] = 1;
      if (r.dir !== DIR_READ || r.dataIsPtr) rec["data"] = r.size === 8 && !r.dataIsPtr ? [page.dataLo(vcpu), page.dataHi(vcpu)] : page.dataLo(vcpu);
      pending.push({ vcpu, rec });
    }
    const n = this.inner.serviceEvent(page, buf);
    for (const { vcpu, rec } of pending) {
      if (rec["dir"] === DIR_READ && !rec["ptr"]) rec["resp"] = rec["size"] === 8 ? [page.dataLo(vcpu), page.dataHi(vcpu)] : page.dataLo(vcpu);
      this.emit(rec);
    }
    return n;
  }

  drainBuffered(buf: BufIoreqPage): void {
    this.recordBuffered(buf);
    this.inner.drainBuffered(buf);
  }

  runDeferred(): void {
    this.inner.runDeferred();
  }

  private recordBuffered(buf: BufIoreqPage): void {
    const t = Number(this.clock.now());
    for (let rp = buf.readPointer; rp !== buf.writePointer; rp = (rp + 1) >>> 0) {
      const s = buf.slot(rp);
      const rec: Record<string, unknown> = { t, k: "buf", type: s.type, addr: s.addr, size: s.size, data: s.data };
      if (s.size === 8 && ((rp + 1) >>> 0) !== buf.writePointer) {
        rp = (rp + 1) >>> 0;
        rec["data"] = [s.data, buf.slot(rp).data];
      }
      this.emit(rec);
    }
  }

  private emit(rec: Record<string, unknown>): void {
    this.lines++;
    this.sink(JSON.stringify(rec));
  }
}

/** A line sink writing to a file in 64 KiB chunks; close() flushes. */
export class LineFile {
  private readonly fd: number;
  private chunk: string[] = [];
  private size = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, "w");
  }

  line = (s: string): void => {
    this.chunk.push(s);
    this.size += s.length + 1;
    if (this.size >= 65536) this.flush();
  };

  flush(): void {
    if (!this.chunk.length) return;
    writeSync(this.fd, this.chunk.join("\n") + "\n");
    this.chunk = [];
    this.size = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
