// Pieces shared by the iterative solvers: backward-mode gating, box bounds, noise, traces, option checks.
//
// Backward modes (chosen per call, as in Theseus):
//   'unroll'          the solution's gradient flows through every iteration;
//   { truncated: k }  only through the last k iterations: the iterate entering iteration T − k is detached;
//   'none'            the solution is a constant: the iterate entering iteration 0 is detached and the
//                     result is detached again (so nothing the objective closes over receives gradient).
// 'implicit' belongs to solvers differentiated at their solution (the QP layer); the iterative solvers here
// refuse it by name.
import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../tensor/check.ts';
import { defaultRng, type Rng } from '../tensor/rng.ts';
import { stopGradient } from '../tensor/stop-gradient.ts';
import { backwardKind, describeBackwardModes, type BackwardKind, type BackwardMode, type SolveOptions, type SolverTrace } from './types.ts';

/** The backward modes of the unrolled iterative solvers (dcem, novas, gd, adam). */
export const UNROLLED_BACKWARD_MODES: readonly BackwardKind[] = ['unroll', 'truncated', 'none'];

/**
 * Validates a backward mode against the modes `who` supports (default: the first of them); throws naming
 * the solver, the mode given and the accepted forms. `{ truncated: k }` is capped at `iterations`.
 */
export function checkBackward(
  mode: BackwardMode | undefined,
  iterations: number,
  who = 'solver',
  supported: readonly BackwardKind[] = UNROLLED_BACKWARD_MODES,
  fallback: BackwardMode = supported[0] === 'truncated' ? { truncated: 1 } : (supported[0] as Exclude<BackwardKind, 'truncated'>),
): BackwardMode {
  const m = mode ?? fallback;
  const known = m === 'unroll' || m === 'none' || m === 'implicit' || (typeof m === 'object' && m !== null && 'truncated' in m);
  if (!known) throw new Error(`${who}: backward must be ${describeBackwardModes(supported)} (got ${JSON.stringify(m)})`);
  if (!supported.includes(backwardKind(m))) {
    throw new Error(`${who}: backward ${JSON.stringify(m)} is not supported; ${who} supports ${describeBackwardModes(supported)}`);
  }
  if (typeof m === 'object') {
    if (!Number.isInteger(m.truncated) || m.truncated < 1) {
      throw new Error(`${who}: backward { truncated: k } needs an integer k ≥ 1 (got ${JSON.stringify(m)})`);
    }
    return { truncated: Math.min(m.truncated, iterations) };
  }
  return m;
}

/** Whether the iterate entering iteration `i` (0-based) of `iterations` must be detached. */
export function detachAt(mode: BackwardMode, i: number, iterations: number): boolean {
  if (mode === 'unroll' || mode === 'implicit') return false;
  if (mode === 'none') return i === 0;
  return i === iterations - mode.truncated;
}

/** Applies `detachAt` to a list of state tensors. */
export function gateIterates<T extends tf.Tensor[]>(mode: BackwardMode, i: number, iterations: number, state: T): T {
  return (detachAt(mode, i, iterations) ? state.map((t) => stopGradient(t)) : state) as T;
}

/** Resolved bounds as tensors broadcastable to `[B, n]` (or undefined when unbounded). */
export interface Bounds {
  lo: tf.Tensor;
  hi: tf.Tensor;
  /**
   * The bounds as two numbers when every entry of lo (and of hi) is the same: clipped by one tf.clipByValue,
   * whose value and X-gradient equal min(max(X, lo), hi) (broadcast minimum/maximum are slow kernels on wasm).
   */
  uniform?: [number, number];
}

/** Converts `[lo, hi]` (scalars, `[n]` or `[B, n]`) to tensors broadcastable against `[B, N, n]` via `[B|1, 1, n|1]`. */
export function resolveBounds(bounds: SolveOptions['bounds'], B: number, n: number): Bounds | undefined {
  if (!bounds) return undefined;
  const conv = (v: number | tf.Tensor, which: string): tf.Tensor => {
    if (typeof v === 'number') {
      if (Number.isNaN(v)) throw new Error(`bounds[${which}]: NaN is not a bound`);
      return tf.scalar(v).reshape([1, 1, 1]);
    }
    if (v.rank === 1 && v.shape[0] === n) return v.reshape([1, 1, n]);
    if (v.rank === 2 && v.shape[0] === B && v.shape[1] === n) return v.reshape([B, 1, n]);
    throw new ShapeError(`bounds[${which}]: expected a number, [n] = [${n}] or [B, n] = [${B}, ${n}] (got [${v.shape}])`);
  };
  const lo = conv(bounds[0], '0');
  const hi = conv(bounds[1], '1');
  if (tf.any(tf.greater(lo, hi)).dataSync()[0]) throw new Error('bounds: every lower bound must be ≤ its upper bound');
  const l = lo.dataSync();
  const h = hi.dataSync();
  const same = (a: ArrayLike<number>) => Array.prototype.every.call(a, (v: number) => v === a[0]);
  const constant = !(bounds[0] instanceof tf.Variable) && !(bounds[1] instanceof tf.Variable);
  return constant && same(l) && same(h) ? { lo, hi, uniform: [l[0]!, h[0]!] } : { lo, hi };
}

