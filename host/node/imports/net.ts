// The net capability's import: a frame a device sends to its network backend.
import type { ImportContext, ImportFns } from "./index.ts";

export function netImports(c: ImportContext): Pick<ImportFns, "net_send"> {
  const { spec, mem, inMem } = c;
  return {
    net_send(ptr, len) {
      if (!inMem(ptr, len) || !spec.net) return;
      spec.net.send(mem().slice(ptr >>> 0, (ptr >>> 0) + (len >>> 0)));
    },
  };
}
