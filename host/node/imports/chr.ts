// The chr capability's imports: bytes a device sends to its character backend, and the receive
// room it reports (the runtime's flow control delivers queued input as far as that allows).
import type { ImportContext, ImportFns } from "./index.ts";

export function chrImports(c: ImportContext): Pick<ImportFns, "chr_send" | "chr_rx_room"> {
  const { rt, getDev, spec, mem, inMem } = c;
  return {
    chr_send(ptr, len) {
      if (!inMem(ptr, len) || !spec.chr) return;
      spec.chr.write(mem().slice(ptr >>> 0, (ptr >>> 0) + (len >>> 0)));
    },
    chr_rx_room(room) {
      const dev = getDev();
      dev.chrRoom = room < 0 ? 0 : room;
      rt.deferChrPump(dev);
    },
  };
}
