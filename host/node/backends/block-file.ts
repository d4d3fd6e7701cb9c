// Raw-image block backends for the Node runtime (host/node/backends.ts `BlockBackend`): a file-
// backed disk or ISO image, and an in-memory image for tests. The image is checked up front with
// clear errors (missing file, not a regular file, empty, size not a multiple of the sector size:
// 512 for a disk, 2048 for an ISO, not writable while a writable disk was asked for); ISO images
// are always read-only and removable. Requests are served synchronously from the image, and their
// completion is reported
//   - at once when no clock is attached (the runtime always delivers it to the device later, as a
//     deferred dev_event, so the drive is still BSY until the simulator runs deferred work), or
//   - `latencyNs` of virtual time later once `attachClock(clock, latencyNs)` was called.
// A removable image can be ejected and replaced (`eject()`, `insert()`), which tells the runtime
// (onMediaChange → EVENT_BLK_MEDIA).
import { closeSync, constants, existsSync, fstatSync, fsyncSync, openSync, readSync, statSync, writeSync, accessSync } from "node:fs";
import type { BlockBackend, BlockRequest } from "../backends.ts";
import { BLK_OP, BLK_STATUS } from "../abi.ts";
import type { VirtualClock } from "../clock.ts";

export const DISK_SECTOR = 512;
export const CD_SECTOR = 2048;

export class BlockImageError extends Error {
  constructor(message: string) { super(message); this.name = "BlockImageError"; }
}

/** Where the bytes live: a file descriptor or a byte array. */
interface Medium {
  size: number;
  read(offset: number, into: Uint8Array): void;
  write(offset: number, from: Uint8Array): void;
  flush(): void;
  close(): void;
}

function fileMedium(path: string, writable: boolean): Medium {
  const fd = openSync(path, writable ? "r+" : "r");
  const size = fstatSync(fd).size;
  return {
    size,
    read(offset, into) {
      let done = 0;
      while (done < into.length) {
        const n = readSync(fd, into, done, into.length - done, offset + done);
        if (n <= 0) throw new Error(`short read from ${path} at ${offset + done}`);
        done += n;
      }
    },
    write(offset, from) {
      let done = 0;
      while (done < from.length) done += writeSync(fd, from, done, from.length - done, offset + done);
    },
    flush() { fsyncSync(fd); },
    close() { closeSync(fd); },
  };
}

function memoryMedium(bytes: Uint8Array): Medium {
  return {
    size: bytes.length,
    read(offset, into) { into.set(bytes.subarray(offset, offset + into.length)); },
    write(offset, from) { bytes.set(from, offset); },
    flush() {},
    close() {},
  };
}

function checkSize(what: string, size: number, sectorSize: number): void {
  if (size === 0) throw new BlockImageError(`${what}: the image is empty`);
  if (size % sectorSize !== 0) {
    throw new BlockImageError(`${what}: size ${size} bytes is not a multiple of the ${sectorSize}-byte sector (${size % sectorSize} bytes too many)`);
  }
}

export interface ImageOptions {
  /** Refuse writes (default: false for a disk; an ISO is always read-only). */
  readOnly?: boolean;
}

/** A raw image served as a block device; see the file header. */
export class ImageBlockBackend implements BlockBackend {
  sectors = 0;
  present = false;
  onMediaChange?: () => void;
  private medium: Medium | null = null;
  private clock: VirtualClock | null = null;
  private latencyNs = 0n;
  /** Requests served (for tests and measurements). */
  readonly stats = { reads: 0, writes: 0, flushes: 0, sectorsRead: 0, sectorsWritten: 0 };

  constructor(readonly name: string, readonly sectorSize: number, readonly readOnly: boolean, readonly removable: boolean, medium: Medium | null) {
    if (medium) this.load(medium);
  }

  private load(m: Medium): void {
    checkSize(this.name, m.size, this.sectorSize);
    this.medium = m;
    this.sectors = m.size / this.sectorSize;
    this.present = true;
  }

  /** Completions arrive `latencyNs` of virtual time after submission. */
  attachClock(clock: VirtualClock, latencyNs: number | bigint): this {
    this.clock = clock;
    this.latencyNs = BigInt(latencyNs);
    return this;
  }

