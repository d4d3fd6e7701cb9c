// The web console page's script (served by host/web/server.ts): noVNC's RFB client on the
// screen, over the /rfb WebSocket; xterm.js on the serial console, over /serial (guest bytes
// shown as they come; typed keys sent as UTF-8, paced on the server by the UART's receive room).
// window.stubdom exposes both for the browser tests (test/browser/). `?serial=off` leaves the
// serial console out (the page served by websockify in front of the Xen helper's VNC server,
// where every WebSocket path leads to the VNC server: docs/xen.md).
import RFB from "/novnc/core/rfb.js";
import { Terminal } from "/xterm/xterm.mjs";

const wsUrl = (path) => `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${path}`;
const status = (id, text) => { document.getElementById(id).textContent = text; };

const rfb = new RFB(document.getElementById("screen"), wsUrl("/rfb"), { shared: true });
rfb.scaleViewport = false;
rfb.resizeSession = false;
rfb.focusOnClick = true;
rfb.addEventListener("connect", () => status("screen-status", "connected"));
rfb.addEventListener("credentialsrequired", () => {
  // the Xen helper's VNC with vncpasswd (docs/xen.md); the development host asks for none
  const password = window.prompt("VNC password");
  if (password !== null) rfb.sendCredentials({ password });
});
rfb.addEventListener("disconnect", (e) => status("screen-status", e.detail.clean ? "disconnected" : "connection lost"));

const term = new Terminal({ cols: 100, rows: 30, scrollback: 5000, convertEol: false });
term.open(document.getElementById("serial"));
const serial = { connected: false, received: 0 };
if (new URLSearchParams(location.search).get("serial") === "off") {
  status("serial-status", "off");
  term.write("(no serial console on this page)\r\n");
} else {
  const encoder = new TextEncoder();
  const ws = new WebSocket(wsUrl("/serial"));
  ws.binaryType = "arraybuffer";
  ws.onopen = () => { serial.connected = true; status("serial-status", "connected"); };
  ws.onclose = () => { serial.connected = false; status("serial-status", "disconnected"); };
  ws.onmessage = (e) => {
    const bytes = new Uint8Array(e.data);
    serial.received += bytes.length;
    term.write(bytes);
  };
  term.onData((data) => { if (ws.readyState === WebSocket.OPEN) ws.send(encoder.encode(data)); });
}

window.stubdom = { rfb, term, serial };
