// The energy network E_θ(x, y) evaluated on many rows (x_r, y_r) at once, for the fused energy ops
// (energy-dcem-fused.ts, energy-novas-fused.ts), which run the solver's iteration on the host and the
// network in tfjs:
//   forward   a_0 = (x, y),  z_l = a_{l−1} W_l + b_l,  a_l = φ(z_l),  E = z_L                     `[R]`
//   slope     ∂E/∂y as a tangent carried through the layers: t_0 = (0, 1),  t_l = φ'(z_l) ⊙ (t_{l−1} W_l)
//   VJP       ∂/∂θ Σ_r g_r E(x_r, y_r): reverse mode from the kept a_l and φ'(z_l), one pass over all rows
//             (plain products of explicit transposes, which the wasm backend runs fastest)
// Softplus and its derivative σ come from one SIMD kernel pass where it runs (src/tensor/softplus-kernel.ts),
// else from `softplusValue` and tf.sigmoid; nothing here is recorded on a tape: the callers are custom ops
// with their own backward.
import * as tf from '@tensorflow/tfjs';
import type { Activation } from '../models/mlp.ts';
import { ShapeError } from '../tensor/check.ts';
import { softplusKernel } from '../tensor/softplus-kernel.ts';
import { softplusValue } from '../tensor/softplus-value.ts';
import { tapeDepth } from '../tensor/tape.ts';

/** The network as weights `[in, out]` and biases `[out]` per layer, activation between layers. */
export interface EnergyLayers {
  weights: tf.Tensor[];
  biases: tf.Tensor[];
  activation: Activation;
}

/** Activations with a fused kernel: φ(z) and, when asked, its derivative φ'(z). */
const SLOPES: Partial<Record<Activation, (z: tf.Tensor, withDerivative: boolean) => [tf.Tensor, tf.Tensor | null]>> = {
  softplus: (z, withD) => {
    const fast = softplusKernel(z, withD);
    return fast ? [fast.value, fast.sigmoid] : [softplusValue(z), withD ? tf.sigmoid(z) : null];
  },
  tanh: (z, withD) => {
    const t = tf.tanh(z);
    return [t, withD ? tf.sub(1, tf.square(t)) : null];
  },
};

/** Whether the fused energy ops support networks with this activation. */
export function energyRowsSupport(activation: Activation): boolean {
  return activation in SLOPES;
}

/** The activations `energyRows` supports, for error messages. */
export const ENERGY_ROWS_ACTIVATIONS = Object.keys(SLOPES);

/** Checks that the layers map [2, …, 1] with one bias per weight; `who` names the caller in the error. */
export function checkEnergyLayers(who: string, L: EnergyLayers): void {
  if (!energyRowsSupport(L.activation)) throw new Error(`${who}: activation "${L.activation}" is not supported (use ${ENERGY_ROWS_ACTIVATIONS.join(', ')}, or the generic solver)`);
  const nL = L.weights.length;
  if (nL < 1 || L.biases.length !== nL || L.weights[0]!.shape[0] !== 2 || L.weights[nL - 1]!.shape[1] !== 1) {
    throw new ShapeError(`${who}: expected layers [2, …, 1] with one bias per weight (got weights ${L.weights.map((w) => `[${w.shape}]`).join(' ')})`);
  }
}

/** Rows (x_r, y_r) as the network's input `[R, 2]`, or with `ones` as (x_r, y_r, 1) `[R, 3]` (for the VJP's bias). */
function inputRows(xs: Float32Array, ys: Float32Array | Float64Array, ones = false): tf.Tensor2D {
  const R = xs.length;
  const w = ones ? 3 : 2;
  const inp = new Float32Array(w * R);
  for (let r = 0; r < R; r++) {
    inp[w * r] = xs[r]!;
    inp[w * r + 1] = ys[r]!;
    if (ones) inp[w * r + 2] = 1;
  }
  return tf.tensor2d(inp, [R, w]);
}

export interface EnergyRowsOptions {
  /** Receives what `energyRowsVjp` needs: the input with a ones column `[R, 3]`, then per hidden layer a_l and φ'(z_l) `[R, H_l]` (the caller owns them). */
  keep?: tf.Tensor[];
  /** Also return the slope ∂E/∂y `[R]`. */
  slope?: boolean;
}

/**
 * E `[R]` on rows (x_r, y_r), and with `slope` the slope ∂E/∂y `[R]` (see the file header).
 *
 * @example
 * const { E } = energyRows(layers, Float32Array.of(1, 1), Float64Array.of(0, 2)) // E(1, 0), E(1, 2)
 */
