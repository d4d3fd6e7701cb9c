// The PC CMOS NVRAM layout firmware reads (IBM AT conventions plus the bytes SeaBIOS and QEMU
// agree on). Indexes 0–13 are the MC146818 clock and its status registers: on Xen its vRTC
// answers them and forwards only indexes ≥ 14 (and the index writes selecting them) to us.
export const RTC_REGISTERS: i32 = 14;

export const REG_FLOPPY_TYPES: i32 = 0x10;
export const REG_EQUIPMENT: i32 = 0x14;
export const REG_BASE_MEM_LO: i32 = 0x15; // base memory in KiB (640)
export const BASE_MEMORY_KIB: i64 = 640;
export const REG_EXT_MEM_LO: i32 = 0x17; // KiB above 1 MiB, up to 65535
export const REG_CHECKSUM_HI: i32 = 0x2e; // 16-bit sum of 0x10–0x2D, high byte first
export const REG_CHECKSUM_LO: i32 = 0x2f;
export const CHECKSUM_FIRST: i32 = 0x10;
export const CHECKSUM_LAST: i32 = 0x2d;
export const REG_EXT_MEM2_LO: i32 = 0x30; // copy of 0x17/0x18
export const REG_CENTURY: i32 = 0x32; // BCD century (the ACPI FADT century index on Xen and QEMU)
export const REG_MEM_ABOVE_16M_LO: i32 = 0x34; // 64 KiB units above 16 MiB, below 4 GiB
export const REG_PS2_CENTURY: i32 = 0x37; // the same century byte, PS/2 location
export const REG_BOOT_FLAG1: i32 = 0x38; // bits 7:4 third boot device; bit 0: skip floppy signature check
export const REG_BOOT_FLAG2: i32 = 0x3d; // bits 3:0 first, 7:4 second boot device
export const REG_MEM_ABOVE_4G: i32 = 0x5b; // 64 KiB units above 4 GiB, 24 bits (0x5B–0x5D)
export const REG_CPU_COUNT: i32 = 0x5f; // number of CPUs − 1 (SeaBIOS's CMOS fallback)

// Equipment byte: a math coprocessor and a PS/2 mouse, no floppy drives, VGA (bits 5:4 = 00).
export const EQUIPMENT_FPU: u8 = 0x02;
export const EQUIPMENT_PS2_MOUSE: u8 = 0x04;

// Boot device codes in 0x3D/0x38, as SeaBIOS decodes them.
export const BOOT_NONE: u8 = 0;
export const BOOT_FLOPPY: u8 = 1;
export const BOOT_DISK: u8 = 2;
export const BOOT_CDROM: u8 = 3;
export const BOOT_NETWORK: u8 = 4;

export const BANK_SIZE: i32 = 128;
export const INDEX_MASK: u8 = 0x7f; // bit 7 of an index write is the NMI mask (Xen's business)
