// A tiny MBR for boot tests, assembled by hand (16-bit real mode, loaded at 0000:7C00):
//  1. prints BOOT_MESSAGE to SeaBIOS's debug port (0x402) and COM1's transmit register (0x3F8);
//  2. installs an IRQ 4 handler (vector 0x0C), unmasks IRQ 4 at the PIC, enables COM1's
//     THR-empty interrupt (IER = 0x02, MCR.OUT2) and halts with interrupts on;
//  3. the handler reads IIR (clearing the interrupt), disables it, prints IRQ_MESSAGE, sends the
//     PIC an EOI and halts for good.
// A guest that prints both was booted from our IDE disk by the BIOS (INT 13h read our sector) and
// took an interrupt our UART raised through the runtime, the simulator and v86's PIC.

export const BOOT_MESSAGE = "stubdom: booted from the IDE disk\n";
export const IRQ_MESSAGE = "stubdom: IRQ 4 from our UART reached the CPU\n";

const CODE_LEN = 0x5a; // the messages follow the code

export function bootSectorDisk(sectors = 2048): Uint8Array {
  const msg1 = 0x7c00 + CODE_LEN;
  const msg2 = msg1 + BOOT_MESSAGE.length + 1;
  const lo = (a: number): number => a & 0xff;
  const hi = (a: number): number => (a >> 8) & 0xff;
  const code = [
    0xfa, //                       00 cli
    0x31, 0xc0, //                 01 xor ax, ax
    0x8e, 0xd8, //                 03 mov ds, ax
    0x8e, 0xd0, //                 05 mov ss, ax
    0xbc, 0x00, 0x7c, //           07 mov sp, 0x7c00
    0xbe, lo(msg1), hi(msg1), //   0a mov si, msg1
    0xe8, 0x3a, 0x00, //           0d call print (0x4a)
    0xc7, 0x06, 0x30, 0x00, 0x32, 0x7c, // 10 mov word [0x30], handler (0x7c32)
    0xc7, 0x06, 0x32, 0x00, 0x00, 0x00, // 16 mov word [0x32], 0
    0xe4, 0x21, //                 1c in al, 0x21
    0x24, 0xef, //                 1e and al, 0xef (unmask IRQ 4)
    0xe6, 0x21, //                 20 out 0x21, al
    0xba, 0xfc, 0x03, //           22 mov dx, 0x3fc
    0xb0, 0x08, //                 25 mov al, 0x08 (MCR.OUT2)
    0xee, //                       27 out dx, al
    0xba, 0xf9, 0x03, //           28 mov dx, 0x3f9
    0xb0, 0x02, //                 2b mov al, 0x02 (IER: THR empty)
    0xee, //                       2d out dx, al
    0xfb, //                       2e sti
    0xf4, //                   w:  2f hlt
    0xeb, 0xfd, //                 30 jmp w
    0xba, 0xfa, 0x03, //  handler: 32 mov dx, 0x3fa
    0xec, //                       35 in al, dx (IIR)
    0xba, 0xf9, 0x03, //           36 mov dx, 0x3f9
    0x30, 0xc0, //                 39 xor al, al
    0xee, //                       3b out dx, al (IER = 0)
    0xbe, lo(msg2), hi(msg2), //   3c mov si, msg2
    0xe8, 0x08, 0x00, //           3f call print (0x4a)
    0xb0, 0x20, //                 42 mov al, 0x20
    0xe6, 0x20, //                 44 out 0x20, al (EOI)
    0xfa, //                       46 cli
    0xf4, //                   h:  47 hlt
    0xeb, 0xfd, //                 48 jmp h
    0xac, //                print: 4a lodsb
    0x84, 0xc0, //                 4b test al, al
    0x74, 0x0a, //                 4d jz ret (0x59)
    0xba, 0x02, 0x04, //           4f mov dx, 0x402
    0xee, //                       52 out dx, al
    0xba, 0xf8, 0x03, //           53 mov dx, 0x3f8
    0xee, //                       56 out dx, al
    0xeb, 0xf1, //                 57 jmp print
    0xc3, //                  ret: 59 ret
  ];
  if (code.length !== CODE_LEN) throw new Error(`boot sector code is ${code.length} bytes, expected ${CODE_LEN}`);
  const disk = new Uint8Array(sectors * 512);
  disk.set(code, 0);
  let o = CODE_LEN;
  for (const msg of [BOOT_MESSAGE, IRQ_MESSAGE]) {
    for (let i = 0; i < msg.length; i++) disk[o++] = msg.charCodeAt(i);
    disk[o++] = 0;
  }
  disk[510] = 0x55;
  disk[511] = 0xaa;
  return disk;
}