export function energyRows(L: EnergyLayers, xs: Float32Array, ys: Float32Array | Float64Array, o: EnergyRowsOptions = {}): { E: Float32Array; slope: Float32Array | null } {
  const R = xs.length;
  const act = SLOPES[L.activation]!;
  const keep = o.keep ?? null;
  const kept: tf.Tensor[] = [];
  const out = tf.tidy(() => {
    let h: tf.Tensor = inputRows(xs, ys);
    if (keep) kept.push(tf.keep(inputRows(xs, ys, true)));
    // The tangent of the input along y: the rows' second coordinate.
    let t: tf.Tensor | null = o.slope ? tf.tensor2d(new Float32Array(2 * R).map((_, i) => i & 1), [R, 2]) : null;
    const last = L.weights.length - 1;
    for (let l = 0; l <= last; l++) {
      const z = tf.fused.matMul({ a: h as tf.Tensor2D, b: L.weights[l] as tf.Tensor2D, bias: L.biases[l]! });
      const tz = t ? tf.matMul(t as tf.Tensor2D, L.weights[l] as tf.Tensor2D) : null;
      if (l === last) {
        h = z;
        t = tz;
        continue;
      }
      const [a, d] = act(z, tz !== null || keep !== null);
      h = a;
      if (d) {
        if (tz) t = tf.mul(tz, d);
        if (keep) kept.push(tf.keep(h), tf.keep(d));
      }
    }
    return t ? tf.concat([h, t], 1) : h;
  });
  keep?.push(...kept);
  const d = out.dataSync() as Float32Array;
  out.dispose();
  if (!o.slope) return { E: d, slope: null };
  const E = new Float32Array(R);
  const slope = new Float32Array(R);
  for (let r = 0; r < R; r++) {
    E[r] = d[2 * r]!;
    slope[r] = d[2 * r + 1]!;
  }
  return { E, slope };
}

/**
 * ∂/∂θ of Σ_r g_r E(x_r, y_r) `[R]`: one vector-Jacobian product over all rows, from the forward's kept
 * tensors (`saved`: the input, then a_l, φ'(z_l) per hidden layer, each concatenated over the rows).
 */
export function energyRowsVjp(L: EnergyLayers, saved: tf.Tensor[], g: Float32Array): { dW: tf.Tensor[]; db: tf.Tensor[] } {
  return tf.tidy(() => {
    const last = L.weights.length - 1;
    const input = (l: number): tf.Tensor => saved[2 * l - 1]!;
    // Column sums as a product with a row of ones (a Sum over axis 0 transposes first on wasm).
    const ones = tf.ones([1, g.length]) as tf.Tensor2D;
    let gz: tf.Tensor = tf.tensor2d(g, [g.length, 1]);
    const dW: tf.Tensor[] = new Array(last + 1);
    const db: tf.Tensor[] = new Array(last + 1);
    for (let l = last; l > 0; l--) {
      dW[l] = tf.matMul(tf.transpose(input(l)) as tf.Tensor2D, gz as tf.Tensor2D);
      db[l] = tf.reshape(tf.matMul(ones, gz as tf.Tensor2D), [-1]);
      gz = tf.mul(tf.matMul(gz as tf.Tensor2D, tf.transpose(L.weights[l]!) as tf.Tensor2D), saved[2 * l]!);
    }
    // The input layer is narrow: (gzᵀ [a₀, 1])ᵀ packs the [R, 3] input, not the [R, H] cotangent.
    const g0 = tf.transpose(tf.matMul(tf.transpose(gz) as tf.Tensor2D, saved[0] as tf.Tensor2D));
    dW[0] = tf.slice(g0, [0, 0], [2, -1]);
    db[0] = tf.reshape(tf.slice(g0, [2, 0], [1, -1]), [-1]);
    return { dW, db };
  });
}

/** What a fused op's host forward returns to `energyRowsOp`. */
export interface EnergyRowsForward {
  /** ŷ `[B]`. */
  value: Float32Array | Float64Array;
  /** Under a tape: the kept tensors of the differentiated rows (`energyRows`' `keep`, concatenated over passes). */
  saved: tf.Tensor[] | null;
  /** ḡE of each saved row `[R']` from ḡŷ `[B]`. */
  rowCotangents: (dy: Float32Array) => Float32Array;
  /** The VJP over the saved rows when they are not all here (energy-shards.ts); default `energyRowsVjp`. */
  vjp?: (saved: tf.Tensor[], g: Float32Array) => { dW: tf.Tensor[]; db: tf.Tensor[] };
}

/**
 * A differentiable op ŷ `[B]` = run(x) whose gradient reaches the network's weights through the energies of
 * the saved rows: ∂L/∂θ = Σ_r ḡE_r ∂E_r/∂θ by `energyRowsVjp` (x is data: its cotangent is 0). `run` gets
 * each x_b repeated N times `[B·N]` and whether a tape records the op. The saved tensors are the op's (freed
 * with the tape); `who` names the op in errors.
 */
export function energyRowsOp(who: string, layers: EnergyLayers, x: tf.Tensor, N: number, run: (xRows: Float32Array, taped: boolean) => EnergyRowsForward): tf.Tensor {
  const B = x.shape[0]!;
  const inputs = [x, ...layers.weights, ...layers.biases];
  const op = tf.customGrad(((...args: tf.Tensor[]) => {
    const taped = tapeDepth() > 0;
    // tf.customGrad appends its `save`: tensors given to it reach the backward (and are freed with the tape).
    const save = args[inputs.length] as unknown as (ts: tf.Tensor[]) => void;
    const xv = args[0]!.dataSync() as Float32Array;
    const xRows = new Float32Array(B * N);
    for (let b = 0; b < B; b++) xRows.fill(xv[b]!, b * N, (b + 1) * N);
    const r = run(xRows, taped);
    if (r.saved) {
      save(r.saved);
      tf.dispose(r.saved);
    }
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      if (!r.saved) throw new Error(`${who}: backward called on a forward run outside a gradient tape`);
      const g = r.rowCotangents(dy.dataSync() as Float32Array);
      const { dW, db } = r.vjp ? r.vjp(saved, g) : energyRowsVjp(layers, saved, g);
      return [tf.zerosLike(args[0]!), ...dW, ...db];
    };
    return { value: tf.tensor1d(Float32Array.from(r.value), 'float32'), gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(...inputs);
}
