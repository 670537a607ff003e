// Differentiable twins of CartPole-v1 and CartPoleSwingUp-v0 (envs/cartpole.ts, envs/cartpole-swingup.ts):
// Gymnasium's frictionless cart-pole (Florian 2007) with explicit Euler, τ = 0.02, batched over rows:
//   temp = (F + m L θ̇² sin θ)/(M + m),  θ̈ = (g sin θ − cos θ·temp)/(L(4/3 − m cos²θ/(M + m))),
//   ẍ = temp − m L θ̈ cos θ/(M + m);     x' = x + τẋ, ẋ' = ẋ + τẍ, θ' = θ + τθ̇, θ̇' = θ̇ + τθ̈
// Learnable tf.Variables (scalars): cart mass M, pole mass m, pole half-length L, gravity g.
//
// CartPoleDynamics   x = [x, ẋ, θ, θ̇] `[R, 4]`, u `[R, 1]` ∈ [0, 1]: F = F_mag·(2·clip(u, 0, 1) − 1).
//   The env's action is Gymnasium's Discrete(2) (u ≥ 0.5 pushes right); the twin uses this linear relaxation,
//   which equals the env exactly at u ∈ {0, 1} and gives planners a gradient in between.
// CartPoleSwingUpDynamics  x = [x, ẋ, cos θ, sin θ, θ̇] `[R, 5]`, u `[R, 1]` ∈ [−1, 1]: F = F_mag·clip(u, −1, 1);
//   θ' = θ + τθ̇ is applied as a rotation of (cos θ, sin θ) (no atan2).
// Clipping uses tf.clipByValue (identity gradient inside, zero outside), as the envs clip.
//
// Costs `[R]`:
//   CartPoleBalanceCost  Gymnasium's reward is +1 per surviving step, so −reward is constant and useless
//     for planning; this smooth surrogate measures the distance to the termination thresholds:
//     c = (θ/θ_max)² + (x/x_max)² + 0.01(ẋ² + θ̇²), θ_max = 12° (0.2095 rad), x_max = 2.4
//   CartPoleSwingUpCost  −reward of CartPoleSwingUp-v0 (smooth, PETS-style) plus an optional track penalty:
//     c = −exp(−‖p_tip − p_goal‖² / ℓ²) + 0.01 ū² + w·relu(|x| − x_soft)²,
//     p_tip = (x + ℓ sin θ, ℓ cos θ), p_goal = (0, ℓ), ℓ = 2L the task's pole length, ū = clip(u, −1, 1).
//     The reward ignores the track limit |x| ≤ 2.4 (the episode just terminates), so a planner drives the cart
//     off the track; the smooth penalty (on by default, w = 10, x_soft = 1.5) keeps it on. With
//     `trackPenalty: false` the cost is exactly −reward.
//   The swing-up twin with this cost runs its rollouts as one fused op (src/models/cartpole-rollout.ts) in rolloutCost.
import * as tf from '@tensorflow/tfjs';
import { assertShape } from '../tensor/check.ts';
import { cartPoleRolloutCost } from './cartpole-rollout.ts';
import type { FusedRolloutModel } from './fused-rollout.ts';
import type { CostModel, DynamicsModel } from './types.ts';

export type CartPoleParam = 'massCart' | 'massPole' | 'halfLength' | 'gravity';

export interface CartPoleModelConfig {
  massCart?: number;
  massPole?: number;
  halfLength?: number;
  gravity?: number;
  tau?: number;
  forceMag?: number;
  /** Which physical parameters `variables()` returns (default all four). */
  trainable?: CartPoleParam[];
}

/** Gymnasium CartPole constants. */
export const CARTPOLE_CONSTANTS = { massCart: 1.0, massPole: 0.1, halfLength: 0.5, gravity: 9.8, tau: 0.02, forceMag: 10 } as const;

const PARAMS: CartPoleParam[] = ['massCart', 'massPole', 'halfLength', 'gravity'];

