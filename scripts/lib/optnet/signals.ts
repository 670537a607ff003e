// Piecewise-constant signals with Gaussian noise, the data of OptNet's denoising experiment (§5.3; its
// generator's settings): per signal k ~ U{1..9} constant pieces split at k − 1 distinct breakpoints drawn from
// 1..n−2 (ends at 0 and n), integer heights ~ U{10..99}, observation y = x + N(0, σ²) with σ = 10.
// MSE below is the mean over signals and entries (PyTorch's MSELoss, the paper's table): the noise alone
// scores σ² = 100.
import { Rng } from '../../../src/tensor/rng.ts';

export interface SignalSet {
  n: number;
  len: number;
  /** `[n, len]` noisy observations. */
  noisy: Float32Array;
  /** `[n, len]` true signals. */
  clean: Float32Array;
}

export interface SignalOptions {
  len?: number;
  noise?: number;
}

export function signalSet(count: number, seed: number, o: SignalOptions = {}): SignalSet {
  const len = o.len ?? 100, sigma = o.noise ?? 10;
  if (!Number.isInteger(count) || count < 1) throw new Error(`signalSet: count must be a positive integer (got ${count})`);
  if (!Number.isInteger(len) || len < 10) throw new Error(`signalSet: len must be an integer ≥ 10 (got ${len})`);
  const rng = new Rng(seed);
  const noisy = new Float32Array(count * len), clean = new Float32Array(count * len);
  for (let s = 0; s < count; s++) {
    const pieces = 1 + rng.int(9);
    const pool = Array.from({ length: len - 2 }, (_, i) => i + 1);
    const bps: number[] = [];
    for (let k = 0; k < pieces - 1; k++) bps.push(pool.splice(rng.int(pool.length), 1)[0]!);
    const ends = [0, ...bps.sort((a, b) => a - b), len];
    for (let k = 0; k + 1 < ends.length; k++) {
      const hgt = 10 + rng.int(90);
      for (let i = ends[k]!; i < ends[k + 1]!; i++) clean[s * len + i] = hgt;
    }
    for (let i = 0; i < len; i++) noisy[s * len + i] = clean[s * len + i]! + sigma * rng.normal();
  }
  return { n: count, len, noisy, clean };
}

/** Mean squared error over every entry. */
export function mse(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`mse: lengths differ (${a.length} vs ${b.length})`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return s / a.length;
}
