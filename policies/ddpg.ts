// Deep Deterministic Policy Gradient (Lillicrap et al., "Continuous control with deep reinforcement
// learning", ICLR 2016): an off-policy actor–critic for continuous actions.
//
//   critic loss  L_Q(φ) = E_(s,a,r,s',d)~D [ (y − Q_φ(s, a))² ],  y = r + γ (1 − d) Q_φ'(s', μ_θ'(s'))
//   actor loss   L_μ(θ) = −E_s~D [ Q_φ(s, μ_θ(s)) ]
//   targets      θ' ← τ θ + (1 − τ) θ',  φ' ← τ φ + (1 − τ) φ'     (Polyak averaging, see soft-update.ts)
//
// Transitions are stored in the shared `ReplayBuffer` (src/train/replay-buffer.ts) and sampled uniformly;
// acting adds exploration noise (noise.ts) and clips to the action box. Both optimizers are tf.train.adam.
// Every random draw (weight init, replay sampling, noise) comes from one seeded `Rng`.
// Shapes: obs `[R, obsDim]`, actions `[R, actDim]`, rewards/done `[R]`.
import * as tf from '@tensorflow/tfjs';
import { ReplayBuffer, type Batch, type StoredTransition } from '../src/train/replay-buffer.ts';
import { Rng } from '../src/tensor/rng.ts';
import type { Activation } from '../src/models/mlp.ts';
import { Actor, toBoundArray } from './actor.ts';
import { Critic } from './critic.ts';
import { makeNoise, type ActionNoise } from './noise.ts';
import { hardUpdate, softUpdate } from './soft-update.ts';

export interface DDPGConfig {
  obsDim: number;
  actDim: number;
  actionLow: number | number[];
  actionHigh: number | number[];
  actorHidden?: number[];
  criticHidden?: number[];
  activation?: Activation;
  actorLr?: number;
  criticLr?: number;
  /** Discount γ (default 0.99). */
  gamma?: number;
  /** Polyak rate τ (default 0.005). */
  tau?: number;
  batchSize?: number;
  bufferSize?: number;
  /** Exploration noise: 'gaussian' | 'ou' (default 'gaussian'), scale σ in action units (default 0.1·range/2). */
  noise?: 'gaussian' | 'ou';
  noiseSigma?: number;
  seed?: number;
}

export interface UpdateStats {
  criticLoss: number;
  actorLoss: number;
}

type Resolved = Required<Omit<DDPGConfig, 'actorHidden' | 'criticHidden' | 'activation'>> & {
  actorHidden: number[];
  criticHidden: number[];
  activation: Activation;
};

/** Critic TD loss mean((y − Q(s,a))²) with the target y held constant. */
export function criticLoss(critic: Critic, batch: Batch, y: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.square(tf.sub(y, critic.q(batch.obs, batch.action)))) as tf.Scalar);
}

/** TD target y = r + γ (1 − d) Q'(s', μ'(s')) from the target networks, `[R]`. */
export function tdTarget(targetActor: Actor, targetCritic: Critic, batch: Batch, gamma: number): tf.Tensor {
  return tf.tidy(() => {
    const q = targetCritic.q(batch.nextObs, targetActor.act(batch.nextObs));
    return tf.add(batch.reward, tf.mul(tf.mul(tf.sub(1, batch.done), gamma), q));
  });
}

/** Actor loss −mean Q(s, μ(s)). */
export function actorLoss(actor: Actor, critic: Critic, obs: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(critic.q(obs, actor.act(obs)))) as tf.Scalar);
}

export class DDPG {
  readonly config: Resolved;
  readonly actor: Actor;
  readonly critic: Critic;
  readonly targetActor: Actor;
  readonly targetCritic: Critic;
  readonly buffer: ReplayBuffer;
  readonly noise: ActionNoise;
  readonly rng: Rng;
  private readonly actorOpt: tf.Optimizer;
  private readonly criticOpt: tf.Optimizer;
  updates = 0;