function positive(name: string, v: number): number {
  if (!Number.isFinite(v) || v <= 0) throw new Error(`CartPoleModel: ${name} must be a positive finite number (got ${v})`);
  return v;
}

/** The physical parameters as tf.Variables plus the Euler accelerations, shared by both twins. */
class CartPolePhysics {
  readonly massCart: tf.Variable;
  readonly massPole: tf.Variable;
  readonly halfLength: tf.Variable;
  readonly gravity: tf.Variable;
  readonly tau: number;
  readonly forceMag: number;
  readonly trainable: CartPoleParam[];

  constructor(cfg: CartPoleModelConfig) {
    const c = { ...CARTPOLE_CONSTANTS, ...cfg };
    this.massCart = tf.variable(tf.scalar(positive('massCart', c.massCart)));
    this.massPole = tf.variable(tf.scalar(positive('massPole', c.massPole)));
    this.halfLength = tf.variable(tf.scalar(positive('halfLength', c.halfLength)));
    this.gravity = tf.variable(tf.scalar(c.gravity));
    this.tau = positive('tau', c.tau);
    this.forceMag = positive('forceMag', c.forceMag);
    this.trainable = cfg.trainable ?? PARAMS.slice();
    for (const p of this.trainable) if (!PARAMS.includes(p)) throw new Error(`CartPoleModel: trainable "${p}" is unknown; choose from ${PARAMS.join(', ')}`);
  }

  /** F, sin θ, cos θ, θ̇ `[R, 1]` → [ẍ, θ̈] `[R, 1]` each. */
  accelerations(F: tf.Tensor, s: tf.Tensor, c: tf.Tensor, w: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const total = tf.add(this.massCart, this.massPole);
    const pml = tf.mul(this.massPole, this.halfLength);
    const temp = tf.div(tf.add(F, tf.mul(pml, tf.mul(tf.square(w), s))), total);
    const denom = tf.mul(this.halfLength, tf.sub(4 / 3, tf.div(tf.mul(this.massPole, tf.square(c)), total)));
    const thAcc = tf.div(tf.sub(tf.mul(this.gravity, s), tf.mul(c, temp)), denom);
    const xAcc = tf.sub(temp, tf.div(tf.mul(pml, tf.mul(thAcc, c)), total));
    return [xAcc, thAcc];
  }

  variables(): tf.Variable[] {
    return this.trainable.map((p) => this[p]);
  }

  params(): Record<CartPoleParam, number> {
    return Object.fromEntries(PARAMS.map((p) => [p, this[p].dataSync()[0]!])) as Record<CartPoleParam, number>;
  }

  dispose(): void {
    tf.dispose(PARAMS.map((p) => this[p]));
  }
}

/** CartPole-v1 twin: x `[R, 4]` = [x, ẋ, θ, θ̇], u `[R, 1]` ∈ [0, 1]. */
export class CartPoleDynamics extends CartPolePhysics implements DynamicsModel {
  readonly stateDim = 4;
  readonly actionDim = 1;

  constructor(cfg: CartPoleModelConfig = {}) {
    super(cfg);
  }

  step(x: tf.Tensor, u: tf.Tensor): tf.Tensor {
    const b = assertShape('CartPoleDynamics.step x', x, ['R', 4]);
    assertShape('CartPoleDynamics.step u', u, ['R', 1], b);
    return tf.tidy(() => {
      const [p, v, th, w] = tf.split(x, 4, 1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      const F = tf.mul(this.forceMag, tf.sub(tf.mul(2, tf.clipByValue(u, 0, 1)), 1));
      const [xAcc, thAcc] = this.accelerations(F, tf.sin(th), tf.cos(th), w);
      const t = this.tau;
      return tf.concat([tf.add(p, tf.mul(t, v)), tf.add(v, tf.mul(t, xAcc)), tf.add(th, tf.mul(t, w)), tf.add(w, tf.mul(t, thAcc))], 1);
    });
  }
}

/** CartPoleSwingUp-v0 twin: x `[R, 5]` = [x, ẋ, cos θ, sin θ, θ̇], u `[R, 1]` ∈ [−1, 1]. */
export class CartPoleSwingUpDynamics extends CartPolePhysics implements DynamicsModel, FusedRolloutModel {
  readonly stateDim = 5;
  readonly actionDim = 1;

