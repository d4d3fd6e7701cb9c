// The PIIX3 reset control register at I/O port 0xCF9. Bit 1 (SRST) selects a hard (1) or soft
// (0) reset; a 0→1 transition of bit 2 (RCPU) starts it: platform(PLATFORM_RESET, hard, 0). A
// device model cannot INIT the CPUs alone, so a soft reset also asks for a guest reset (QEMU does
// the same). Reads return SRST only (RCPU is an action bit), matching QEMU.
import { platform, PLATFORM_RESET } from "../../lib/abi";
import { S } from "./state";

export const RCR_PORT: i32 = 0xcf9;
const RCR_SRST: u8 = 0x02;
const RCR_RCPU: u8 = 0x04;

export function rcrRead(): u8 {
  return S.rcr & RCR_SRST;
}

export function rcrWrite(v: u8): void {
  const rising = (v & RCR_RCPU) != 0 && (S.rcr & RCR_RCPU) == 0;
  S.rcr = v & (RCR_SRST | RCR_RCPU);
  if (rising) platform(PLATFORM_RESET, (v & RCR_SRST) != 0 ? 1 : 0, 0);
}

export function rcrReset(): void {
  S.rcr = 0;
}
