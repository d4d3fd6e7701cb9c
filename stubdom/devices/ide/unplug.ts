// Xen's emulated-device unplug (EVENT_UNPLUG from the Xen platform device, docs/abi.md): the IDE
// disks leave as QEMU's ide-hd devices do — UNPLUG_IDE_DISKS all of them, UNPLUG_AUX_IDE_DISKS
// (unless with IDE_DISKS) all but the primary master — and their units report no device from then
// on, resets included; CD-ROMs stay. QEMU then resets the whole PCI function; here only the
// channels that lost a drive are reset as at power-on: a PCI reset would also clear IDETIM's
// decode bits, which our PIIX3 honours (pcifn.ts), and take the CD-ROMs off the bus with it.
import { UNPLUG_IDE_DISKS, UNPLUG_AUX_IDE_DISKS, LOG_INFO } from "../../lib/abi";
import { logCounted } from "../../lib/log";
import { driveAt, channelAt, channelDrive, KIND_DISK, KIND_NONE } from "./state";
import { channelReset } from "./taskfile";
import { bmReset } from "./busmaster";
import { drivePowerOn } from "./drives";
import { resetIrq } from "./irq";

export function unplugDisks(mask: i32): void {
  const all = (mask & UNPLUG_IDE_DISKS) != 0;
  if (!all && (mask & UNPLUG_AUX_IDE_DISKS) == 0) return;
  let channels = 0;
  for (let u = all ? 0 : 1; u < 4; u++) {
    const d = driveAt(u);
    if (d.kind != KIND_DISK) continue;
    d.kind = KIND_NONE;
    channels |= 1 << (u >> 1);
  }
  for (let i = 0; i < 2; i++) {
    if ((channels & (1 << i)) == 0) continue;
    const ch = channelAt(i);
    drivePowerOn(channelDrive(ch, 0));
    drivePowerOn(channelDrive(ch, 1));
    bmReset(ch);
    channelReset(ch);
    resetIrq(ch);
  }
  if (channels != 0) logCounted(LOG_INFO, "ide: unplugged (Xen platform device): the IDE disks report no device");
}
