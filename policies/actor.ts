// Deterministic actor μ(s) of DDPG: an MLP with a tanh output rescaled to the action box,
//   μ(s) = c + h ⊙ tanh(MLP(s)),   c = (high + low)/2,  h = (high − low)/2,
// so actions always lie in [low, high]. obs `[R, obsDim]` → action `[R, actDim]`.
import * as tf from '@tensorflow/tfjs';
import { MLP, type Activation } from '../src/models/mlp.ts';
import type { Rng } from '../src/tensor/rng.ts';
import { uniqueName } from './unique-name.ts';

export interface ActorConfig {
  obsDim: number;
  actDim: number;
  /** Action bounds: a number (same for all dims) or one per dimension. */
  low: number | number[];
  high: number | number[];
  hidden?: number[];
  activation?: Activation;
  rng?: Rng;
  name?: string;
}

export function toBoundArray(name: string, v: number | number[], dim: number): number[] {
  const arr = typeof v === 'number' ? new Array<number>(dim).fill(v) : v.slice();
  if (arr.length !== dim || arr.some((x) => !Number.isFinite(x))) {
    throw new Error(`${name}: expected a finite number or ${dim} finite numbers (got ${JSON.stringify(v)})`);
  }
  return arr;
}

export class Actor {
  readonly net: MLP;
  readonly low: number[];
  readonly high: number[];
  private readonly center: tf.Tensor1D;
  private readonly half: tf.Tensor1D;
  constructor(readonly config: ActorConfig) {
    this.low = toBoundArray('Actor.low', config.low, config.actDim);
    this.high = toBoundArray('Actor.high', config.high, config.actDim);
    this.low.forEach((l, i) => {
      if (!(l < this.high[i]!)) throw new Error(`Actor: low[${i}] = ${l} must be < high[${i}] = ${this.high[i]}`);
    });
    this.net = new MLP({
      sizes: [config.obsDim, ...(config.hidden ?? [64, 64]), config.actDim],
      activation: config.activation ?? 'relu',
      outputActivation: 'tanh',
      finalScale: 0.1,
      ...(config.rng ? { rng: config.rng } : {}),
      name: uniqueName(config.name ?? 'actor'),
    });
    this.center = tf.tensor1d(this.low.map((l, i) => (l + this.high[i]!) / 2));
    this.half = tf.tensor1d(this.low.map((l, i) => (this.high[i]! - l) / 2));
  }
  /** obs `[R, obsDim]` → actions `[R, actDim]` inside the box. */
  act(obs: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.add(this.center, tf.mul(this.half, this.net.apply(obs))));
  }
  /** Clips actions `[R, actDim]` into the box. */
  clip(a: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.minimum(tf.maximum(a, tf.tensor1d(this.low)), tf.tensor1d(this.high)));
  }
  variables(): tf.Variable[] {
    return this.net.variables();
  }
  dispose(): void {
    this.net.dispose();
    tf.dispose([this.center, this.half]);
  }
}