  constructor(cfg: DDPGConfig) {
    const lo = toBoundArray('DDPG.actionLow', cfg.actionLow, cfg.actDim);
    const hi = toBoundArray('DDPG.actionHigh', cfg.actionHigh, cfg.actDim);
    const half = Math.max(...lo.map((l, i) => (hi[i]! - l) / 2));
    this.config = {
      obsDim: cfg.obsDim,
      actDim: cfg.actDim,
      actionLow: cfg.actionLow,
      actionHigh: cfg.actionHigh,
      actorHidden: cfg.actorHidden ?? [64, 64],
      criticHidden: cfg.criticHidden ?? [64, 64],
      activation: cfg.activation ?? 'relu',
      actorLr: cfg.actorLr ?? 1e-3,
      criticLr: cfg.criticLr ?? 1e-3,
      gamma: cfg.gamma ?? 0.99,
      tau: cfg.tau ?? 0.005,
      batchSize: cfg.batchSize ?? 64,
      bufferSize: cfg.bufferSize ?? 100_000,
      noise: cfg.noise ?? 'gaussian',
      noiseSigma: cfg.noiseSigma ?? 0.1 * half,
      seed: cfg.seed ?? 0,
    };
    const c = this.config;
    for (const [k, v] of Object.entries({ gamma: c.gamma, tau: c.tau })) {
      if (!(v >= 0 && v <= 1)) throw new Error(`DDPG: ${k} must lie in [0, 1] (got ${v})`);
    }
    this.rng = new Rng(c.seed);
    const initRng = this.rng.split();
    const actorCfg = { obsDim: c.obsDim, actDim: c.actDim, low: c.actionLow, high: c.actionHigh, hidden: c.actorHidden, activation: c.activation };
    const criticCfg = { obsDim: c.obsDim, actDim: c.actDim, hidden: c.criticHidden, activation: c.activation };
    this.actor = new Actor({ ...actorCfg, rng: initRng, name: 'actor' });
    this.critic = new Critic({ ...criticCfg, rng: initRng, name: 'critic' });
    this.targetActor = new Actor({ ...actorCfg, rng: initRng, name: 'target-actor' });
    this.targetCritic = new Critic({ ...criticCfg, rng: initRng, name: 'target-critic' });
    hardUpdate(this.targetActor.variables(), this.actor.variables());
    hardUpdate(this.targetCritic.variables(), this.critic.variables());
    this.buffer = new ReplayBuffer(c.bufferSize, c.obsDim, c.actDim);
    this.noise = makeNoise(c.noise, { dim: c.actDim, sigma: c.noiseSigma, rng: this.rng.split() });
    this.actorOpt = tf.train.adam(c.actorLr);
    this.criticOpt = tf.train.adam(c.criticLr);
  }

  /** Deterministic (or noisy, clipped) action for one observation `[obsDim]` → `[actDim]`. */
  act(obs: ArrayLike<number>, explore = false): Float32Array {
    if (obs.length !== this.config.obsDim) throw new Error(`DDPG.act: obs must have length ${this.config.obsDim} (got ${obs.length})`);
    const a = tf.tidy(() => this.actor.act(tf.tensor2d(Array.from(obs), [1, this.config.obsDim])).dataSync()) as Float32Array;
    const out = Float32Array.from(a);
    if (explore) {
      const n = this.noise.sample();
      for (let i = 0; i < out.length; i++) {
        const lo = this.actor.low[i]!;
        const hi = this.actor.high[i]!;
        out[i] = Math.min(hi, Math.max(lo, out[i]! + n[i]!));
      }
    }
    return out;
  }

  /** Batched deterministic actions μ(s): obs `[R, obsDim]` → `[R, actDim]` (caller disposes). */
  actBatch(obs: tf.Tensor): tf.Tensor {
    return this.actor.act(obs);
  }

  observe(t: StoredTransition): void {
    this.buffer.add(t);
  }

  /** One gradient step on the critic, one on the actor, then soft target updates, from a sampled batch. */
  update(batchSize = this.config.batchSize): UpdateStats {
    const batch = this.buffer.sample(batchSize, this.rng);
    try {
      return this.updateOn(batch);
    } finally {
      tf.dispose([batch.obs, batch.action, batch.reward, batch.nextObs, batch.done]);
    }
  }

  /** The update of `update()` on a given batch (used by tests with a fixed batch). */
  updateOn(batch: Batch): UpdateStats {
    const y = tdTarget(this.targetActor, this.targetCritic, batch, this.config.gamma);
    const cl = this.criticOpt.minimize(() => criticLoss(this.critic, batch, y), true, this.critic.variables());
    const al = this.actorOpt.minimize(() => actorLoss(this.actor, this.critic, batch.obs), true, this.actor.variables());
    const stats = { criticLoss: cl!.dataSync()[0]!, actorLoss: al!.dataSync()[0]! };
    tf.dispose([y, cl!, al!]);
    softUpdate(this.targetActor.variables(), this.actor.variables(), this.config.tau);
    softUpdate(this.targetCritic.variables(), this.critic.variables(), this.config.tau);
    this.updates++;
    return stats;
  }

  dispose(): void {
    this.actor.dispose();
    this.critic.dispose();
    this.targetActor.dispose();
    this.targetCritic.dispose();
    this.actorOpt.dispose();
    this.criticOpt.dispose();
  }
}