  constructor(cfg: CartPoleModelConfig = {}) {
    super(cfg);
  }

  step(x: tf.Tensor, u: tf.Tensor): tf.Tensor {
    const b = assertShape('CartPoleSwingUpDynamics.step x', x, ['R', 5]);
    assertShape('CartPoleSwingUpDynamics.step u', u, ['R', 1], b);
    return tf.tidy(() => {
      const [p, v, c, s, w] = tf.split(x, 5, 1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      const F = tf.mul(this.forceMag, tf.clipByValue(u, -1, 1));
      const [xAcc, thAcc] = this.accelerations(F, s, c, w);
      const t = this.tau;
      const d = tf.mul(t, w);
      const cd = tf.cos(d);
      const sd = tf.sin(d);
      return tf.concat(
        [tf.add(p, tf.mul(t, v)), tf.add(v, tf.mul(t, xAcc)), tf.sub(tf.mul(c, cd), tf.mul(s, sd)), tf.add(tf.mul(s, cd), tf.mul(c, sd)), tf.add(w, tf.mul(t, thAcc))],
        1,
      );
    });
  }

  /**
   * The stage costs of a rollout as one fused op (src/models/cartpole-rollout.ts) when `cost` is exactly a
   * CartPoleSwingUpCost (not a subclass, no own `cost` override): x0 `[R, 5]`, U `[R, H, 1]` → `[R]`;
   * undefined otherwise (rolloutCost then runs the generic loop).
   */
  fusedRolloutCost(cost: CostModel, x0: tf.Tensor, U: tf.Tensor): tf.Tensor | undefined {
    if (Object.getPrototypeOf(cost) !== CartPoleSwingUpCost.prototype || Object.hasOwn(cost, 'cost')) return undefined;
    if (!(cost instanceof CartPoleSwingUpCost)) return undefined;
    const { massCart, massPole, halfLength, gravity, tau, forceMag } = this;
    const pen = cost.trackPenalty;
    return cartPoleRolloutCost(
      {
        massCart,
        massPole,
        halfLength,
        gravity,
        tau,
        forceMag,
        poleLength: cost.poleLength,
        penaltyWeight: pen ? pen.weight : 0,
        softLimit: pen ? pen.softLimit : 0,
      },
      x0,
      U,
    );
  }
}

export class CartPoleBalanceCost implements CostModel {
  /** The stage cost does not depend on t. */
  readonly stationary = true;
  constructor(
    readonly thetaMax = (12 * 2 * Math.PI) / 360,
    readonly xMax = 2.4,
  ) {}

  /** x `[R, 4]`, u `[R, 1]` → `[R]`. */
  cost(x: tf.Tensor, u: tf.Tensor, _t: number): tf.Tensor {
    const b = assertShape('CartPoleBalanceCost.cost x', x, ['R', 4]);
    assertShape('CartPoleBalanceCost.cost u', u, ['R', 1], b);
    return tf.tidy(() => {
      const [p, v, th, w] = tf.split(x, 4, 1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      const c = tf.addN([tf.square(tf.div(th, this.thetaMax)), tf.square(tf.div(p, this.xMax)), tf.mul(0.01, tf.add(tf.square(v), tf.square(w)))]);
      return c.reshape([-1]);
    });
  }

  variables(): tf.Variable[] {
    return [];
  }
}

/** Smooth track penalty w·relu(|x| − x_soft)² of the swing-up planning cost. */
export interface TrackPenalty {
  /** Weight w per step (the reward is at most 1 per step). */
  weight: number;
  /** Position x_soft (m) where the penalty starts; the env terminates at |x| > 2.4. */
  softLimit: number;
}

/** Default planning penalty: zero on |x| ≤ 1.5, 10·0.81 = 8.1 per step at the 2.4 m limit. */
export const DEFAULT_TRACK_PENALTY: TrackPenalty = { weight: 10, softLimit: 1.5 };

export interface CartPoleSwingUpCostConfig {
  /** The track penalty, or false for exactly −reward. Default DEFAULT_TRACK_PENALTY. */
  trackPenalty?: TrackPenalty | false;
}

export class CartPoleSwingUpCost implements CostModel {
  /** The stage cost does not depend on t. */
  readonly stationary = true;
  readonly trackPenalty: TrackPenalty | false;

