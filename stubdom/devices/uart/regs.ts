// 16550A register map: offsets from the base port and the bits of each register (National
// PC16550D datasheet; devices.md §6). Names follow Linux's serial_reg.h where one exists.

// Offsets (DLAB = LCR bit 7 turns offsets 0 and 1 into the divisor latch).
export const REG_RBR_THR: i32 = 0; // read: receiver buffer; write: transmitter holding; DLAB: DLL
export const REG_IER: i32 = 1; // interrupt enable; DLAB: DLM
export const REG_IIR_FCR: i32 = 2; // read: interrupt identification; write: FIFO control
export const REG_LCR: i32 = 3;
export const REG_MCR: i32 = 4;
export const REG_LSR: i32 = 5;
export const REG_MSR: i32 = 6;
export const REG_SCR: i32 = 7;
export const UART_PORTS: i32 = 8;
export const COM1_BASE: i32 = 0x3f8; // the default base port
export const IRQ_PIN_INTR: i32 = 0; // the UART's INTR output (the machine routes it: COM1 → ISA IRQ 4)

// IER: only the low four bits exist (Linux's autoconfig checks IER reads back 0x0F, not more).
export const IER_RDI: u8 = 0x01; // received data available (and character timeout)
export const IER_THRI: u8 = 0x02; // transmitter holding register empty
export const IER_RLSI: u8 = 0x04; // receiver line status
export const IER_MSI: u8 = 0x08; // modem status
export const IER_MASK: u8 = 0x0f;

// IIR: interrupt identification in bits 3:0 (bit 0 = 1: none pending), FIFOs enabled in 7:6.
export const IIR_NO_INT: u8 = 0x01;
export const IIR_MSI: u8 = 0x00;
export const IIR_THRI: u8 = 0x02;
export const IIR_RDI: u8 = 0x04;
export const IIR_RLSI: u8 = 0x06;
export const IIR_CTI: u8 = 0x0c; // character timeout
export const IIR_ID_MASK: u8 = 0x0f;
export const IIR_FIFO_ENABLED: u8 = 0xc0;

// FCR (write only).
export const FCR_ENABLE: u8 = 0x01;
export const FCR_CLEAR_RX: u8 = 0x02;
export const FCR_CLEAR_TX: u8 = 0x04;
export const FCR_DMA_MODE: u8 = 0x08; // stored, no effect: there is no DMA handshake
export const FCR_TRIGGER_MASK: u8 = 0xc0; // RX trigger level 1 / 4 / 8 / 14 bytes
export const FCR_STORED: u8 = FCR_ENABLE | FCR_DMA_MODE | FCR_TRIGGER_MASK;

// LCR.
export const LCR_WLEN_MASK: u8 = 0x03; // 5 + n data bits
export const LCR_STOP: u8 = 0x04; // 2 stop bits (1.5 with 5 data bits)
export const LCR_PARITY: u8 = 0x08;
export const LCR_DLAB: u8 = 0x80;

// MCR: five bits; OUT2 is stored but gates nothing (see irq.ts).
export const MCR_DTR: u8 = 0x01;
export const MCR_RTS: u8 = 0x02;
export const MCR_OUT1: u8 = 0x04;
export const MCR_OUT2: u8 = 0x08;
export const MCR_LOOP: u8 = 0x10;
export const MCR_MASK: u8 = 0x1f;

// LSR.
export const LSR_DR: u8 = 0x01;
export const LSR_OE: u8 = 0x02;
export const LSR_PE: u8 = 0x04;
export const LSR_FE: u8 = 0x08;
export const LSR_BI: u8 = 0x10;
export const LSR_THRE: u8 = 0x20;
export const LSR_TEMT: u8 = 0x40;
export const LSR_ERRORS: u8 = LSR_OE | LSR_PE | LSR_FE | LSR_BI; // the line-status interrupt sources

// MSR: deltas in 3:0, input levels in 7:4.
export const MSR_DCTS: u8 = 0x01;
export const MSR_DDSR: u8 = 0x02;
export const MSR_TERI: u8 = 0x04; // trailing edge of RI
export const MSR_DDCD: u8 = 0x08;
export const MSR_DELTAS: u8 = 0x0f;
export const MSR_CTS: u8 = 0x10;
export const MSR_DSR: u8 = 0x20;
export const MSR_RI: u8 = 0x40;
export const MSR_DCD: u8 = 0x80;
export const MSR_INPUTS: u8 = 0xf0;

export const FIFO_SIZE: i32 = 16;
export const BAUD_BASE: u64 = 115200; // 1.8432 MHz crystal / 16
export const RESET_DIVISOR: u16 = 12; // 9600 baud, as QEMU (the chip's latch is undefined at reset)

// The one timer this device arms.
export const TIMER_CHAR_TIMEOUT: i32 = 0;
export const TIMEOUT_CHARS: u64 = 4; // the datasheet's character timeout: four character times