/** Clips X `[B, N, n]` (or `[B, n]`, treated as N = 1) into the bounds; identity when unbounded. */
export function clipToBounds(X: tf.Tensor, b: Bounds | undefined): tf.Tensor {
  if (!b) return X;
  if (b.uniform) return tf.clipByValue(X, b.uniform[0], b.uniform[1]);
  if (X.rank === 2) return tf.minimum(tf.maximum(X, b.lo.squeeze([1])), b.hi.squeeze([1]));
  return tf.minimum(tf.maximum(X, b.lo), b.hi);
}

/**
 * Standard-normal noise for iteration `i`: the slice `noise[i]` `[B, N, n]` when noise was injected, else a
 * fresh draw from `rng` (default: the process-wide generator).
 */
export function drawNoise(opts: SolveOptions, i: number, shape: [number, number, number]): tf.Tensor {
  if (opts.noise) {
    const nz = opts.noise;
    if (nz.rank !== 4 || nz.shape[1] !== shape[0] || nz.shape[2] !== shape[1] || nz.shape[3] !== shape[2]) {
      throw new ShapeError(`noise: expected [iters, B, N, n] = [*, ${shape.join(', ')}] (got [${nz.shape}])`);
    }
    if (i >= nz.shape[0]!) throw new ShapeError(`noise: has ${nz.shape[0]} iterations of noise but iteration ${i} needs one`);
    return tf.slice(nz, [i, 0, 0, 0], [1, ...shape]).reshape(shape);
  }
  return (opts.rng ?? defaultRng()).normalTensor(shape);
}

/** Positive integer option check with a clear message. */
export function positiveInt(name: string, v: unknown, fallback: number): number {
  const x = v === undefined ? fallback : v;
  if (typeof x !== 'number' || !Number.isInteger(x) || x < 1) throw new Error(`${name}: expected a positive integer (got ${String(v)})`);
  return x;
}

/** Checks init.mean `[B, n]` (and std, `[B, n]` or `[n]` or scalar) and returns B, n. */
export function checkInit(init: { mean: tf.Tensor; std?: tf.Tensor }): { B: number; n: number } {
  if (init.mean.rank !== 2) throw new ShapeError(`init.mean: expected shape [B, n] (got [${init.mean.shape}])`);
  const [B, n] = init.mean.shape as [number, number];
  if (init.std) {
    const s = init.std.shape;
    const ok = init.std.rank === 0 || (init.std.rank === 1 && s[0] === n) || (init.std.rank === 2 && s[0] === B && s[1] === n);
    if (!ok) throw new ShapeError(`init.std: expected a scalar, [n] = [${n}] or [B, n] = [${B}, ${n}] (got [${s}])`);
  }
  return { B, n };
}

/** Accumulates per-iteration mean/std/best of the objective values `[B, N]` (host copies). */
export class TraceRecorder {
  readonly trace: SolverTrace = { mean: [], std: [], best: [] };
  record(values: tf.Tensor): void {
    const [B, N] = values.shape as [number, number];
    const d = values.dataSync();
    const mean: number[] = [];
    const std: number[] = [];
    const best: number[] = [];
    for (let b = 0; b < B; b++) {
      let s = 0;
      let s2 = 0;
      let m = Infinity;
      for (let j = 0; j < N; j++) {
        const v = d[b * N + j]!;
        s += v;
        s2 += v * v;
        m = Math.min(m, v);
      }
      const mu = s / N;
      mean.push(mu);
      std.push(Math.sqrt(Math.max(0, s2 / N - mu * mu)));
      best.push(m);
    }
    this.trace.mean.push(mean);
    this.trace.std.push(std);
    this.trace.best.push(best);
  }
}

export { defaultRng, type Rng };
