// Unrolled gradient descent on the energy network as ONE differentiable op, in plain Float64 JS:
//   y_0 = 0,  y_{t+1} = y_t − α s(y_t),  s(y) = ∂E_θ(x, y)/∂y,  ŷ = y_T  `[B]` for x `[B]`
// (src/solvers/gd.ts with n = 1, unbounded; the protocol's 'gd-10').
//
// Why: with one point per update every layer is a matrix–vector product, and the generic unroll (an inner
// tf.grad recorded on the outer tape, ~2 000 tfjs kernels per update) spends its time dispatching kernels.
// Here, per row and step, the network runs forward with its y-tangent carried along
//   z_l = W_lᵀ a_{l−1} + b_l,  a_l = φ(z_l);   ż_l = W_lᵀ ṫ_{l−1},  ṫ_l = φ'(z_l) ⊙ ż_l;   s = ż_L
// (a_0 = (x, y), ṫ_0 = (0, 1)), and the backward walks the steps in reverse with
//   ḡy_t = ḡy_{t+1} + ∂/∂y [c s](y_t),  ḡθ += ∂/∂θ [c s](y_t),  c = −α ḡy_{t+1},
// the vector-Jacobian product of s (the second derivatives ∂²E/∂y², ∂²E/∂y∂θ) by reverse mode through both
// passes:  ḡż_{l} = φ'(z_l) ⊙ ḡṫ_l,  ḡz_l = φ''(z_l) ⊙ ż_l ⊙ ḡṫ_l + φ'(z_l) ⊙ ḡa_l,
//          ḡW_l += a_{l−1} ḡz_lᵀ + ṫ_{l−1} ḡż_lᵀ,  ḡb_l += ḡz_l,  ḡa_{l−1} = W_l ḡz_l,  ḡṫ_{l−1} = W_l ḡż_l.
// Gradients reach the network's weights only (x is data: cotangent 0); a gradient of this gradient is refused.
import * as tf from '@tensorflow/tfjs';
import type { Activation } from '../models/mlp.ts';
import { NonFiniteError, ShapeError } from '../tensor/check.ts';
import { tapeDepth } from '../tensor/tape.ts';
import type { EnergyLayers } from './energy-rows.ts';

/** φ(z), φ'(z), φ''(z) of the activations this op supports. */
const ACTS: Partial<Record<Activation, (z: number) => [number, number, number]>> = {
  softplus: (z) => {
    const s = 1 / (1 + Math.exp(-z));
    return [z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)), s, s * (1 - s)];
  },
  tanh: (z) => {
    const t = Math.tanh(z);
    return [t, 1 - t * t, -2 * t * (1 - t * t)];
  },
};

/** Whether `fusedEnergyGd` supports networks with this activation. */
export function fusedGdSupports(activation: Activation): boolean {
  return activation in ACTS;
}

interface Net {
  sizes: number[];
  W: Float64Array[];
  b: Float64Array[];
  act: (z: number) => [number, number, number];
}

/** One row's forward with tangent; per hidden layer l: a_l, φ'(z_l), φ''(z_l), ż_l. Returns s. */
function rowForward(net: Net, x: number, y: number, keep: Float64Array[] | null): number {
  const L = net.W.length;
  let a = Float64Array.of(x, y);
  let t = Float64Array.of(0, 1);
  for (let l = 0; l < L; l++) {
    const nIn = net.sizes[l]!;
    const nOut = net.sizes[l + 1]!;
    const W = net.W[l]!;
    const z = Float64Array.from(net.b[l]!);
    const zd = new Float64Array(nOut);
    for (let i = 0; i < nIn; i++) {
      const ai = a[i]!;
      const ti = t[i]!;
      const o = i * nOut;
      for (let j = 0; j < nOut; j++) {
        z[j] += ai * W[o + j]!;
        zd[j] += ti * W[o + j]!;
      }
    }
    if (l === L - 1) return zd[0]!;
    const a2 = new Float64Array(nOut);
    const d1 = new Float64Array(nOut);
    const d2 = new Float64Array(nOut);
    const t2 = new Float64Array(nOut);
    for (let j = 0; j < nOut; j++) {
      const [f, f1, f2] = net.act(z[j]!);
      a2[j] = f;
      d1[j] = f1;
      d2[j] = f2;
      t2[j] = f1 * zd[j]!;
    }
    keep?.push(a2, d1, d2, zd);
    a = a2;
    t = t2;
  }
  return NaN; // unreachable: L ≥ 1
}

/**
 * Accumulates ∂/∂θ [c s] into gW, gb and returns ∂/∂y [c s] for one row, from its kept forward
 * (`keep`: per hidden layer a_l, φ'(z_l), φ''(z_l), ż_l).
 */
