// Guest-error reporting with the device's own budget, called with constant strings only, so a
// guest that keeps programming garbage costs neither log lines nor memory (the stub runtime never
// frees, and the shared guestError() builds its message before consulting its budget).
import { guestError } from "../../lib/log";

let budget: i32 = 64;

export function warn(msg: string): void {
  if (budget <= 0) return;
  budget--;
  guestError(msg);
}

export function warnReset(): void {
  budget = 64;
}
