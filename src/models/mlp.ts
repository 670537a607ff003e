// A multilayer perceptron on tf.Variables with seeded initialisation, shared by dynamics models, energy
// networks and policies.
//
// y = W_L σ(… σ(W_1 x + b_1) …) + b_L, with σ ∈ {relu, tanh, softplus, swish, elu}; weights drawn from
// Glorot/Xavier-uniform U(±√(6/(fan_in+fan_out))) (or He-uniform for relu) with the given Rng, biases zero,
// so the same seed gives the same network on every backend. Inputs may carry any leading batch dims
// `[..., in]` → `[..., out]`.
import * as tf from '@tensorflow/tfjs';
import { tapeDepth } from '../tensor/tape.ts';
import { Rng, defaultRng } from '../tensor/rng.ts';

export type Activation = 'relu' | 'tanh' | 'softplus' | 'swish' | 'elu' | 'linear';

/** The activations an MLP (or another network of this layer) may use, as tfjs ops. */
export const ACTIVATIONS: Record<Activation, (x: tf.Tensor) => tf.Tensor> = {
  relu: (x) => tf.relu(x),
  tanh: (x) => tf.tanh(x),
  softplus: (x) => tf.softplus(x),
  swish: (x) => tf.mul(x, tf.sigmoid(x)),
  elu: (x) => tf.elu(x),
  linear: (x) => x,
};

/** Activations that tf.fused.matMul applies inside the matMul kernel. */
const FUSED_ACTIVATIONS: Partial<Record<Activation, 'relu' | 'elu' | 'linear'>> = { relu: 'relu', elu: 'elu', linear: 'linear' };

export interface MLPConfig {
  /** Layer widths including input and output, e.g. [3, 128, 128, 2]. */
  sizes: number[];
  activation?: Activation;
  /** Activation applied to the output layer (default linear). */
  outputActivation?: Activation;
  rng?: Rng;
  /** Scale of the last layer's initial weights (e.g. 1e-3 for policies whose initial output should be ~0). */
  finalScale?: number;
  name?: string;
}

export class MLP {
  readonly weights: tf.Variable[] = [];
  readonly biases: tf.Variable[] = [];
  readonly config: Required<Omit<MLPConfig, 'rng'>>;

  constructor(cfg: MLPConfig) {
    if (cfg.sizes.length < 2 || cfg.sizes.some((s) => !Number.isInteger(s) || s < 1)) {
      throw new Error(`MLP: sizes must list at least input and output widths as positive integers (got [${cfg.sizes}])`);
    }
    const activation = cfg.activation ?? 'relu';
    if (!(activation in ACTIVATIONS)) throw new Error(`MLP: unknown activation "${activation}"; known: ${Object.keys(ACTIVATIONS).join(', ')}`);
    this.config = {
      sizes: cfg.sizes.slice(),
      activation,
      outputActivation: cfg.outputActivation ?? 'linear',
      finalScale: cfg.finalScale ?? 1,
      name: cfg.name ?? 'mlp',
    };
    const rng = cfg.rng ?? defaultRng();
    for (let l = 0; l + 1 < cfg.sizes.length; l++) {
      const fanIn = cfg.sizes[l]!;
      const fanOut = cfg.sizes[l + 1]!;
      const last = l + 2 === cfg.sizes.length;
      const limit = activation === 'relu' && !last ? Math.sqrt(6 / fanIn) : Math.sqrt(6 / (fanIn + fanOut));
      const w = rng.uniformArray(fanIn * fanOut, -limit, limit);
      if (last && this.config.finalScale !== 1) for (let i = 0; i < w.length; i++) w[i]! *= this.config.finalScale;
      // tf.variable copies its initial value, so the source tensors are disposed right away.
      const w0 = tf.tensor2d(w, [fanIn, fanOut]);
      const b0 = tf.zeros([fanOut]);
      this.weights.push(tf.variable(w0, true, `${this.config.name}/w${l}`));
      this.biases.push(tf.variable(b0, true, `${this.config.name}/b${l}`));
      tf.dispose([w0, b0]);
    }
  }

  get inputDim(): number {
    return this.config.sizes[0]!;
  }

  get outputDim(): number {
    return this.config.sizes[this.config.sizes.length - 1]!;
  }

  /** x `[..., in]` → `[..., out]`. */
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      if (x.shape[x.rank - 1] !== this.inputDim) {
        throw new Error(`${this.config.name}: input must have last dimension ${this.inputDim} (got [${x.shape}])`);
      }
      const lead = x.shape.slice(0, -1);
      let h: tf.Tensor = x.reshape([-1, this.inputDim]);
      // Outside any gradient tape (e.g. MPC rollouts) each layer is one fused matMul + bias (+ activation when
      // tfjs fuses it), which saves an elementwise pass per layer; under a tape the plain ops are used so every
      // gradient order stays available. Both compute the same affine map.
      const fuse = tapeDepth() === 0;
      for (let l = 0; l < this.weights.length; l++) {
        const a = l + 1 < this.weights.length ? this.config.activation : this.config.outputActivation;
        if (fuse) {
          const fusedAct = FUSED_ACTIVATIONS[a];
          h = tf.fused.matMul({ a: h, b: this.weights[l]!, bias: this.biases[l]!, ...(fusedAct ? { activation: fusedAct } : {}) });
          if (!fusedAct) h = ACTIVATIONS[a](h);
        } else {
          h = ACTIVATIONS[a](tf.add(tf.matMul(h, this.weights[l]!), this.biases[l]!));
        }
      }
      return h.reshape([...lead, this.outputDim]);
    });
  }

  variables(): tf.Variable[] {
    return [...this.weights, ...this.biases];
  }

  /** Copies parameter values as plain arrays (for checkpoints). */
  getWeights(): number[][] {
    return this.variables().map((v) => Array.from(v.dataSync()));
  }

  /** Restores parameter values saved by `getWeights`. */
  setWeights(values: number[][]): void {
    const vars = this.variables();
    if (values.length !== vars.length) throw new Error(`${this.config.name}: expected ${vars.length} weight arrays, got ${values.length}`);
    vars.forEach((v, i) => {
      if (values[i]!.length !== v.size) throw new Error(`${this.config.name}: weight ${i} needs ${v.size} values, got ${values[i]!.length}`);
      const t = tf.tensor(values[i]!, v.shape);
      v.assign(t);
      t.dispose();
    });
  }

  dispose(): void {
    tf.dispose(this.variables());
  }
}
