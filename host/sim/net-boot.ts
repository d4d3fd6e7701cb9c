// Network boot of the Linux test guest on the development host (`--boot n`): the net peer's DHCP
// server (host/node/backends/dhcp.ts) hands iPXE (the e1000's option ROM, host/node/e1000-rom.ts)
// the guest address and the boot file boot.ipxe, and its TFTP server (tftp.ts) serves that iPXE
// script, then the kernel and initramfs of build/guest/images.ts named by it. All in the process:
// the "network" is the e1000's wire to the NetPeer.
import { readFileSync } from "node:fs";
import { DhcpServer } from "../node/backends/dhcp.ts";
import { TftpServer } from "../node/backends/tftp.ts";
import { parseIpv4 } from "../node/backends/net-peer.ts";
import type { UdpService } from "../node/backends/udp.ts";
import { PEER_IP, GUEST_IP, type GuestImages } from "../../build/guest/images.ts";

export const IPXE_SCRIPT = "boot.ipxe";

/** The iPXE script: kernel and initramfs over TFTP from the peer, the guest's usual command line. */
export function ipxeScript(cmdline: string): string {
  return `#!ipxe\necho wasm-stubdom: network boot of the Linux test guest over TFTP\nkernel vmlinuz ${cmdline}\ninitrd initramfs.gz\nboot\n`;
}

export interface NetBootServices {
  services: UdpService[];
  dhcp: DhcpServer;
  tftp: TftpServer;
}

export function netBootServices(images: GuestImages): NetBootServices {
  const serverIp = parseIpv4(PEER_IP);
  const cache = new Map<string, Uint8Array>();
  const paths = new Map([["vmlinuz", images.kernel], ["initramfs.gz", images.initrd]]);
  const files = (name: string): Uint8Array | null => {
    if (name === IPXE_SCRIPT) return new TextEncoder().encode(ipxeScript(images.cmdline));
    const path = paths.get(name);
    if (!path) return null;
    let b = cache.get(name);
    if (!b) { b = new Uint8Array(readFileSync(path)); cache.set(name, b); }
    return b;
  };
  const dhcp = new DhcpServer({ serverIp, clientIp: parseIpv4(GUEST_IP), ipxeBootFile: IPXE_SCRIPT });
  const tftp = new TftpServer(serverIp, files);
  return { services: [dhcp, tftp], dhcp, tftp };
}
