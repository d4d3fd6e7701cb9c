// Register offsets (into BAR0) and bit definitions of the Intel 82540EM, named as in Intel's
// "PCI/PCI-X Family of Gigabit Ethernet Controllers Software Developer's Manual" (8254x) and
// Linux's e1000_hw.h. Only constants live here; behaviour is in the register table (regtable.ts),
// mmio.ts and the unit files.

// --- general ----------------------------------------------------------------------------------
export const CTRL: i32 = 0x0000;
export const STATUS: i32 = 0x0008;
export const EECD: i32 = 0x0010;
export const EERD: i32 = 0x0014;
export const CTRL_EXT: i32 = 0x0018;
export const MDIC: i32 = 0x0020;
export const FCAL: i32 = 0x0028;
export const FCAH: i32 = 0x002c;
export const FCT: i32 = 0x0030;
export const VET: i32 = 0x0038;
export const ICR: i32 = 0x00c0;
export const ITR: i32 = 0x00c4;
export const ICS: i32 = 0x00c8;
export const IMS: i32 = 0x00d0;
export const IMC: i32 = 0x00d8;
export const RCTL: i32 = 0x0100;
export const FCTTV: i32 = 0x0170;
export const TXCW: i32 = 0x0178;
export const RXCW: i32 = 0x0180;
export const TCTL: i32 = 0x0400;
export const TIPG: i32 = 0x0410;
export const LEDCTL: i32 = 0x0e00;
export const PBA: i32 = 0x1000;
export const FCRTL: i32 = 0x2160;
export const FCRTH: i32 = 0x2168;
export const RDBAL: i32 = 0x2800;
export const RDBAH: i32 = 0x2804;
export const RDLEN: i32 = 0x2808;
export const RDH: i32 = 0x2810;
export const RDT: i32 = 0x2818;
export const RDTR: i32 = 0x2820;
export const RADV: i32 = 0x282c;
export const RSRPD: i32 = 0x2c00;
export const TDBAL: i32 = 0x3800;
export const TDBAH: i32 = 0x3804;
export const TDLEN: i32 = 0x3808;
export const TDH: i32 = 0x3810;
export const TDT: i32 = 0x3818;
export const TIDV: i32 = 0x3820;
export const TXDCTL: i32 = 0x3828;
export const TADV: i32 = 0x382c;
export const STATS_FIRST: i32 = 0x4000;
export const STATS_LAST: i32 = 0x40fc;
export const RXCSUM: i32 = 0x5000;
export const MTA: i32 = 0x5200; // 128 dwords
export const MTA_END: i32 = 0x5400;
export const RA: i32 = 0x5400; // 16 pairs RAL/RAH
export const RA_END: i32 = 0x5480;
export const VFTA: i32 = 0x5600; // 128 dwords
export const VFTA_END: i32 = 0x5800;
export const WUC: i32 = 0x5800;
export const WUFC: i32 = 0x5808;
export const WUS: i32 = 0x5810;
export const MANC: i32 = 0x5820;
export const IPAV: i32 = 0x5838;
export const IP4AT: i32 = 0x5840; // 4 entries at 8-byte stride
export const IP4AT_END: i32 = 0x5860;
export const FFLT: i32 = 0x5f00; // 4 entries at 8-byte stride
export const FFLT_END: i32 = 0x5f20;
export const WUPM: i32 = 0x5a00; // 32 dwords
export const WUPM_END: i32 = 0x5a80;
export const FFMT: i32 = 0x9000; // 128 entries at 8-byte stride
export const FFMT_END: i32 = 0x9400;
export const FFVT: i32 = 0x9800; // 128 entries at 8-byte stride
export const FFVT_END: i32 = 0x9c00;

export const BAR0_SIZE: u32 = 0x20000;
export const BAR1_SIZE: u32 = 64;
// The dword-aligned offsets of BAR0 (an IOADDR value is masked the same way).
export const REG_OFFSET_MASK: i32 = 0x1fffc;
// I/O window (BAR1)
export const IOADDR: i32 = 0x00;
export const IODATA: i32 = 0x04;
export const IO_WINDOW_MASK: i32 = 0x3f;

// --- reset values of the plain registers that are not 0 ---------------------------------------
export const VET_RESET_VALUE: u32 = 0x8100; // 802.1Q
export const LEDCTL_RESET_VALUE: u32 = 0x00000602;
export const PBA_RESET_VALUE: u32 = 0x00100030;
export const MANC_RESET_VALUE: u32 = 0x00222300; // as QEMU (ARP_EN among them; Linux clears it at reset)