function rowBackward(net: Net, x: number, y: number, keep: Float64Array[], c: number, gW: Float64Array[], gb: Float64Array[]): number {
  const L = net.W.length;
  const aOf = (l: number): Float64Array => (l === 0 ? Float64Array.of(x, y) : keep[4 * (l - 1)]!);
  const tOf = (l: number): Float64Array => {
    if (l === 0) return Float64Array.of(0, 1);
    const d1 = keep[4 * (l - 1) + 1]!;
    const zd = keep[4 * (l - 1) + 3]!;
    return d1.map((v, j) => v * zd[j]!);
  };
  // Output layer: s = ż_L; ḡż_L = c, ḡz_L = 0.
  let gz = new Float64Array(1);
  let gzd = Float64Array.of(c);
  for (let l = L - 1; l >= 0; l--) {
    const nIn = net.sizes[l]!;
    const nOut = net.sizes[l + 1]!;
    const W = net.W[l]!;
    const a = aOf(l);
    const t = tOf(l);
    const GW = gW[l]!;
    const Gb = gb[l]!;
    const ga = new Float64Array(nIn);
    const gt = new Float64Array(nIn);
    for (let j = 0; j < nOut; j++) Gb[j] += gz[j]!;
    for (let i = 0; i < nIn; i++) {
      const o = i * nOut;
      const ai = a[i]!;
      const ti = t[i]!;
      let sa = 0;
      let st = 0;
      for (let j = 0; j < nOut; j++) {
        const w = W[o + j]!;
        GW[o + j] += ai * gz[j]! + ti * gzd[j]!;
        sa += w * gz[j]!;
        st += w * gzd[j]!;
      }
      ga[i] = sa;
      gt[i] = st;
    }
    if (l === 0) return ga[1]!;
    const d1 = keep[4 * (l - 1) + 1]!;
    const d2 = keep[4 * (l - 1) + 2]!;
    const zd = keep[4 * (l - 1) + 3]!;
    gzd = new Float64Array(nIn);
    gz = new Float64Array(nIn);
    for (let i = 0; i < nIn; i++) {
      gzd[i] = d1[i]! * gt[i]!;
      gz[i] = d2[i]! * zd[i]! * gt[i]! + d1[i]! * ga[i]!;
    }
  }
  return NaN; // unreachable
}

/**
 * ŷ `[B]` = y_T of T unrolled steps y ← y − α ∂E/∂y from y = 0, differentiable w.r.t. the layers' weights
 * (second order; see the file header). x `[B]`.
 */
export function fusedEnergyGd(layers: EnergyLayers, x: tf.Tensor, o: { steps: number; lr: number }): tf.Tensor {
  const act = ACTS[layers.activation];
  if (!act) throw new Error(`fusedEnergyGd: activation "${layers.activation}" is not supported (use ${Object.keys(ACTS).join(', ')}, or the generic gd solver)`);
  if (x.rank !== 1) throw new ShapeError(`fusedEnergyGd: x must be [B] (got [${x.shape}])`);
  const nL = layers.weights.length;
  if (nL < 1 || layers.biases.length !== nL || layers.weights[0]!.shape[0] !== 2 || layers.weights[nL - 1]!.shape[1] !== 1) {
    throw new ShapeError(`fusedEnergyGd: expected layers [2, …, 1] with one bias per weight (got weights ${layers.weights.map((w) => `[${w.shape}]`).join(' ')})`);
  }
  const { steps: T, lr } = o;
  if (!Number.isInteger(T) || T < 1) throw new Error(`fusedEnergyGd: steps must be a positive integer (got ${T})`);
  if (!(lr > 0 && Number.isFinite(lr))) throw new Error(`fusedEnergyGd: lr must be a positive finite number (got ${lr})`);
  if (tapeDepth() > 1) throw new Error('fusedEnergyGd: a gradient of its gradient is not supported (use the generic gd solver)');
  const B = x.shape[0]!;
  const inputs = [x, ...layers.weights, ...layers.biases];
  const op = tf.customGrad(((...args: tf.Tensor[]) => {
    const taped = tapeDepth() > 0;
    const net: Net = {
      sizes: [2, ...layers.weights.map((w) => w.shape[1]!)],
      W: layers.weights.map((w) => Float64Array.from(w.dataSync())),
      b: layers.biases.map((b) => Float64Array.from(b.dataSync())),
      act,
    };
    const xv = Float64Array.from(args[0]!.dataSync());
    // ys[t·B + b] = y_t of problem b; keeps[t·B + b] its forward at y_t.
    const ys = new Float64Array((T + 1) * B);
    const keeps: Float64Array[][] = [];
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        const keep = taped ? [] : null;
        const s = rowForward(net, xv[b]!, ys[t * B + b]!, keep);
        if (!Number.isFinite(s)) throw new NonFiniteError(`gd (fused energy): the energy's slope ∂E/∂y was not finite at step ${t + 1} for point ${b} (x = ${xv[b]})`);
        ys[(t + 1) * B + b] = ys[t * B + b]! - lr * s;
        if (keep) keeps.push(keep);
      }
    }
    const value = tf.tensor1d(Float32Array.from(ys.subarray(T * B)), 'float32');
    const gradFunc = (dy: tf.Tensor): tf.Tensor[] => {
      if (keeps.length === 0) throw new Error('fusedEnergyGd: backward called on a forward run outside a gradient tape');
      const gW = net.W.map((w) => new Float64Array(w.length));
      const gb = net.b.map((v) => new Float64Array(v.length));
      const gy = Float64Array.from(dy.dataSync());
      for (let t = T - 1; t >= 0; t--) {
        for (let b = 0; b < B; b++) {
          gy[b] += rowBackward(net, xv[b]!, ys[t * B + b]!, keeps[t * B + b]!, -lr * gy[b]!, gW, gb);
        }
      }
      return [
        tf.zerosLike(args[0]!),
        ...gW.map((g, l) => tf.tensor(Float32Array.from(g), layers.weights[l]!.shape, 'float32')),
        ...gb.map((g, l) => tf.tensor(Float32Array.from(g), layers.biases[l]!.shape, 'float32')),
      ];
    };
    return { value, gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(...inputs);
}
