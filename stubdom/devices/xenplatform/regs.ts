// The Xen platform device's registers, as docs/misc/hvm-emulated-unplug.pandoc (Xen) and QEMU's
// hw/i386/xen/xen_platform.c define them: the PCI identity, the fixed unplug ports at 0x10–0x1F,
// the I/O BAR's offsets, the magic numbers and the unplug mask bits (stubdom/lib/abi.ts UNPLUG_*).

// PCI identity: vendor XenSource, "other" class 0xFF, subclass 0x80, prog-if 0, revision 1, the
// subsystem IDs equal to vendor/device; INTA (Xen's event-channel callback line).
export const XEN_VENDOR: u16 = 0x5853;
export const XEN_PLATFORM_DEVICE: u16 = 0x0001;
export const PLATFORM_CLASS: u32 = 0xff8000;
export const PLATFORM_REVISION: u8 = 1;
export const DEFAULT_BDF: string = "00:02.0";

// BAR0: 256 bytes of I/O, byte-wide registers (wider accesses act as bytes, low first).
export const IO_BAR_SIZE: u32 = 0x100;
// BAR1: 16 MiB prefetchable memory where PV-on-HVM guests map the grant table and shared info.
export const MMIO_BAR_SIZE: u32 = 0x1000000;
export const MMIO_BAR_REG: i32 = 0x14;
export const BAR_MEM_PREFETCH_BITS: u32 = 0x8;

export const REGION_FIXED: i32 = 0; // ports 0x10–0x1F, claimed from dev_init
export const REGION_IO: i32 = 1;    // BAR0, while I/O decode is on

export const FIXED_BASE: i32 = 0x10;
export const FIXED_LEN: i32 = 16;
// Offsets in the fixed block (0x10 and 0x12), by access size:
//   0x10: read 2 = magic, read 1 = platform flags, write 2 = unplug mask, write 4 = build number,
//         write 1 = platform flags
//   0x12: read 1 = protocol version, write 2 = product number, write 1 = a driver log byte
export const FIXED_UNPLUG: i32 = 0;
export const FIXED_PRODUCT: i32 = 2;

export const MAGIC: i32 = 0x49d2;
export const PROTOCOL_VERSION: i32 = 1;

// BAR0 offsets: 0 platform flags; 4 the old SUSE unplug (1 = disks and NICs); 8 the old VMDP
// unplug (1 = disks, 2 = NICs), any other byte there is a driver log byte.
export const IO_FLAGS: i32 = 0;
export const IO_SUSE_UNPLUG: i32 = 4;
export const IO_VMDP: i32 = 8;

// Product numbers (xen/include/public/hvm/pvdrivers.h): 1 is the first registered one.
export const PRODUCT_CITRIX_WINDOWS: i32 = 1;

// The driver log: bytes up to a newline (or a full buffer) make one line; the first LOG_SHOWN
// lines since the last reset are logged, later ones counted.
export const LOG_LINE_MAX: i32 = 200;
export const LOG_SHOWN: u32 = 64;
