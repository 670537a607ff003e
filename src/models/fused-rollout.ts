// Optional fast path of the MPC objective: a dynamics model that can evaluate the whole rollout cost
//   J_r(x0_r, U_r) = Σ_{t<H} c(x_t, u_t, t),   x_{t+1} = f(x_t, u_t),   rows r = 0..R−1
// as ONE differentiable op (forward and adjoint backward written outside tfjs, as mpc.pytorch and Brax fuse a
// rollout), instead of H × (step + cost) small tfjs ops. `rolloutCost` (src/models/rollout.ts) uses it when
// the model implements it and recognizes the cost; otherwise it runs the generic loop.
import * as tf from '@tensorflow/tfjs';
import { assertShape } from '../tensor/check.ts';
import { tapeDepth } from '../tensor/tape.ts';
import { applyCustomOp } from '../tensor/custom-op.ts';
import type { CostModel, DynamicsModel } from './types.ts';

export interface FusedRolloutModel {
  /**
   * Rollout cost of every row: x0 `[R, nx]`, U `[R, H, nu]` → J `[R]` (stage costs only, t = 0..H−1),
   * differentiable w.r.t. x0, U and the model's variables. Returns undefined when the cost is not one the
   * fused kernel implements (the caller then falls back to the generic loop).
   */
  fusedRolloutCost(cost: CostModel, x0: tf.Tensor, U: tf.Tensor): tf.Tensor | undefined;
  /** True when `fusedRolloutCost` also includes the cost's terminal cost c_T(x_H) (rolloutCost then adds none). */
  readonly fusedTerminal?: boolean;
}

/** Whether a dynamics model offers a fused rollout. */
export function hasFusedRollout(model: DynamicsModel): model is DynamicsModel & FusedRolloutModel {
  return typeof (model as Partial<FusedRolloutModel>).fusedRolloutCost === 'function';
}

/**
 * Whether a fused op may be used now. Its backward is computed on the host, so it is exact to first order
 * but its gradient is not itself differentiable: inside a nested gradient (gradient depth ≥ 2, e.g. the
 * inner tf.grad of an unrolled gradient-descent solver under an outer tf.variableGrads) the second-order
 * terms would be lost, and the generic tfjs loop is used instead.
 */
export function fusedRolloutAllowed(): boolean {
  return tapeDepth() < 2;
}

/**
 * A rollout cost computed on the host (plain JS loops over Float64Array): the forward returns J `[R]` and,
 * when asked, the stored trajectory; the backward is the adjoint pass over that trajectory and returns the
 * cotangents of x0 `[R, nx]`, U `[R, H]` (nu = 1) and of each scalar parameter, in `params` order.
 */
export interface HostRolloutKernel<K> {
  /** Op name for error messages, e.g. 'pendulumRolloutCost'. */
  name: string;
  nx: number;
  /** Scalar parameter tensors (usually tf.Variables), passed as op inputs so gradients reach them. */
  params: Array<[string, tf.Tensor]>;
  /** The kernel's constants from the parameters' current values (in `params` order). */
  constants(values: number[]): K;
  forward(x0: ArrayLike<number>, U: ArrayLike<number>, R: number, H: number, k: K, keepTrajectory: boolean): { J: Float64Array; traj: Float64Array };
  backward(traj: Float64Array, U: ArrayLike<number>, dJ: ArrayLike<number>, R: number, H: number, k: K): { dx0: Float64Array; dU: Float64Array; dParams: number[] };
}

/**
 * Wraps a host kernel as ONE differentiable tfjs op: x0 `[R, nx]`, U `[R, H, 1]` → J `[R]`. The trajectory is
 * only stored while a gradient tape records (outside one the backward never runs).
 */
export function hostRolloutCost<K>(kernel: HostRolloutKernel<K>, x0: tf.Tensor, U: tf.Tensor): tf.Tensor {
  const dims = assertShape(`${kernel.name} x0`, x0, ['R', kernel.nx]);
  assertShape(`${kernel.name} U`, U, ['R', 'H', 1], dims);
  const R = dims.R!;
  const H = dims.H!;
  for (const [pname, t] of kernel.params) {
    if (t.size !== 1) throw new Error(`${kernel.name}: ${pname} must be a scalar tensor (got shape [${t.shape}])`);
  }
  return applyCustomOp(
    (x0t: tf.Tensor, Ut: tf.Tensor, ...rest: tf.Tensor[]) => {
      // tf.customGrad appends its `save` callback after the inputs: keep only the parameter tensors.
      const pt = rest.slice(0, kernel.params.length);
      const k = kernel.constants(pt.map((t) => t.dataSync()[0]!));
      const Ud = Ut.dataSync();
      const taping = tapeDepth() > 0;
      const { J, traj } = kernel.forward(x0t.dataSync(), Ud, R, H, k, taping);
      return {
        value: tf.tensor1d(Float32Array.from(J), 'float32'),
        gradFunc: (dy: tf.Tensor) => {
          if (traj.length === 0 && R > 0) throw new Error(`${kernel.name}: backward called on a forward run outside a gradient tape`);
          const gr = kernel.backward(traj, Ud, dy.dataSync(), R, H, k);
          return [
            tf.tensor(Float32Array.from(gr.dx0), [R, kernel.nx], 'float32'),
            tf.tensor(Float32Array.from(gr.dU), [R, H, 1], 'float32'),
            ...pt.map((t, i) => tf.tensor(Float32Array.of(gr.dParams[i]!), t.shape, 'float32')),
          ];
        },
      };
    },
    x0,
    U,
    ...kernel.params.map(([, t]) => t),
  );
}