  submit(req: BlockRequest, done: (status: number) => void): void {
    const status = this.serve(req);
    if (this.clock) this.clock.schedule(this.latencyNs, () => done(status));
    else done(status);
  }

  private serve(req: BlockRequest): number {
    const m = this.medium;
    if (!m || !this.present) return BLK_STATUS.NOMEDIA;
    if (req.op === BLK_OP.FLUSH) { this.stats.flushes++; m.flush(); return BLK_STATUS.OK; }
    if (!Number.isSafeInteger(req.lba) || req.lba < 0 || req.sectors <= 0 || req.lba + req.sectors > this.sectors) return BLK_STATUS.RANGE;
    if (req.data.length !== req.sectors * this.sectorSize) return BLK_STATUS.RANGE;
    const offset = req.lba * this.sectorSize;
    try {
      if (req.op === BLK_OP.READ) {
        m.read(offset, req.data);
        this.stats.reads++;
        this.stats.sectorsRead += req.sectors;
        return BLK_STATUS.OK;
      }
      if (req.op === BLK_OP.WRITE) {
        if (this.readOnly) return BLK_STATUS.RDONLY;
        m.write(offset, req.data);
        this.stats.writes++;
        this.stats.sectorsWritten += req.sectors;
        return BLK_STATUS.OK;
      }
    } catch {
      return BLK_STATUS.EIO;
    }
    return BLK_STATUS.EIO;
  }

  /** Opens the tray: the medium goes away (removable images only). */
  eject(): void {
    if (!this.removable) throw new BlockImageError(`${this.name}: not removable`);
    this.medium?.close();
    this.medium = null;
    this.present = false;
    this.sectors = 0;
    this.onMediaChange?.();
  }

  /** Puts a new medium in (removable images only): a file path or bytes. */
  insert(image: string | Uint8Array): void {
    if (!this.removable) throw new BlockImageError(`${this.name}: not removable`);
    const m = typeof image === "string" ? fileMedium(checkFile(image, this.sectorSize, false), false) : memoryMedium(image);
    try { checkSize(this.name, m.size, this.sectorSize); } catch (e) { m.close(); throw e; }
    this.medium?.close();
    this.load(m);
    this.onMediaChange?.();
  }

  close(): void { this.medium?.close(); this.medium = null; this.present = false; }
}

function checkFile(path: string, sectorSize: number, writable: boolean): string {
  if (!existsSync(path)) throw new BlockImageError(`${path}: no such image file`);
  const st = statSync(path);
  if (!st.isFile()) throw new BlockImageError(`${path}: not a regular file`);
  checkSize(path, st.size, sectorSize);
  if (writable) {
    try { accessSync(path, constants.W_OK); } catch {
      throw new BlockImageError(`${path}: the image is not writable; open it with { readOnly: true }`);
    }
  }
  return path;
}

/** A raw disk image file (512-byte sectors), writable unless `readOnly`. */
export function openDiskImage(path: string, opts: ImageOptions = {}): ImageBlockBackend {
  const writable = !opts.readOnly;
  checkFile(path, DISK_SECTOR, writable);
  return new ImageBlockBackend(path, DISK_SECTOR, !writable, false, fileMedium(path, writable));
}

/** An ISO 9660 image file for a CD-ROM (2048-byte sectors, read-only, removable). */
export function openIsoImage(path: string): ImageBlockBackend {
  checkFile(path, CD_SECTOR, false);
  return new ImageBlockBackend(path, CD_SECTOR, true, true, fileMedium(path, false));
}

/** An image held in memory (tests): a disk by default; `cdrom: true` for a 2048-byte-sector CD. */
export function memoryImage(bytes: Uint8Array | null, opts: ImageOptions & { cdrom?: boolean; name?: string } = {}): ImageBlockBackend {
  const cd = opts.cdrom ?? false;
  const name = opts.name ?? (cd ? "memory cdrom" : "memory disk");
  return new ImageBlockBackend(name, cd ? CD_SECTOR : DISK_SECTOR, cd || (opts.readOnly ?? false), cd, bytes ? memoryMedium(bytes) : null);
}
