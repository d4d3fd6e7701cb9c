// The NVRAM's whole state, in one object `S`: its bytes (battery-backed: a guest reset keeps
// them) and the two index registers. `size` is 128 or 256 (configuration). All of it is true
// state: there are no caches.
import { BANK_SIZE } from "./layout";

export class NvramState {
  bytes: StaticArray<u8> = new StaticArray<u8>(2 * BANK_SIZE);
  size: i32 = BANK_SIZE;
  index: u8 = 0; // port 0x70: lower bank
  indexHigh: u8 = 0; // port 0x72: upper bank
}

export const S = new NvramState();
