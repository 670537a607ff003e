// Learned dynamics: an (ensemble of) MLP(s) predicting the normalized state change, as in PETS
// (Chua et al. 2018) without the probabilistic head:
//   x_{t+1} = x_t + μ_Δ + σ_Δ ⊙ mean_k MLP_k( (x_t − μ_x)/σ_x , (u_t − μ_u)/σ_u )
// The normalization statistics (μ, σ) are set from data before fitting (`setNormalization`) and are not
// trained. With K > 1 members, `step` averages the members (the planning mean); `stepMember` exposes each
// member for disagreement estimates. Rows `[R, nx]`, `[R, nu]` → `[R, nx]`.
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../tensor/rng.ts';
import { MLP, type Activation } from './mlp.ts';
import type { DynamicsModel } from './types.ts';

export interface MLPDynamicsConfig {
  stateDim: number;
  actionDim: number;
  hidden?: number[];
  activation?: Activation;
  ensemble?: number;
  rng?: Rng;
}

export interface Normalization {
  xMean: number[];
  xStd: number[];
  uMean: number[];
  uStd: number[];
  dMean: number[];
  dStd: number[];
}

let instanceCount = 0;

export class MLPDynamics implements DynamicsModel {
  readonly stateDim: number;
  readonly actionDim: number;
  readonly members: MLP[];
  /** The normalization statistics (stds floored), as set; the tensors below are derived from them. */
  private stats: Normalization;
  /** Input normalization of the concatenated [x, u]: (μ_x, μ_u) and (σ_x, σ_u), `[nx + nu]`. */
  private inMean: tf.Tensor1D;
  private inStd: tf.Tensor1D;
  /** Output scale of the predicted change: μ_Δ and σ_Δ, `[nx]`. */
  private dMean: tf.Tensor1D;
  private dStd: tf.Tensor1D;
  readonly config: Required<Omit<MLPDynamicsConfig, 'rng'>>;

  constructor(cfg: MLPDynamicsConfig) {
    this.stateDim = cfg.stateDim;
    this.actionDim = cfg.actionDim;
    this.config = {
      stateDim: cfg.stateDim,
      actionDim: cfg.actionDim,
      hidden: cfg.hidden ?? [64, 64],
      activation: cfg.activation ?? 'swish',
      ensemble: cfg.ensemble ?? 1,
    };
    if (!Number.isInteger(this.config.ensemble) || this.config.ensemble < 1) throw new Error(`MLPDynamics ensemble: expected a positive integer (got ${this.config.ensemble})`);
    const rng = cfg.rng ?? new Rng(0);
    // tf variable names are global: number the instances so that several models can coexist.
    const instance = instanceCount++;
    this.members = Array.from(
      { length: this.config.ensemble },
      (_, k) =>
        new MLP({
          sizes: [cfg.stateDim + cfg.actionDim, ...this.config.hidden, cfg.stateDim],
          activation: this.config.activation,
          rng: rng.split(),
          name: `dynamics${instance}/member${k}`,
        }),
    );
    const z = (n: number) => new Array<number>(n).fill(0);
    const o = (n: number) => new Array<number>(n).fill(1);
    [this.stats, this.inMean, this.inStd, this.dMean, this.dStd] = MLPDynamics.tensorsOf({ xMean: z(cfg.stateDim), xStd: o(cfg.stateDim), uMean: z(cfg.actionDim), uStd: o(cfg.actionDim), dMean: z(cfg.stateDim), dStd: o(cfg.stateDim) });
  }

  /** Floors the stds at 1e-6 and builds the kept tensors [inMean, inStd, dMean, dStd] from the statistics. */
  private static tensorsOf(n: Normalization): [Normalization, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D] {
    const floor = (v: number[]) => v.map((s) => Math.max(s, 1e-6));
    const stats: Normalization = { xMean: [...n.xMean], xStd: floor(n.xStd), uMean: [...n.uMean], uStd: floor(n.uStd), dMean: [...n.dMean], dStd: floor(n.dStd) };
    const t = (v: number[]) => tf.keep(tf.tensor1d(v));
    return [stats, t([...stats.xMean, ...stats.uMean]), t([...stats.xStd, ...stats.uStd]), t(stats.dMean), t(stats.dStd)];
  }

  /** Sets the input/output normalization (std floored at 1e-6). */
  setNormalization(n: Normalization): void {
    const lengths = { xMean: this.stateDim, xStd: this.stateDim, uMean: this.actionDim, uStd: this.actionDim, dMean: this.stateDim, dStd: this.stateDim };
    for (const [k, len] of Object.entries(lengths)) {
      const v = n[k as keyof Normalization];
      if (v.length !== len) throw new Error(`MLPDynamics.setNormalization: ${k} needs ${len} values (got ${v.length})`);
    }
    tf.dispose([this.inMean, this.inStd, this.dMean, this.dStd]);
    [this.stats, this.inMean, this.inStd, this.dMean, this.dStd] = MLPDynamics.tensorsOf(n);
  }

  getNormalization(): Normalization {
    const s = this.stats;
    return { xMean: [...s.xMean], xStd: [...s.xStd], uMean: [...s.uMean], uStd: [...s.uStd], dMean: [...s.dMean], dStd: [...s.dStd] };
  }

  /** Normalized network input `[R, nx + nu]`. */
  private input(x: tf.Tensor, u: tf.Tensor): tf.Tensor {
    return tf.div(tf.sub(tf.concat([x, u], 1), this.inMean), this.inStd);
  }

  /** Normalized predicted change of member k, `[R, nx]` (the regression target scale). */
  predictNormalizedDelta(x: tf.Tensor, u: tf.Tensor, k: number): tf.Tensor {
    return tf.tidy(() => this.members[k]!.apply(this.input(x, u)));
  }

  /** Normalized target for training: (x' − x − μ_Δ)/σ_Δ, `[R, nx]`. */
  normalizedTarget(x: tf.Tensor, xNext: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.div(tf.sub(tf.sub(xNext, x), this.dMean), this.dStd));
  }

  stepMember(x: tf.Tensor, u: tf.Tensor, k: number): tf.Tensor {
    return tf.tidy(() => tf.add(x, tf.add(this.dMean, tf.mul(this.dStd, this.predictNormalizedDelta(x, u, k)))));
  }

  step(x: tf.Tensor, u: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      if (this.members.length === 1) return this.stepMember(x, u, 0);
      const inp = this.input(x, u);
      const d = tf.mean(tf.stack(this.members.map((m) => m.apply(inp))), 0);
      return tf.add(x, tf.add(this.dMean, tf.mul(this.dStd, d)));
    });
  }

  variables(): tf.Variable[] {
    return this.members.flatMap((m) => m.variables());
  }

  /** Frees the members' variables and the normalization tensors. */
  dispose(): void {
    this.members.forEach((m) => m.dispose());
    tf.dispose([this.inMean, this.inStd, this.dMean, this.dStd]);
  }

  toJSON(): { config: MLPDynamics['config']; normalization: Normalization; weights: number[][][] } {
    return { config: this.config, normalization: this.getNormalization(), weights: this.members.map((m) => m.getWeights()) };
  }

  /** Restores weights and normalization saved by `toJSON` (the architecture must match). */
  load(j: { normalization: Normalization; weights: number[][][] }): void {
    if (j.weights.length !== this.members.length) throw new Error(`MLPDynamics.load: checkpoint has ${j.weights.length} members, model has ${this.members.length}`);
    this.setNormalization(j.normalization);
    this.members.forEach((m, k) => m.setWeights(j.weights[k]!));
  }
}
