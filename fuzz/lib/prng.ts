// fuzz/lib/prng.ts — a small seeded PRNG (mulberry32) for reproducible random inputs: the node
// fuzz engine's mutator, the decoder cross-check and the native replay's random workouts.
/** Returns a generator of uniform numbers in [0, 1), fully determined by `seed`. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
