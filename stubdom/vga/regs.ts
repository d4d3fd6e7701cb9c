// Named constants of the std-vga programming interface: runtime regions, legacy I/O ports,
// register indexes and bits of the sequencer, graphics controller, CRTC and attribute controller,
// the Bochs VBE DISPI registers, the MMIO BAR layout and the PCI identity.
import { SUBSYS_VENDOR_QEMU, SUBSYS_ID_QEMU } from "../lib/pci";

// --- runtime regions (the ids this module passes to claim) ---------------------------------
export const REGION_VGA_PORTS: i32 = 0; // 0x3B0..0x3DF
export const REGION_DISPI_PORTS: i32 = 1; // 0x1CE..0x1D0
export const REGION_VGA_WINDOW: i32 = 2; // 0xA0000..0xBFFFF
export const REGION_LFB: i32 = 3; // BAR0
export const REGION_MMIO: i32 = 4; // BAR2
export const REGION_ROM: i32 = 5; // expansion ROM BAR

// --- PCI identity ---------------------------------------------------------------------------
export const VGA_VENDOR: u16 = 0x1234;
export const VGA_DEVICE: u16 = 0x1111;
export const VGA_CLASS: u32 = 0x030000;
export const VGA_REVISION: u8 = 2; // QEMU extended registers at BAR2 + 0x600 present
export const VGA_SUBSYS_VENDOR: u16 = SUBSYS_VENDOR_QEMU;
export const VGA_SUBSYS_ID: u16 = SUBSYS_ID_QEMU;
export const MMIO_BAR_SIZE: u32 = 4096;
export const ROM_BAR_SIZE: u32 = 65536;

// --- legacy ports ---------------------------------------------------------------------------
export const VGA_PORT_BASE: i32 = 0x3b0;
export const VGA_PORT_COUNT: i32 = 0x30;
export const VGA_PORT_OFFSET_MASK: i32 = 0x3f; // offsets kept (a port past 0x3DF reads 0xFF)
export const PORT_CRTC_INDEX_MONO: i32 = 0x3b4;
export const PORT_CRTC_DATA_MONO: i32 = 0x3b5;
export const PORT_STATUS1_MONO: i32 = 0x3ba;
export const PORT_ATTR_INDEX: i32 = 0x3c0;
export const PORT_ATTR_DATA: i32 = 0x3c1;
export const PORT_MISC_WRITE: i32 = 0x3c2; // read: input status 0
export const PORT_SEQ_INDEX: i32 = 0x3c4;
export const PORT_SEQ_DATA: i32 = 0x3c5;
export const PORT_PEL_MASK: i32 = 0x3c6;
export const PORT_DAC_READ_INDEX: i32 = 0x3c7; // read: DAC state
export const PORT_DAC_WRITE_INDEX: i32 = 0x3c8;
export const PORT_DAC_DATA: i32 = 0x3c9;
export const PORT_FEATURE_READ: i32 = 0x3ca;
export const PORT_MISC_READ: i32 = 0x3cc;
export const PORT_GR_INDEX: i32 = 0x3ce;
export const PORT_GR_DATA: i32 = 0x3cf;
export const PORT_CRTC_INDEX_COLOR: i32 = 0x3d4;
export const PORT_CRTC_DATA_COLOR: i32 = 0x3d5;
export const PORT_STATUS1_COLOR: i32 = 0x3da; // write: feature control

// --- misc output / input status -------------------------------------------------------------
export const MISC_COLOR_EMULATION: u8 = 0x01;
export const MISC_WRITE_MASK: u8 = 0xef; // bit 4 does not exist
export const FCR_WRITE_MASK: u8 = 0x10;
export const ST01_DISPLAY_DISABLED: u8 = 0x01;
export const ST01_VERTICAL_RETRACE: u8 = 0x08;

// --- sequencer --------------------------------------------------------------------------------
export const SR_RESET: i32 = 0;
export const SR_CLOCKING: i32 = 1;
export const SR_MAP_MASK: i32 = 2;
export const SR_CHAR_MAP: i32 = 3;
export const SR_MEMORY_MODE: i32 = 4;
export const SR_INDEX_MASK: i32 = 7;
export const SR1_9DOT_OFF: u8 = 0x01; // 1 = 8-dot characters
export const SR1_DOT_CLOCK_HALF: u8 = 0x08;
export const SR1_SCREEN_OFF: u8 = 0x20;
export const SR4_ODD_EVEN_DISABLE: u8 = 0x04;
export const SR4_CHAIN4: u8 = 0x08;

// --- graphics controller ----------------------------------------------------------------------
export const GR_SET_RESET: i32 = 0;
export const GR_ENABLE_SET_RESET: i32 = 1;
export const GR_COLOR_COMPARE: i32 = 2;
export const GR_ROTATE: i32 = 3; // bits 2:0 rotate count, 4:3 function select
export const GR_READ_MAP: i32 = 4;
export const GR_MODE: i32 = 5; // bits 1:0 write mode, 3 read mode, 4 host odd/even, 6:5 shift
export const GR_MISC: i32 = 6; // bit 0 graphics, 1 chain odd/even, 3:2 memory map
export const GR_COLOR_DONT_CARE: i32 = 7;
export const GR_BIT_MASK: i32 = 8;
export const GR_INDEX_MASK: i32 = 0x0f;
export const GR5_READ_MODE1: u8 = 0x08;
export const GR5_HOST_ODD_EVEN: u8 = 0x10;
export const GR5_SHIFT_MASK: u8 = 0x60;
export const GR6_GRAPHICS: u8 = 0x01;

