// Action-value critic Q(s, a) of DDPG: an MLP on the concatenation [s, a],
//   Q(s, a) = MLP([s; a]),   obs `[R, obsDim]`, action `[R, actDim]` → `[R]`.
import * as tf from '@tensorflow/tfjs';
import { MLP, type Activation } from '../src/models/mlp.ts';
import type { Rng } from '../src/tensor/rng.ts';
import { uniqueName } from './unique-name.ts';

export interface CriticConfig {
  obsDim: number;
  actDim: number;
  hidden?: number[];
  activation?: Activation;
  rng?: Rng;
  name?: string;
}

export class Critic {
  readonly net: MLP;
  constructor(readonly config: CriticConfig) {
    this.net = new MLP({
      sizes: [config.obsDim + config.actDim, ...(config.hidden ?? [64, 64]), 1],
      activation: config.activation ?? 'relu',
      ...(config.rng ? { rng: config.rng } : {}),
      name: uniqueName(config.name ?? 'critic'),
    });
  }
  /** Q(s, a): obs `[R, obsDim]`, action `[R, actDim]` → `[R]`. */
  q(obs: tf.Tensor, action: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      if (obs.rank !== 2 || obs.shape[1] !== this.config.obsDim) {
        throw new Error(`Critic.q: obs must be [R, ${this.config.obsDim}] (got [${obs.shape}])`);
      }
      if (action.rank !== 2 || action.shape[1] !== this.config.actDim || action.shape[0] !== obs.shape[0]) {
        throw new Error(`Critic.q: action must be [R, ${this.config.actDim}] with R = ${obs.shape[0]} (got [${action.shape}])`);
      }
      return this.net.apply(tf.concat([obs, action], 1)).squeeze([1]);
    });
  }
  variables(): tf.Variable[] {
    return this.net.variables();
  }
  dispose(): void {
    this.net.dispose();
  }
}
