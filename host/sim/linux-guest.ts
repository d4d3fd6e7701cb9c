// The Linux test guest on the development host (images from build/guest/images.ts): its disk as
// an in-memory copy of the cached disk.img (the cache stays pristine whatever the guest writes),
// the ISO in the CD-ROM drive, and the e1000's wire to a NetPeer (host/node/backends/net-peer.ts)
// at 10.0.2.2 answering ARP and ping. The peer's replies arrive from a host timer task, never
// inside the ioreq that sent the request (as on a real wire, and so a recorded trace carries them
// as backend events).
import { readFileSync } from "node:fs";
import { memoryImage, openIsoImage, type ImageBlockBackend } from "../node/backends/block-file.ts";
import { NetPeer } from "../node/backends/net-peer.ts";
import { netBootServices } from "./net-boot.ts";
import { ensureGuestImages, cachedGuestImages, PEER_IP, type GuestImages } from "../../build/guest/images.ts";

export { PEER_IP };

export interface LinuxGuestMedia {
  images: GuestImages;
  disk: ImageBlockBackend;
  cd: ImageBlockBackend;
}

/** The cached images, built first when missing (`say` gets the progress lines). */
export function linuxGuestImages(say: (line: string) => void): GuestImages {
  const cached = cachedGuestImages();
  if (!cached) say("building the Linux guest images (first run: Debian packages via apt-get, about a minute) …");
  return ensureGuestImages((s) => say(`build:guest: ${s}`));
}

export function linuxGuestMedia(images: GuestImages): LinuxGuestMedia {
  const disk = memoryImage(new Uint8Array(readFileSync(images.disk)), { name: "guest disk.img (in-memory copy)" });
  const cd = openIsoImage(images.cdrom);
  return { images, disk, cd };
}

/** The host end of the e1000's cable; replies are delivered by a timer task while `live()`. With
 *  `netBoot` images the peer also answers DHCP and TFTP for network boot (net-boot.ts). */
export function wirePeer(live: () => boolean, netBoot?: GuestImages): NetPeer {
  const services = netBoot ? netBootServices(netBoot).services : [];
  return new NetPeer({ ip: PEER_IP, services, schedule: (deliver) => { setTimeout(() => { if (live()) deliver(); }, 0); } });
}

/**
 * Types `text` into a serial console the way a terminal line does: a few bytes at a time, so
 * the guest's 16-byte receive FIFO never overruns (the ABI has no flow control; the whole string
 * at once overran it and Linux reported "ttyS0: 1 input overrun(s)"). Resolves when all is sent.
 */
export function typePaced(chr: { type(input: Uint8Array | string): void }, text: Uint8Array | string, live: () => boolean, bytesPerTick = 4, tickMs = 10): Promise<void> {
  const bytes = typeof text === "string" ? Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff) : text;
  return new Promise((resolve) => {
    let at = 0;
    const step = (): void => {
      if (!live() || at >= bytes.length) { resolve(); return; }
      chr.type(bytes.subarray(at, at + bytesPerTick));
      at += bytesPerTick;
      setTimeout(step, tickMs);
    };
    step();
  });
}
