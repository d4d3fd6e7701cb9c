// Guest-error reporting for the e1000: constant strings only, each one a counted kind of the
// shared log (lib/log.ts: the first occurrence is logged, repeats are counted and reported at
// dev_reset), so a guest that keeps programming garbage costs neither log lines nor memory.
import { guestError } from "../../lib/log";

export function warn(msg: string): void {
  guestError(msg);
}