// The interval fields of ITR, RDTR, RADV, TIDV and TADV (bits 15:0).
export const INTERVAL_MASK: u32 = 0xffff;

// --- CTRL -------------------------------------------------------------------------------------
export const CTRL_FD: u32 = 0x00000001;
export const CTRL_SLU: u32 = 0x00000040;
export const CTRL_SPD_1000: u32 = 0x00000200;
export const CTRL_SWDPIN0: u32 = 0x00040000;
export const CTRL_SWDPIN2: u32 = 0x00100000;
export const CTRL_RST: u32 = 0x04000000;
export const CTRL_VME: u32 = 0x40000000;
export const CTRL_PHY_RST: u32 = 0x80000000;
export const CTRL_RESET_VALUE: u32 = CTRL_SWDPIN2 | CTRL_SWDPIN0 | CTRL_SPD_1000 | CTRL_SLU;

// --- STATUS -----------------------------------------------------------------------------------
export const STATUS_FD: u32 = 0x00000001;
export const STATUS_LU: u32 = 0x00000002;
export const STATUS_TXOFF: u32 = 0x00000010;
export const STATUS_SPEED_1000: u32 = 0x00000080;
// Full duplex, link up, 1000 Mb/s, auto-speed-detect value 1000 and the upper bits QEMU reports
// (GIO master enable bit 19, bit 31); measured from QEMU 7.2, see docs/devices/e1000.md.
export const STATUS_RESET_VALUE: u32 = 0x80080783;

// --- EECD / EERD --------------------------------------------------------------------------------
export const EECD_SK: u32 = 0x001;
export const EECD_CS: u32 = 0x002;
export const EECD_DI: u32 = 0x004;
export const EECD_DO: u32 = 0x008;
export const EECD_FWE_MASK: u32 = 0x030;
export const EECD_REQ: u32 = 0x040;
export const EECD_GNT: u32 = 0x080;
export const EECD_PRES: u32 = 0x100;
export const EECD_SIZE: u32 = 0x200; // 0 = 64 words (93C46)
export const EECD_WRITABLE: u32 = EECD_SK | EECD_CS | EECD_DI | EECD_FWE_MASK | EECD_REQ;
export const EERD_START: u32 = 0x00000001;
export const EERD_DONE: u32 = 0x00000010;
export const EERD_ADDR_SHIFT: u32 = 8;
export const EERD_ADDR_MASK: u32 = 0x0000ff00;
export const EERD_DATA_SHIFT: u32 = 16;

// --- MDIC -------------------------------------------------------------------------------------
export const MDIC_DATA_MASK: u32 = 0x0000ffff;
export const MDIC_REG_SHIFT: u32 = 16;
export const MDIC_PHY_SHIFT: u32 = 21;
export const MDIC_OP_WRITE: u32 = 0x04000000;
export const MDIC_OP_READ: u32 = 0x08000000;
export const MDIC_READY: u32 = 0x10000000;
export const MDIC_IE: u32 = 0x20000000;
export const MDIC_ERROR: u32 = 0x40000000;

// --- interrupt causes (ICR/ICS/IMS/IMC) ---------------------------------------------------------
export const ICR_TXDW: u32 = 0x00000001;
export const ICR_TXQE: u32 = 0x00000002;
export const ICR_LSC: u32 = 0x00000004;
export const ICR_RXSEQ: u32 = 0x00000008;
export const ICR_RXDMT0: u32 = 0x00000010;
export const ICR_RXO: u32 = 0x00000040;
export const ICR_RXT0: u32 = 0x00000080;
export const ICR_MDAC: u32 = 0x00000200;
export const ICR_RXCFG: u32 = 0x00000400;
export const ICR_GPI_EN0: u32 = 0x00000800;
export const ICR_TXD_LOW: u32 = 0x00008000;
export const ICR_SRPD: u32 = 0x00010000;
// The causes an 82540EM has (bit 31 INT_ASSERTED exists only from the 82571 on).
export const ICR_VALID: u32 = 0x0001ffff;

// --- RAL/RAH (receive addresses) ----------------------------------------------------------------
export const RA_ENTRIES: i32 = 16;
export const RAH_ADDR_MASK: u32 = 0x0000ffff; // address bytes 4-5
export const RAH_AV: u32 = 0x80000000; // address valid

