// `stubdom boot --web`: an HTTP server on 127.0.0.1 with the web console page (host/web/
// index.html, console.js), noVNC (npm @novnc/novnc) and xterm.js (npm @xterm/xterm) served from
// node_modules, and two WebSocket endpoints (npm ws): /rfb carries the RFB protocol to the same
// RfbServer as `--vnc`, /serial the guest's serial console (bytes out to every page; bytes in
// through the UART's paced feed). Only GET of the listed files; WebSocket upgrades only from the
// page's own origin and with a loopback Host header (no other web site, and no DNS-rebound name,
// can drive the guest); a bounded number of clients and message sizes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { readFileSync, existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { WebSocketServer, createWebSocketStream, type WebSocket } from "ws";
import type { RfbServer } from "../display/rfb-server.ts";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const NOVNC_ROOT = resolve(dirname(require.resolve("@novnc/novnc")), "..");
const XTERM_ROOT = resolve(dirname(require.resolve("@xterm/xterm")), "..");

const FILES: Record<string, string> = {
  "/": join(here, "index.html"),
  "/console.js": join(here, "console.js"),
  "/xterm/xterm.mjs": join(XTERM_ROOT, "lib/xterm.mjs"),
  "/xterm/xterm.css": join(XTERM_ROOT, "css/xterm.css"),
};
const TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css" };

export interface WebConsoleOptions {
  rfb: RfbServer;
  /** Serial input from a page: false = pause that page until `onSerialDrain`. */
  serialIn: (bytes: Uint8Array) => boolean;
  onSerialDrain: (fn: () => void) => void;
  maxClients?: number;
  log?: (line: string) => void;
}

/** Serial output kept for a page that connects later (the last 64 KiB). */
const BACKLOG = 65536;

export class WebConsole {
  private http: Server | null = null;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: (1 << 20) + 64 });
  private readonly serialClients = new Set<WebSocket>();
  private clients = 0;
  private backlog: Uint8Array[] = [];
  private backlogBytes = 0;
  private port = 0;
  url = "";

  constructor(private readonly opts: WebConsoleOptions) {}

  listen(port: number, host = "127.0.0.1"): Promise<AddressInfo> {
    return new Promise((res, rej) => {
      const srv = createServer((req, resp) => this.serve(req, resp));
      srv.on("upgrade", (req, sock, head) => this.upgrade(req, sock, head));
      srv.once("error", rej);
      srv.listen(port, host, () => {
        srv.off("error", rej);
        this.http = srv;
        const a = srv.address() as AddressInfo;
        this.port = a.port;
        this.url = `http://${host}:${a.port}/`;
        res(a);
      });
    });
  }

  /** Guest serial output: to every page, and kept for pages that connect later. */
  serialOut(bytes: Uint8Array): void {
    const copy = bytes.slice();
    this.backlog.push(copy);
    this.backlogBytes += copy.length;
    while (this.backlogBytes > BACKLOG && this.backlog.length > 1) this.backlogBytes -= this.backlog.shift()!.length;
    for (const ws of this.serialClients) if (ws.bufferedAmount < 4 << 20) ws.send(copy);
  }

  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
    const srv = this.http;
    this.http = null;
    if (srv) { srv.closeAllConnections(); await new Promise<void>((r) => srv.close(() => r())); }
  }

  private hostAllowed(req: IncomingMessage): boolean {
    const h = req.headers.host ?? "";
    return [`127.0.0.1:${this.port}`, `localhost:${this.port}`, `[::1]:${this.port}`].includes(h);
  }

  private serve(req: IncomingMessage, resp: ServerResponse): void {
    const send = (code: number, text: string): void => { resp.writeHead(code, { "content-type": "text/plain" }).end(text + "\n"); };
    if (!this.hostAllowed(req)) return send(403, "forbidden host");
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, "method not allowed");
    const path = new URL(req.url ?? "/", "http://x").pathname;
    let file = FILES[path];
    if (!file && path.startsWith("/novnc/")) {
      const f = resolve(NOVNC_ROOT, "." + path.slice("/novnc".length));
      if ((f.startsWith(join(NOVNC_ROOT, "core") + sep) || f.startsWith(join(NOVNC_ROOT, "vendor") + sep)) && f.endsWith(".js")) file = f;
    }
    if (!file || !existsSync(file) || !statSync(file).isFile()) return send(404, "not found");
    resp.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-store", "x-content-type-options": "nosniff" });
    resp.end(req.method === "HEAD" ? undefined : readFileSync(file));
  }

  private upgrade(req: IncomingMessage, sock: Duplex, head: Buffer): void {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const origin = req.headers.origin;
    const refuse = (code: number, why: string): void => {
      this.opts.log?.(`web: WebSocket ${path} refused: ${why}`);
      sock.end(`HTTP/1.1 ${code} ${why}\r\nconnection: close\r\n\r\n`);
    };
    if (!this.hostAllowed(req)) return refuse(403, "Forbidden host");
    if (origin !== undefined && origin !== `http://${req.headers.host}`) return refuse(403, "Forbidden origin");
    if (path !== "/rfb" && path !== "/serial") return refuse(404, "Not Found");
    if (this.clients >= (this.opts.maxClients ?? 16)) return refuse(503, "Too many clients");
    this.wss.handleUpgrade(req, sock, head, (ws) => {
      this.clients++;
      ws.on("close", () => { this.clients--; });
      if (path === "/rfb") this.opts.rfb.attach(createWebSocketStream(ws), `web ${req.socket.remoteAddress}:${req.socket.remotePort}`);
      else this.serial(ws);
    });
  }

  private serial(ws: WebSocket): void {
    this.serialClients.add(ws);
    ws.on("close", () => this.serialClients.delete(ws));
    ws.on("error", () => ws.terminate());
    if (this.backlog.length) ws.send(Buffer.concat(this.backlog));
    ws.on("message", (data: Buffer | ArrayBuffer | Buffer[]) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (bytes.length > 65536) { ws.close(1009, "serial input message too large"); return; }
      if (!this.opts.serialIn(new Uint8Array(bytes))) { ws.pause(); this.opts.onSerialDrain(() => ws.resume()); }
    });
  }
}
