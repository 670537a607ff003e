// Differentiable twin of MountainCarContinuous-v0 (Gymnasium; Moore 1990) over x = [p, v] `[R, 2]`,
// u `[R, 1]`:
//   ū = clip(u, −1, 1),  v' = clip(v + P·ū − G·cos(3p), −0.07, 0.07),  p' = clip(p + v', −1.2, 0.6),
//   v' ← 0 where p' = −1.2 and v' < 0 (inelastic left wall)
// Learnable tf.Variables: engine power P (0.0015) and the gravity coefficient G (0.0025). Clips use
// tf.clipByValue and the wall a tf.step mask (zero gradient through a clipped or stopped coordinate).
// Cost `[R]`: 0.1 ū² − 100·σ((p − 0.45)/0.01), a smooth version of −reward (the env pays +100 on reaching
// p ≥ 0.45 and −0.1 ū² every step), plus (0.45 − p)₊² · 10 so a planner with a short horizon feels the goal.
import * as tf from '@tensorflow/tfjs';
import { assertShape } from '../tensor/check.ts';
import type { CostModel, DynamicsModel } from './types.ts';

export const MOUNTAIN_CAR_CONSTANTS = { power: 0.0015, gravity: 0.0025, minPosition: -1.2, maxPosition: 0.6, maxSpeed: 0.07, goalPosition: 0.45 } as const;

export interface MountainCarModelConfig {
  power?: number;
  gravity?: number;
}

export class MountainCarDynamics implements DynamicsModel {
  readonly stateDim = 2;
  readonly actionDim = 1;
  readonly power: tf.Variable;
  readonly gravity: tf.Variable;

  constructor(cfg: MountainCarModelConfig = {}) {
    this.power = tf.variable(tf.scalar(cfg.power ?? MOUNTAIN_CAR_CONSTANTS.power));
    this.gravity = tf.variable(tf.scalar(cfg.gravity ?? MOUNTAIN_CAR_CONSTANTS.gravity));
  }

  step(x: tf.Tensor, u: tf.Tensor): tf.Tensor {
    const b = assertShape('MountainCarDynamics.step x', x, ['R', 2]);
    assertShape('MountainCarDynamics.step u', u, ['R', 1], b);
    const k = MOUNTAIN_CAR_CONSTANTS;
    return tf.tidy(() => {
      const [p, v] = tf.split(x, 2, 1) as [tf.Tensor, tf.Tensor];
      const uc = tf.clipByValue(u, -1, 1);
      const v1 = tf.clipByValue(tf.sub(tf.add(v, tf.mul(this.power, uc)), tf.mul(this.gravity, tf.cos(tf.mul(3, p)))), -k.maxSpeed, k.maxSpeed);
      const p1 = tf.clipByValue(tf.add(p, v1), k.minPosition, k.maxPosition);
      // wall mask from tf.step (zero gradient; comparisons and logicalAnd have none in tfjs):
      // 1 where p' ≤ −1.2 (within 1e-6) and v' < 0
      const atWall = tf.mul(tf.step(tf.sub(k.minPosition + 1e-6, p1)), tf.step(tf.neg(v1)));
      const v2 = tf.mul(v1, tf.sub(1, atWall));
      return tf.concat([p1, v2], 1);
    });
  }

  variables(): tf.Variable[] {
    return [this.power, this.gravity];
  }

  dispose(): void {
    tf.dispose([this.power, this.gravity]);
  }
}

export class MountainCarCost implements CostModel {
  /** The stage cost does not depend on t. */
  readonly stationary = true;
  cost(x: tf.Tensor, u: tf.Tensor, _t: number): tf.Tensor {
    const b = assertShape('MountainCarCost.cost x', x, ['R', 2]);
    assertShape('MountainCarCost.cost u', u, ['R', 1], b);
    return tf.tidy(() => {
      const p = tf.slice(x, [0, 0], [-1, 1]);
      const uc = tf.clipByValue(u, -1, 1);
      const bonus = tf.mul(100, tf.sigmoid(tf.div(tf.sub(p, MOUNTAIN_CAR_CONSTANTS.goalPosition), 0.01)));
      const shortfall = tf.mul(10, tf.square(tf.relu(tf.sub(MOUNTAIN_CAR_CONSTANTS.goalPosition, p))));
      return tf.addN([tf.mul(0.1, tf.square(uc)), tf.neg(bonus), shortfall]).reshape([-1]);
    });
  }

  variables(): tf.Variable[] {
    return [];
  }
}

export function mountainCarModel(cfg: MountainCarModelConfig = {}): { dynamics: MountainCarDynamics; cost: MountainCarCost } {
  return { dynamics: new MountainCarDynamics(cfg), cost: new MountainCarCost() };
}