// --- CRTC ---------------------------------------------------------------------------------------
export const CR_H_DISPLAY_END: i32 = 0x01;
export const CR_OVERFLOW: i32 = 0x07;
export const CR_MAX_SCAN: i32 = 0x09;
export const CR_CURSOR_START: i32 = 0x0a;
export const CR_CURSOR_END: i32 = 0x0b;
export const CR_START_HI: i32 = 0x0c;
export const CR_START_LO: i32 = 0x0d;
export const CR_CURSOR_HI: i32 = 0x0e;
export const CR_CURSOR_LO: i32 = 0x0f;
export const CR_V_RETRACE_END: i32 = 0x11;
export const CR_V_DISPLAY_END: i32 = 0x12;
export const CR_OFFSET: i32 = 0x13;
export const CR_MODE_CONTROL: i32 = 0x17;
export const CR_LINE_COMPARE: i32 = 0x18;
export const CR11_PROTECT: u8 = 0x80;
export const CR07_LINE_COMPARE_8: u8 = 0x10;
export const CR0A_CURSOR_OFF: u8 = 0x20;
export const CR17_CGA_BANKS_OFF: u8 = 0x01; // 0: scanline bit 0 selects the 8 KiB bank (CGA)

// --- attribute controller -------------------------------------------------------------------
export const AR_MODE: i32 = 0x10;
export const AR_OVERSCAN: i32 = 0x11;
export const AR_PLANE_ENABLE: i32 = 0x12;
export const AR_PEL_PANNING: i32 = 0x13;
export const AR_COLOR_SELECT: i32 = 0x14;
export const AR_COUNT: i32 = 0x15;
export const AR_INDEX_PAS: u8 = 0x20; // palette address source: 0 blanks the screen
export const AR_INDEX_MASK: u8 = 0x1f; // the register index bits
export const AR_INDEX_WRITE_MASK: u8 = 0x3f; // what an index write keeps (index and PAS)
export const AR10_LINE_GRAPHICS: u8 = 0x04;
export const AR10_BLINK: u8 = 0x08;
export const AR10_P54_SELECT: u8 = 0x80;

// --- Bochs VBE DISPI --------------------------------------------------------------------------
export const DISPI_INDEX_PORT: i32 = 0x1ce;
export const DISPI_DATA_PORT: i32 = 0x1cf;
export const DISPI_DATA_PORT_ALT: i32 = 0x1d0;
export const DISPI_PORT_COUNT: i32 = 3; // index, data, second data
export const DISPI_ID: i32 = 0;
export const DISPI_XRES: i32 = 1;
export const DISPI_YRES: i32 = 2;
export const DISPI_BPP: i32 = 3;
export const DISPI_ENABLE: i32 = 4;
export const DISPI_BANK: i32 = 5;
export const DISPI_VIRT_WIDTH: i32 = 6;
export const DISPI_VIRT_HEIGHT: i32 = 7;
export const DISPI_X_OFFSET: i32 = 8;
export const DISPI_Y_OFFSET: i32 = 9;
export const DISPI_VIDEO_MEMORY_64K: i32 = 10;
export const DISPI_REG_COUNT: i32 = 10; // storable registers 0..9; 10 is computed
export const DISPI_ID0: u16 = 0xb0c0;
export const DISPI_ID5: u16 = 0xb0c5;
export const DISPI_ENABLED: u16 = 0x01;
export const DISPI_GETCAPS: u16 = 0x02;
export const DISPI_8BIT_DAC: u16 = 0x20;
export const DISPI_LFB_ENABLED: u16 = 0x40;
export const DISPI_NOCLEARMEM: u16 = 0x80;
export const DISPI_MAX_XRES: u32 = 16000;
export const DISPI_MAX_YRES: u32 = 12000;
export const DISPI_MAX_BPP: u32 = 32;

// --- BAR2 (MMIO) layout, as QEMU's std-vga lays it out ----------------------------------------
export const MMIO_EDID_END: i32 = 0x400;
export const MMIO_VGA_PORTS: i32 = 0x400; // mirror of ports 0x3C0..0x3DF
export const MMIO_VGA_PORTS_END: i32 = 0x420;
export const MMIO_DISPI: i32 = 0x500; // DISPI register n at 0x500 + 2n
export const MMIO_DISPI_END: i32 = 0x516;
export const MMIO_QEXT: i32 = 0x600; // QEMU extension: size, then framebuffer byte order
export const MMIO_QEXT_SIZE: i32 = 0x600;
export const MMIO_QEXT_BYTE_ORDER: i32 = 0x604;
export const MMIO_QEXT_END: i32 = 0x608;
export const QEXT_REGION_SIZE: u32 = 8;
export const QEXT_LITTLE_ENDIAN: u32 = 0x1e1e1e1e;

// --- legacy memory window -------------------------------------------------------------------
export const VGA_WINDOW_BASE: u32 = 0xa0000;
export const VGA_WINDOW_SIZE: u32 = 0x20000;
export const FONT_PLANE: u32 = 2; // text modes: the character generator lives in plane 2
