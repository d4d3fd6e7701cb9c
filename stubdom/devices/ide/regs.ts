// Named constants of the PIIX3 IDE function: runtime regions, task-file register offsets, status/
// error/device-control bits, ATA and ATAPI (MMC) opcodes, SCSI sense codes and bus-master bits.
// Numbers come from ATA/ATAPI-6, MMC and the PIIX3 datasheet (see docs/devices/ide.md).

// --- runtime regions (claim ids) -------------------------------------------------------------
export const REGION_CMD0: i32 = 0;   // 0x1F0..0x1F7
export const REGION_CTRL0: i32 = 1;  // 0x3F6
export const REGION_CMD1: i32 = 2;   // 0x170..0x177
export const REGION_CTRL1: i32 = 3;  // 0x376
export const REGION_BM: i32 = 4;     // BAR4, 16 ports

export const CMD_BASE0: i32 = 0x1f0;
export const CTRL_PORT0: i32 = 0x3f6;
export const CMD_BASE1: i32 = 0x170;
export const CTRL_PORT1: i32 = 0x376;

// --- task file (offset from the command block base) -------------------------------------------
export const TF_DATA: i32 = 0;
export const TF_ERROR_FEATURE: i32 = 1;
export const TF_NSECT: i32 = 2;      // ATAPI: interrupt reason on read
export const TF_SECTOR: i32 = 3;
export const TF_LCYL: i32 = 4;       // ATAPI: byte count low
export const TF_HCYL: i32 = 5;       // ATAPI: byte count high
export const TF_SELECT: i32 = 6;
export const TF_STATUS_CMD: i32 = 7;

// status register
export const ST_BSY: u8 = 0x80;
export const ST_DRDY: u8 = 0x40;
export const ST_DF: u8 = 0x20;
export const ST_DSC: u8 = 0x10;
export const ST_DRQ: u8 = 0x08;
export const ST_ERR: u8 = 0x01;

// error register
export const ER_AMNF: u8 = 0x01; // also the "diagnostic passed" code after reset
export const ER_ABRT: u8 = 0x04;
export const ER_IDNF: u8 = 0x10;
export const ER_UNC: u8 = 0x40;

// device/head register
export const SEL_DEV: u8 = 0x10;
export const SEL_LBA: u8 = 0x40;
export const SEL_OBS: u8 = 0xa0; // bits 7 and 5 read as 1

// device control (0x3F6/0x376)
export const DC_NIEN: u8 = 0x02;
export const DC_SRST: u8 = 0x04;
export const DC_HOB: u8 = 0x80;

// ATAPI interrupt reason (sector count register)
export const IR_COD: u8 = 0x01;
export const IR_IO: u8 = 0x02;

// --- ATA commands -----------------------------------------------------------------------------
export const ATA_NOP: u8 = 0x00;
export const ATA_DEVICE_RESET: u8 = 0x08;
export const ATA_RECALIBRATE: u8 = 0x10; // 0x10..0x1F
export const ATA_READ_SECTORS: u8 = 0x20;
export const ATA_READ_SECTORS_NR: u8 = 0x21;
export const ATA_READ_SECTORS_EXT: u8 = 0x24;
export const ATA_READ_DMA_EXT: u8 = 0x25;
export const ATA_READ_NATIVE_MAX_EXT: u8 = 0x27;
export const ATA_READ_MULTIPLE_EXT: u8 = 0x29;
export const ATA_WRITE_SECTORS: u8 = 0x30;
export const ATA_WRITE_SECTORS_NR: u8 = 0x31;
export const ATA_WRITE_SECTORS_EXT: u8 = 0x34;
export const ATA_WRITE_DMA_EXT: u8 = 0x35;
export const ATA_WRITE_MULTIPLE_EXT: u8 = 0x39;
export const ATA_READ_VERIFY: u8 = 0x40;
export const ATA_READ_VERIFY_NR: u8 = 0x41;
export const ATA_READ_VERIFY_EXT: u8 = 0x42;
export const ATA_SEEK: u8 = 0x70;
export const ATA_EXEC_DIAGNOSTIC: u8 = 0x90;
export const ATA_INIT_DEV_PARAMS: u8 = 0x91;
export const ATA_PACKET: u8 = 0xa0;
export const ATA_IDENTIFY_PACKET: u8 = 0xa1;
export const ATA_READ_MULTIPLE: u8 = 0xc4;
export const ATA_WRITE_MULTIPLE: u8 = 0xc5;
export const ATA_SET_MULTIPLE: u8 = 0xc6;
export const ATA_READ_DMA: u8 = 0xc8;
export const ATA_READ_DMA_NR: u8 = 0xc9;
export const ATA_WRITE_DMA: u8 = 0xca;
export const ATA_WRITE_DMA_NR: u8 = 0xcb;
export const ATA_STANDBY_IMMEDIATE: u8 = 0xe0;
export const ATA_IDLE_IMMEDIATE: u8 = 0xe1;
export const ATA_STANDBY: u8 = 0xe2;
export const ATA_IDLE: u8 = 0xe3;
export const ATA_CHECK_POWER_MODE: u8 = 0xe5;
export const ATA_FLUSH_CACHE: u8 = 0xe7;
export const ATA_FLUSH_CACHE_EXT: u8 = 0xea;
export const ATA_IDENTIFY: u8 = 0xec;
export const ATA_SET_FEATURES: u8 = 0xef;
export const ATA_SECURITY_FREEZE: u8 = 0xf5;
export const ATA_READ_NATIVE_MAX: u8 = 0xf8;

