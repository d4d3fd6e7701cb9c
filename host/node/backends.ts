// The backend interfaces a device's capability imports reach: a byte stream (console), block
// devices (asynchronous: submit, then a completion), a network port and a display. Concrete
// backends live in host/node/backends/; the runtime only knows these shapes.

export interface CharBackend {
  /** Bytes the device transmits (UART THR). */
  write(bytes: Uint8Array): void;
  /** The runtime subscribes here to deliver received bytes to the device. */
  onReceive?: (bytes: Uint8Array) => void;
}

export interface BlockRequest {
  op: number; // BLK_OP
  lba: number;
  sectors: number;
  /** READ: filled by the backend; WRITE: the data to write. */
  data: Uint8Array;
}

export interface BlockBackend {
  readonly sectors: number;
  readonly sectorSize: number;
  readonly readOnly: boolean;
  readonly removable: boolean;
  /** Present medium (a CD tray can be empty). */
  readonly present: boolean;
  /** Starts a request; `done(status)` is called later, never before submit returns. */
  submit(req: BlockRequest, done: (status: number) => void): void;
  /** The runtime subscribes here to learn of media changes (eject/insert). */
  onMediaChange?: () => void;
}

export interface NetBackend {
  send(frame: Uint8Array): void;
  /** The runtime subscribes here to deliver received frames to the device. */
  onReceive?: (frame: Uint8Array) => void;
}

export interface DisplaySurface {
  kind: number; // SURFACE
  width: number;
  height: number;
  stride: number;
  /** A view of the device's memory holding the pixels (re-read after every damage report). */
  pixels: () => Uint8Array;
}

export interface DisplayBackend {
  setSurface(surface: DisplaySurface | null): void;
  damage(x: number, y: number, w: number, h: number): void;
}
