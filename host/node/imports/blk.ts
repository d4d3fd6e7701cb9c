// The blk capability's imports: a unit's geometry and flags, and requests to its block backend,
// completed by dev_event(BLK_DONE) always after blk_submit has returned.
import { EVENT, BLK_INFO, BLK_FLAG, BLK_STATUS, BLK_OP } from "../abi.ts";
import type { ImportContext, ImportFns } from "./index.ts";

const TWO32 = 0x1_0000_0000;

export function blkImports(c: ImportContext): Pick<ImportFns, "blk_info" | "blk_submit"> {
  const { rt, getDev, spec, mem, inMem, u64 } = c;
  return {
    blk_info(unit, what) {
      const b = spec.blk?.[unit];
      if (!b) return what === BLK_INFO.FLAGS ? 0 : 0;
      switch (what) {
        case BLK_INFO.SECTORS_LO: return b.present ? b.sectors % TWO32 | 0 : 0;
        case BLK_INFO.SECTORS_HI: return b.present ? Math.floor(b.sectors / TWO32) | 0 : 0;
        case BLK_INFO.SECTOR_SIZE: return b.sectorSize;
        case BLK_INFO.FLAGS: return (b.present ? BLK_FLAG.PRESENT : 0) | (b.readOnly ? BLK_FLAG.READONLY : 0) | (b.removable ? BLK_FLAG.REMOVABLE : 0);
        default: return 0;
      }
    },
    blk_submit(unit, op, lbaLo, lbaHi, ptr, sectors, tag) {
      const dev = getDev();
      const b = spec.blk?.[unit];
      // Completion: dev_event(BLK_DONE, tag, status), always after blk_submit has returned.
      const complete = (s: number): void => rt.defer(() => rt.deliverEvent(dev, EVENT.BLK_DONE, null, tag, s));
      if (!b) { complete(BLK_STATUS.NOMEDIA); return 0; }
      const bytes = (sectors >>> 0) * b.sectorSize;
      if (op !== BLK_OP.FLUSH && (sectors <= 0 || !inMem(ptr, bytes))) { complete(BLK_STATUS.RANGE); return 0; }
      const lba = u64(lbaLo, lbaHi);
      if (!b.present) { complete(BLK_STATUS.NOMEDIA); return 0; }
      if (op !== BLK_OP.FLUSH && lba + sectors > b.sectors) { complete(BLK_STATUS.RANGE); return 0; }
      if (op === BLK_OP.WRITE && b.readOnly) { complete(BLK_STATUS.RDONLY); return 0; }
      const p = ptr >>> 0;
      const data = op === BLK_OP.WRITE ? mem().slice(p, p + bytes) : new Uint8Array(op === BLK_OP.READ ? bytes : 0);
      dev.blkInflight++; // a snapshot waits for these (snapshot.ts)
      b.submit({ op, lba, sectors, data }, (s) => {
        dev.blkInflight--;
        rt.defer(() => {
          // The device's memory may have grown: copy the read data in at completion time.
          if (s === BLK_STATUS.OK && op === BLK_OP.READ && !dev.failed) mem().set(data, p);
        });
        complete(s);
      });
      return 0;
    },
  };
}