// SET FEATURES subcommands (features register)
export const SF_ENABLE_WCACHE: u8 = 0x02;
export const SF_XFER_MODE: u8 = 0x03;
export const SF_DISABLE_RLA: u8 = 0x55;
export const SF_DISABLE_REVERT: u8 = 0x66;
export const SF_DISABLE_WCACHE: u8 = 0x82;
export const SF_ENABLE_RLA: u8 = 0xaa;
export const SF_ENABLE_REVERT: u8 = 0xcc;

// transfer-mode values (sector count of SET FEATURES 0x03)
export const XFER_PIO_DEFAULT: u8 = 0x00;
export const XFER_PIO_NOIORDY: u8 = 0x01;
export const XFER_PIO: u8 = 0x08;
export const XFER_SWDMA: u8 = 0x10;
export const XFER_MWDMA: u8 = 0x20;
export const XFER_UDMA: u8 = 0x40;

// CHECK POWER MODE answers
export const POWER_STANDBY: u8 = 0x00;
export const POWER_ACTIVE: u8 = 0xff;

// --- ATAPI (MMC) packet commands --------------------------------------------------------------
export const SCSI_TEST_UNIT_READY: u8 = 0x00;
export const SCSI_REQUEST_SENSE: u8 = 0x03;
export const SCSI_INQUIRY: u8 = 0x12;
export const SCSI_START_STOP_UNIT: u8 = 0x1b;
export const SCSI_PREVENT_ALLOW: u8 = 0x1e;
export const SCSI_READ_CAPACITY: u8 = 0x25;
export const SCSI_READ_10: u8 = 0x28;
export const SCSI_SEEK_10: u8 = 0x2b;
export const SCSI_READ_TOC: u8 = 0x43;
export const SCSI_GET_CONFIGURATION: u8 = 0x46;
export const SCSI_GET_EVENT_STATUS: u8 = 0x4a;
export const SCSI_READ_DISC_INFO: u8 = 0x51;
export const SCSI_MODE_SENSE_10: u8 = 0x5a;
export const SCSI_READ_12: u8 = 0xa8;
export const SCSI_SET_CD_SPEED: u8 = 0xbb;
export const SCSI_MECHANISM_STATUS: u8 = 0xbd;

// sense keys and additional sense codes
export const SK_NO_SENSE: u8 = 0x0;
export const SK_NOT_READY: u8 = 0x2;
export const SK_MEDIUM_ERROR: u8 = 0x3;
export const SK_ILLEGAL_REQUEST: u8 = 0x5;
export const SK_UNIT_ATTENTION: u8 = 0x6;
export const ASC_READ_ERROR: u8 = 0x11;
export const ASC_INVALID_OPCODE: u8 = 0x20;
export const ASC_LBA_OUT_OF_RANGE: u8 = 0x21;
export const ASC_INVALID_FIELD: u8 = 0x24;
export const ASC_MEDIUM_MAY_HAVE_CHANGED: u8 = 0x28;
export const ASC_SAVING_NOT_SUPPORTED: u8 = 0x39;
export const ASC_MEDIUM_NOT_PRESENT: u8 = 0x3a;
export const ASC_REMOVAL_PREVENTED: u8 = 0x53;

// mode pages
export const MODE_PAGE_ERROR_RECOVERY: u8 = 0x01;
export const MODE_PAGE_AUDIO: u8 = 0x0e;
export const MODE_PAGE_CAPABILITIES: u8 = 0x2a;
export const MODE_PAGE_ALL: u8 = 0x3f;

// GET EVENT STATUS NOTIFICATION media event codes
export const MEC_NO_CHANGE: u8 = 0;
export const MEC_EJECT_REQUEST: u8 = 1;
export const MEC_NEW_MEDIA: u8 = 2;
export const MEC_MEDIA_REMOVAL: u8 = 3;

// --- bus master (BAR4; channel n at +8n) ------------------------------------------------------
export const BM_CMD: i32 = 0;
export const BM_STATUS: i32 = 2;
export const BM_PRD: i32 = 4;
export const BM_CMD_START: u8 = 0x01;
export const BM_CMD_WRITE_TO_MEM: u8 = 0x08;
export const BM_CMD_MASK: u8 = 0x09;
export const BM_ST_ACTIVE: u8 = 0x01;
export const BM_ST_ERROR: u8 = 0x02;
export const BM_ST_INT: u8 = 0x04;
export const BM_ST_DMA_CAP: u8 = 0x60; // drive 0/1 DMA capable (scratch bits)
export const BM_ST_SIMPLEX: u8 = 0x80;

// --- sizes ------------------------------------------------------------------------------------
export const ATA_SECTOR: i32 = 512;
export const CD_SECTOR: i32 = 2048;
export const BUF_SIZE: i32 = 128 * 1024; // one channel's transfer buffer: 256 disk / 64 CD sectors
export const PIO_MAX_MULTIPLE: i32 = 16;
