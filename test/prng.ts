/** mulberry32: the seeded, reproducible PRNG of every fuzz and generated-input test. */
export type Rng = () => number;

export function prng(seed: number): Rng {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The seed of a fuzz test: `fallback` (fixed, so every run tests the same inputs) unless FUZZ_SEED says otherwise:
 * a number replays that seed, `random` draws a new one (the caller prints it so a failure can be replayed).
 */
export function fuzzSeed(env: string | undefined, fallback: number): number {
  if (env === undefined || env === '') return fallback;
  if (env === 'random') return Math.floor(Math.random() * 2 ** 31);
  const n = Number(env);
  if (!Number.isInteger(n) || n < 0) throw new Error(`FUZZ_SEED must be a non-negative integer or "random", not ${JSON.stringify(env)}`);
  return n;
}