// --- descriptor rings (RX and TX) -----------------------------------------------------------------
export const DESC_SIZE: i32 = 16;
export const DESC_SIZE_SHIFT: u32 = 4;
export const DESC_BASE_MASK: u32 = 0xfffffff0; // RDBAL/TDBAL: 16-byte aligned

// --- RCTL ---------------------------------------------------------------------------------------
export const RCTL_EN: u32 = 0x00000002;
export const RCTL_SBP: u32 = 0x00000004;
export const RCTL_UPE: u32 = 0x00000008;
export const RCTL_MPE: u32 = 0x00000010;
export const RCTL_LPE: u32 = 0x00000020;
export const RCTL_LBM_MASK: u32 = 0x000000c0;
export const RCTL_LBM_MAC: u32 = 0x00000040;
export const RCTL_RDMTS_SHIFT: u32 = 8;
export const RCTL_MO_SHIFT: u32 = 12;
export const RCTL_BAM: u32 = 0x00008000;
export const RCTL_BSIZE_SHIFT: u32 = 16;
export const RCTL_VFE: u32 = 0x00040000;
export const RCTL_BSEX: u32 = 0x02000000;
export const RCTL_SECRC: u32 = 0x04000000;

// --- RDTR -------------------------------------------------------------------------------------
export const RDTR_FPD: u32 = 0x80000000;

// --- RXCSUM -------------------------------------------------------------------------------------
export const RXCSUM_PCSS_MASK: u32 = 0x000000ff; // packet checksum start
export const RXCSUM_IPOFL: u32 = 0x00000100;
export const RXCSUM_TUOFL: u32 = 0x00000200;

// --- RX descriptor (legacy) -----------------------------------------------------------------------
export const RXD_STAT_DD: u8 = 0x01;
export const RXD_STAT_EOP: u8 = 0x02;
export const RXD_STAT_IXSM: u8 = 0x04;
export const RXD_STAT_VP: u8 = 0x08;
export const RXD_STAT_TCPCS: u8 = 0x20;
export const RXD_STAT_IPCS: u8 = 0x40;
export const RXD_ERR_TCPE: u8 = 0x20;
export const RXD_ERR_IPE: u8 = 0x40;
export const RXD_ERR_RXE: u8 = 0x80;

// --- TCTL -------------------------------------------------------------------------------------
export const TCTL_EN: u32 = 0x00000002;
export const TCTL_PSP: u32 = 0x00000008;

// --- TX descriptors -------------------------------------------------------------------------------
// dword 2 of every TX descriptor: legacy: length 15:0, CSO 23:16, CMD 31:24;
// extended: length 19:0, DTYP 23:20, (T/D)CMD 31:24.
export const TXD_LEGACY_LEN_MASK: u32 = 0x0000ffff;
export const TXD_LEGACY_CSO_SHIFT: u32 = 16;
export const TXD_LEN_MASK: u32 = 0x000fffff; // extended: data length, or PAYLEN of a context
export const TXD_CMD_EOP: u32 = 0x01000000;
export const TXD_CMD_IFCS: u32 = 0x02000000;
export const TXD_CMD_IC: u32 = 0x04000000; // legacy: insert checksum
export const TXD_CMD_TSE: u32 = 0x04000000; // extended: TCP segmentation enable
export const TXD_CMD_RS: u32 = 0x08000000;
export const TXD_CMD_RPS: u32 = 0x10000000;
export const TXD_CMD_DEXT: u32 = 0x20000000;
export const TXD_CMD_VLE: u32 = 0x40000000;
export const TXD_CMD_IDE: u32 = 0x80000000;
export const TXD_DTYP_MASK: u32 = 0x00f00000;
export const TXD_DTYP_CONTEXT: u32 = 0x00000000;
export const TXD_DTYP_DATA: u32 = 0x00100000;
export const TXD_TUCMD_TCP: u32 = 0x01000000; // context: TCP (else UDP)
export const TXD_TUCMD_IP: u32 = 0x02000000; // context: IPv4 (else IPv6)
export const TXD_STAT_DD: u32 = 0x00000001; // dword 3
export const TXD_POPTS_IXSM: u32 = 0x00000100; // dword 3, data descriptor
export const TXD_POPTS_TXSM: u32 = 0x00000200;
export const TXD_LEGACY_CSS_SHIFT: u32 = 8; // dword 3, legacy
export const TXD_SPECIAL_SHIFT: u32 = 16; // dword 3: the VLAN tag (special field)
