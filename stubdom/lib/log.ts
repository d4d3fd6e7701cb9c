// Logging through the `log` capability, with a static buffer (no allocation per message beyond
// the string itself) and a per-device budget so a guest cannot flood the host's log.
import { log, LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG } from "./abi";

const buf = new StaticArray<u8>(512);
let budget: i32 = 1000;

function emit(level: i32, msg: string): void {
  if (budget <= 0) return;
  budget--;
  const n = String.UTF8.encodeUnsafe(changetype<usize>(msg), min(msg.length, 170), changetype<usize>(buf), false);
  log(level, changetype<usize>(buf), <i32>n);
}

export function logError(msg: string): void { emit(LOG_ERROR, msg); }
export function logWarn(msg: string): void { emit(LOG_WARN, msg); }
export function logInfo(msg: string): void { emit(LOG_INFO, msg); }
export function logDebug(msg: string): void { emit(LOG_DEBUG, msg); }

// Guest errors (garbage programmed into registers): rate limited by the same budget. The budget
// is checked before the message is built: under the stub runtime every concatenation is a bump
// allocation that is never freed, so a guest repeating an error must not cost memory once the
// budget is spent.
export function guestError(msg: string): void {
  if (budget <= 0) return;
  emit(LOG_WARN, "guest error: " + msg);
}

// True while messages still get through: callers that build a message from values check this
// first, so a spent budget costs no allocation.
export function logging(): bool { return budget > 0; }

// Restores the log budget (called by dev_reset so a rebooted guest gets a fresh one).
export function resetLogBudget(): void { budget = 1000; }
