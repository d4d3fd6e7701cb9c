// The CMOS split Xen makes (xen/arch/x86/hvm/rtc.c): the hypervisor's RTC answers indexes 0–13;
// a write to port 0x70 selecting index ≥ 14, and every data access on 0x71 while such an index is
// selected, go to the device model as PIO ioreqs (our CMOS NVRAM device). Reads of 0x70 return
// 0xFF while Xen handles the index; accesses wider than a byte read all-ones and are dropped.
import type { V86Cpu, V86PortEntry } from "./v86-types.ts";
import type { XenSim } from "../node/xen-sim.ts";
import { DIR_READ, DIR_WRITE } from "../node/ioreq.ts";
import { SPLIT } from "./v86-owners.ts";

export const RTC_REGISTERS = 14;

export class CmosSplit {
  private index = 0;
  readonly counts = { rtc: 0, forwarded: 0 };

  constructor(private readonly cpu: V86Cpu, private readonly sim: XenSim, private readonly beforeAccess: () => void) {}

  install(): void {
    const io = this.cpu.io;
    const rtcIndex: V86PortEntry = { ...io.ports[0x70]! };
    const rtcData: V86PortEntry = { ...io.ports[0x71]! };
    const fwd = (port: number, dir: number, v = 0): number => {
      this.counts.forwarded++;
      this.beforeAccess();
      return this.sim.pio(0, port, 1, dir, v & 0xff) & 0xff;
    };
    io.register_read(0x70, SPLIT, () => (this.index < RTC_REGISTERS ? 0xff : fwd(0x70, DIR_READ)), () => 0xffff, () => -1);
    io.register_write(0x70, SPLIT, (v) => {
      this.index = v & 0x7f;
      if (this.index < RTC_REGISTERS) { this.counts.rtc++; rtcIndex.write8.call(rtcIndex.device, v); }
      else fwd(0x70, DIR_WRITE, v);
    }, () => {}, () => {});
    io.register_read(0x71, SPLIT, () => {
      if (this.index >= RTC_REGISTERS) return fwd(0x71, DIR_READ);
      this.counts.rtc++;
      return rtcData.read8.call(rtcData.device, 0x71);
    }, () => 0xffff, () => -1);
    io.register_write(0x71, SPLIT, (v) => {
      if (this.index >= RTC_REGISTERS) { fwd(0x71, DIR_WRITE, v); return; }
      this.counts.rtc++;
      rtcData.write8.call(rtcData.device, v);
    }, () => {}, () => {});
  }
}
