// Differentiable twin of Pendulum-v1 (Gymnasium classic_control/pendulum.py) over its observation
// x = [cos θ, sin θ, θ̇], rows `[R, 3]`, action u `[R, 1]`:
//   ū   = clip(u, −u_max, u_max)
//   θ̇'  = clip(θ̇ + (3g/(2l)·sin θ + 3/(m l²)·(ū − b θ̇))·dt, −ω_max, ω_max)
//   θ'  = θ + θ̇'·dt, written on the observation as the rotation (cos θ', sin θ') = R(θ̇' dt)(cos θ, sin θ)
// (no atan2 in the dynamics). With b = 0 this is Gymnasium's step exactly. Learnable tf.Variables (scalars):
// mass m, length l, gravity g, viscous pivot damping b (default 0), so a model started from wrong values
// (e.g. { mass: 1.3, length: 0.8 }) can be fitted by system identification.
// Clipping uses tf.clipByValue: identity gradient inside the bounds, zero outside (a saturated torque or
// speed has no first-order effect), matching the env where the clip really happens.
// Cost (the negative Gymnasium reward): c = atan2(sin θ, cos θ)² + 0.1 θ̇² + 0.001 ū²  `[R]`
// (atan2 returns angle_normalize(θ) ∈ [−π, π]; the square is continuous across ±π).
import * as tf from '@tensorflow/tfjs';
import { assertShape } from '../tensor/check.ts';
import type { CostModel, DynamicsModel } from './types.ts';
import type { FusedRolloutModel } from './fused-rollout.ts';
import { pendulumRolloutCost } from './pendulum-rollout.ts';

export type PendulumParam = 'mass' | 'length' | 'gravity' | 'damping';

export interface PendulumModelConfig {
  mass?: number;
  length?: number;
  gravity?: number;
  damping?: number;
  dt?: number;
  maxSpeed?: number;
  maxTorque?: number;
  /** Which physical parameters `variables()` returns for training (default all four). */
  trainable?: PendulumParam[];
}

/** Gymnasium Pendulum-v1 constants. */
export const PENDULUM_CONSTANTS = { mass: 1, length: 1, gravity: 10, damping: 0, dt: 0.05, maxSpeed: 8, maxTorque: 2 } as const;

function positive(name: string, v: number): number {
  if (!Number.isFinite(v) || v <= 0) throw new Error(`PendulumModel: ${name} must be a positive finite number (got ${v})`);
  return v;
}

export class PendulumDynamics implements DynamicsModel, FusedRolloutModel {
  readonly stateDim = 3;
  readonly actionDim = 1;
  readonly mass: tf.Variable;
  readonly length: tf.Variable;
  readonly gravity: tf.Variable;
  readonly damping: tf.Variable;
  readonly dt: number;
  readonly maxSpeed: number;
  readonly maxTorque: number;
  private readonly trainable: PendulumParam[];

  constructor(cfg: PendulumModelConfig = {}) {
    const c = { ...PENDULUM_CONSTANTS, ...cfg };
    this.mass = tf.variable(tf.scalar(positive('mass', c.mass)));
    this.length = tf.variable(tf.scalar(positive('length', c.length)));
    this.gravity = tf.variable(tf.scalar(c.gravity));
    this.damping = tf.variable(tf.scalar(c.damping));
    this.dt = positive('dt', c.dt);
    this.maxSpeed = positive('maxSpeed', c.maxSpeed);
    this.maxTorque = positive('maxTorque', c.maxTorque);
    this.trainable = cfg.trainable ?? ['mass', 'length', 'gravity', 'damping'];
    const known: PendulumParam[] = ['mass', 'length', 'gravity', 'damping'];
    for (const p of this.trainable) if (!known.includes(p)) throw new Error(`PendulumModel: trainable "${p}" is unknown; choose from ${known.join(', ')}`);
  }

