// Power-on contents of the NVRAM from the machine configuration, the way firmware reads them:
// memory sizes, equipment byte, boot order, CPU count, century, and the checksum over 0x10–0x2D.
import { S } from "./state";
import {
  REG_EQUIPMENT, REG_BASE_MEM_LO, REG_EXT_MEM_LO, REG_EXT_MEM2_LO, REG_MEM_ABOVE_16M_LO,
  REG_MEM_ABOVE_4G, REG_CPU_COUNT, REG_BOOT_FLAG1, REG_BOOT_FLAG2, REG_CENTURY, REG_PS2_CENTURY,
  REG_CHECKSUM_HI, REG_CHECKSUM_LO, CHECKSUM_FIRST, CHECKSUM_LAST, EQUIPMENT_FPU, EQUIPMENT_PS2_MOUSE,
  BASE_MEMORY_KIB,
} from "./layout";

export class MachineFacts {
  lowMiB: i64 = 16; // RAM below 4 GiB
  highMiB: i64 = 0; // RAM above 4 GiB
  cpus: i32 = 1;
  boot: StaticArray<u8> = new StaticArray<u8>(3); // BOOT_* codes, first to third
  century: i32 = 20;
}

function put16(reg: i32, v: i64): void {
  S.bytes[reg] = <u8>(v & 0xff);
  S.bytes[reg + 1] = <u8>((v >> 8) & 0xff);
}

function bcd(v: i32): u8 {
  return <u8>(((v / 10) << 4) | (v % 10));
}

export function checksum(): u16 {
  let sum: u16 = 0;
  for (let i = CHECKSUM_FIRST; i <= CHECKSUM_LAST; i++) sum += <u16>S.bytes[i];
  return sum;
}

export function fillContents(f: MachineFacts): void {
  for (let i = 0; i < S.bytes.length; i++) S.bytes[i] = 0;
  S.bytes[REG_EQUIPMENT] = EQUIPMENT_FPU | EQUIPMENT_PS2_MOUSE;
  put16(REG_BASE_MEM_LO, BASE_MEMORY_KIB);
  const extKiB = min<i64>(max<i64>(f.lowMiB * 1024 - 1024, 0), 65535);
  put16(REG_EXT_MEM_LO, extKiB);
  put16(REG_EXT_MEM2_LO, extKiB);
  put16(REG_MEM_ABOVE_16M_LO, f.lowMiB > 16 ? min<i64>((f.lowMiB - 16) * 16, 65535) : 0);
  const high64k = min<i64>(f.highMiB * 16, 0xffffff);
  put16(REG_MEM_ABOVE_4G, high64k);
  S.bytes[REG_MEM_ABOVE_4G + 2] = <u8>(high64k >> 16);
  S.bytes[REG_CPU_COUNT] = <u8>(f.cpus - 1);
  S.bytes[REG_BOOT_FLAG2] = f.boot[0] | (f.boot[1] << 4);
  S.bytes[REG_BOOT_FLAG1] = f.boot[2] << 4; // bit 0 clear: floppy signature check on
  S.bytes[REG_CENTURY] = bcd(f.century);
  S.bytes[REG_PS2_CENTURY] = bcd(f.century);
  const sum = checksum();
  S.bytes[REG_CHECKSUM_HI] = <u8>(sum >> 8);
  S.bytes[REG_CHECKSUM_LO] = <u8>sum;
}
