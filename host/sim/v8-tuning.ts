// V8 settings for a development boot. Both the device modules and v86 (its core and the small
// modules its JIT emits) are Wasm; by default V8 first compiles Wasm with its baseline compiler
// (Liftoff) and optimises hot functions later, which dominates a cold boot. With optimised code
// from the start (--no-liftoff; compilation stays lazy, per function) `stubdom boot` of the test
// disk took 3.5 s instead of 4.7 s end to end (v86 load included; eager compilation made v86's
// load 3.5 s and lost the gain) on the 2-core dev machine at load ≈ 10. Process-wide and only
// for code compiled afterwards, so the command calls this before it creates the machine; the
// test suite does not (it would change every unit test's Wasm compilation).
import v8 from "node:v8";

let applied = false;

export function preferOptimizedWasm(): void {
  if (applied) return;
  applied = true;
  v8.setFlagsFromString("--no-liftoff");
}
