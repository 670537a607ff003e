// A latent action decoder: a small latent box Z = [−1, 1]^d mapped to whole action sequences U^H, the
// embedded action space of DCEM §4.2/§5.2 (Amos & Yarats 2020; facebookresearch/dcem exps/cartpole_emb.py
// `Decode`). A planner then searches d numbers instead of H·nu.
//
//   u(z) = lo + (hi − lo) ⊙ σ(MLP(z)),   MLP: d → h → h → h → H·nu (ELU), σ the logistic sigmoid
// so every decoded sequence lies inside the action bounds. The output is laid out time-major
// (entry t·nu + j is action j at step t), the layout of the rollout objective's U `[B, N, H·nu]`.
// Initialization 'paper': W ~ N(0, (2/√(fan_in + fan_out))²), b = 0 (the reference's `init`); 'glorot':
// the MLP's Glorot-uniform default.
import * as tf from '@tensorflow/tfjs';
import { ACTIVATIONS, MLP, type Activation } from './mlp.ts';
import { matMulPlain } from '../tensor/matmul-plain.ts';
import { tapeDepth } from '../tensor/tape.ts';
import { Rng } from '../tensor/rng.ts';

let decoderCount = 0;

export type LatentDecoderInit = 'paper' | 'glorot';

export interface LatentDecoderConfig {
  /** Latent dimension d (the paper's 2). */
  latentDim: number;
  /** Planning horizon H. */
  horizon: number;
  /** Action dimension nu. */
  actionDim: number;
  /** Action bounds `[nu]` each (finite, lo < hi). */
  low: readonly number[];
  high: readonly number[];
  /** Width of the hidden layers (reference: 256). Default 256. */
  hidden?: number;
  /** Number of hidden layers (reference: 3). Default 3. */
  hiddenLayers?: number;
  activation?: Activation;
  init?: LatentDecoderInit;
  rng: Rng;
  name?: string;
}

export class LatentDecoder {
  readonly mlp: MLP;
  readonly latentDim: number;
  readonly horizon: number;
  readonly actionDim: number;
  /** lo and hi − lo tiled over the horizon `[H·nu]`. */
  private readonly lo: tf.Tensor1D;
  private readonly range: tf.Tensor1D;

  constructor(cfg: LatentDecoderConfig) {
    const { latentDim: d, horizon: H, actionDim: nu } = cfg;
    for (const [k, v] of [['latentDim', d], ['horizon', H], ['actionDim', nu]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`LatentDecoder: ${k} must be a positive integer (got ${v})`);
    }
    if (cfg.low.length !== nu || cfg.high.length !== nu) throw new Error(`LatentDecoder: low and high must have actionDim = ${nu} entries (got ${cfg.low.length}, ${cfg.high.length})`);
    for (let j = 0; j < nu; j++) {
      if (!(Number.isFinite(cfg.low[j]!) && Number.isFinite(cfg.high[j]!) && cfg.low[j]! < cfg.high[j]!)) {
        throw new Error(`LatentDecoder: action bounds must be finite with low < high (action ${j}: [${cfg.low[j]}, ${cfg.high[j]}])`);
      }
    }
    const h = cfg.hidden ?? 256;
    const layers = cfg.hiddenLayers ?? 3;
    if (!Number.isInteger(layers) || layers < 1) throw new Error(`LatentDecoder: hiddenLayers must be a positive integer (got ${layers})`);
    const sizes = [d, ...Array.from({ length: layers }, () => h), H * nu];
    this.mlp = new MLP({ sizes, activation: cfg.activation ?? 'elu', rng: cfg.rng, name: cfg.name ?? `latent-decoder${decoderCount++}` });
    const init = cfg.init ?? 'paper';
    if (init === 'paper') {
      const w = sizes.slice(0, -1).map((fanIn, l) => {
        const fanOut = sizes[l + 1]!;
        const std = 2 / Math.sqrt(fanIn + fanOut);
        return Array.from(cfg.rng.normalArray(fanIn * fanOut), (x) => x * std);
      });
      this.mlp.setWeights([...w, ...sizes.slice(1).map((n) => new Array<number>(n).fill(0))]);
    } else if (init !== 'glorot') {
      throw new Error(`LatentDecoder: init must be 'paper' or 'glorot' (got "${String(init)}")`);
    }
    this.latentDim = d;
    this.horizon = H;
    this.actionDim = nu;
    const tile = (f: (j: number) => number) => tf.tensor1d(Array.from({ length: H * nu }, (_, i) => f(i % nu)));
    this.lo = tile((j) => cfg.low[j]!);
    this.range = tile((j) => cfg.high[j]! - cfg.low[j]!);
  }

  /**
   * z `[..., d]` → action sequences `[..., H·nu]` inside the bounds. Under a gradient tape each layer's
   * product is `matMulPlain` (its backward avoids the wasm backend's slow transposed products); without a
   * tape the MLP's fused layers.
   */
  decode(z: tf.Tensor): tf.Tensor {
    if (z.shape[z.rank - 1] !== this.latentDim) throw new Error(`LatentDecoder: z must have last dimension latentDim = ${this.latentDim} (got [${z.shape}])`);
    return tf.tidy(() => {
      let out: tf.Tensor;
      if (tapeDepth() === 0) {
        out = this.mlp.apply(z);
      } else {
        const { weights, biases } = this.mlp;
        const act = ACTIVATIONS[this.mlp.config.activation];
        let h: tf.Tensor = z.reshape([-1, this.latentDim]);
        for (let l = 0; l < weights.length; l++) {
          h = tf.add(matMulPlain(h, weights[l]!), biases[l]!);
          if (l + 1 < weights.length) h = act(h);
        }
        out = h.reshape([...z.shape.slice(0, -1), this.horizon * this.actionDim]);
      }
      return tf.add(this.lo, tf.mul(this.range, tf.sigmoid(out)));
    });
  }

  variables(): tf.Variable[] {
    return this.mlp.variables();
  }

  getWeights(): number[][] {
    return this.mlp.getWeights();
  }

  setWeights(values: number[][]): void {
    this.mlp.setWeights(values);
  }

  dispose(): void {
    tf.dispose([...this.mlp.variables(), this.lo, this.range]);
  }
}