  /** x `[R, 3]` = [cos θ, sin θ, θ̇], u `[R, 1]` → `[R, 3]`. */
  step(x: tf.Tensor, u: tf.Tensor): tf.Tensor {
    const b = assertShape('PendulumDynamics.step x', x, ['R', 3]);
    assertShape('PendulumDynamics.step u', u, ['R', 1], b);
    return tf.tidy(() => {
      const [c, s, w] = tf.split(x, 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor];
      const uc = tf.clipByValue(u, -this.maxTorque, this.maxTorque);
      const gravityTerm = tf.mul(tf.div(tf.mul(1.5, this.gravity), this.length), s);
      const inertiaInv = tf.div(3, tf.mul(this.mass, tf.square(this.length)));
      const torque = tf.sub(uc, tf.mul(this.damping, w));
      const acc = tf.add(gravityTerm, tf.mul(inertiaInv, torque));
      const w2 = tf.clipByValue(tf.add(w, tf.mul(acc, this.dt)), -this.maxSpeed, this.maxSpeed);
      const d = tf.mul(w2, this.dt);
      const cd = tf.cos(d);
      const sd = tf.sin(d);
      const c2 = tf.sub(tf.mul(c, cd), tf.mul(s, sd));
      const s2 = tf.add(tf.mul(s, cd), tf.mul(c, sd));
      return tf.concat([c2, s2, w2], 1);
    });
  }

  variables(): tf.Variable[] {
    return this.trainable.map((p) => this[p]);
  }

  /**
   * The stage costs of a rollout as one fused op (src/models/pendulum-rollout.ts) when `cost` is exactly a
   * PendulumCost (not a subclass, no own `cost` override; a terminal cost is added by rolloutCost):
   * x0 `[R, 3]`, U `[R, H, 1]` → `[R]`; undefined otherwise (generic loop).
   */
  fusedRolloutCost(cost: CostModel, x0: tf.Tensor, U: tf.Tensor): tf.Tensor | undefined {
    if (Object.getPrototypeOf(cost) !== PendulumCost.prototype || Object.hasOwn(cost, 'cost')) return undefined;
    if (!(cost instanceof PendulumCost)) return undefined;
    const { mass, length, gravity, damping, dt, maxSpeed, maxTorque } = this;
    return pendulumRolloutCost({ mass, length, gravity, damping, dt, maxSpeed, maxTorque, costMaxTorque: cost.maxTorque }, x0, U);
  }

  /** Current parameter values as numbers. */
  params(): Record<PendulumParam, number> {
    return {
      mass: this.mass.dataSync()[0]!,
      length: this.length.dataSync()[0]!,
      gravity: this.gravity.dataSync()[0]!,
      damping: this.damping.dataSync()[0]!,
    };
  }

  dispose(): void {
    tf.dispose([this.mass, this.length, this.gravity, this.damping]);
  }
}

export class PendulumCost implements CostModel {
  /** The stage cost does not depend on t. */
  readonly stationary = true;
  readonly maxTorque: number;
  constructor(maxTorque: number = PENDULUM_CONSTANTS.maxTorque) {
    this.maxTorque = positive('maxTorque', maxTorque);
  }

  /** x `[R, 3]`, u `[R, 1]` → `[R]`: θ² + 0.1 θ̇² + 0.001 ū² (θ normalized to [−π, π]). */
  cost(x: tf.Tensor, u: tf.Tensor, _t: number): tf.Tensor {
    const b = assertShape('PendulumCost.cost x', x, ['R', 3]);
    assertShape('PendulumCost.cost u', u, ['R', 1], b);
    return tf.tidy(() => {
      const [c, s, w] = tf.split(x, 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor];
      const th = tf.atan2(s, c);
      const uc = tf.clipByValue(u, -this.maxTorque, this.maxTorque);
      return tf.add(tf.add(tf.square(th), tf.mul(0.1, tf.square(w))), tf.mul(0.001, tf.square(uc))).reshape([-1]);
    });
  }

  variables(): tf.Variable[] {
    return [];
  }
}

/** The pendulum twin: dynamics with learnable physics and the matching cost. */
export function pendulumModel(cfg: PendulumModelConfig = {}): { dynamics: PendulumDynamics; cost: PendulumCost } {
  const dynamics = new PendulumDynamics(cfg);
  return { dynamics, cost: new PendulumCost(dynamics.maxTorque) };
}