  /** `poleLength` = 2L of the task (a constant of the task, not the learnable model length). */
  constructor(
    readonly poleLength = 2 * CARTPOLE_CONSTANTS.halfLength,
    cfg: CartPoleSwingUpCostConfig = {},
  ) {
    positive('poleLength', poleLength);
    const pen = cfg.trackPenalty ?? DEFAULT_TRACK_PENALTY;
    if (pen) {
      if (!Number.isFinite(pen.weight) || pen.weight < 0) throw new Error(`CartPoleSwingUpCost: trackPenalty.weight must be a finite number ≥ 0 (got ${pen.weight}); use trackPenalty: false to drop the penalty`);
      if (!Number.isFinite(pen.softLimit) || pen.softLimit < 0) throw new Error(`CartPoleSwingUpCost: trackPenalty.softLimit must be a finite number ≥ 0 in metres (got ${pen.softLimit}), e.g. 1.5`);
    }
    this.trackPenalty = pen ? { ...pen } : false;
  }

  /** x `[R, 5]`, u `[R, 1]` → `[R]`. */
  cost(x: tf.Tensor, u: tf.Tensor, _t: number): tf.Tensor {
    const b = assertShape('CartPoleSwingUpCost.cost x', x, ['R', 5]);
    assertShape('CartPoleSwingUpCost.cost u', u, ['R', 1], b);
    return tf.tidy(() => {
      const [p, , c, s] = tf.split(x, 5, 1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      const l = this.poleLength;
      const dx = tf.add(p, tf.mul(l, s));
      const dy = tf.mul(l, tf.sub(c, 1));
      const d2 = tf.add(tf.square(dx), tf.square(dy));
      const uc = tf.clipByValue(u, -1, 1);
      let cost = tf.add(tf.neg(tf.exp(tf.div(d2, -l * l))), tf.mul(0.01, tf.square(uc)));
      const pen = this.trackPenalty;
      if (pen) cost = tf.add(cost, tf.mul(pen.weight, tf.square(tf.relu(tf.sub(tf.abs(p), pen.softLimit)))));
      return cost.reshape([-1]);
    });
  }

  variables(): tf.Variable[] {
    return [];
  }
}

/** CartPole-v1 twin with the smooth balance cost. */
export function cartPoleModel(cfg: CartPoleModelConfig = {}): { dynamics: CartPoleDynamics; cost: CartPoleBalanceCost } {
  return { dynamics: new CartPoleDynamics(cfg), cost: new CartPoleBalanceCost() };
}

/**
 * CartPoleSwingUp-v0 twin with its (smooth) negative reward plus the track penalty as cost (pass
 * `costCfg.trackPenalty: false` for exactly −reward). The cost's goal height uses the task's pole length
 * `taskPoleLength` (default 1 m), not the possibly wrong `cfg.halfLength` being identified.
 */
export function cartPoleSwingUpModel(
  cfg: CartPoleModelConfig = {},
  taskPoleLength = 2 * CARTPOLE_CONSTANTS.halfLength,
  costCfg: CartPoleSwingUpCostConfig = {},
): { dynamics: CartPoleSwingUpDynamics; cost: CartPoleSwingUpCost } {
  return { dynamics: new CartPoleSwingUpDynamics(cfg), cost: new CartPoleSwingUpCost(taskPoleLength, costCfg) };
}
