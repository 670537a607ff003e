// A generated rollout kernel (codegen.ts) as ONE differentiable tfjs op:
//   x0 `[R, nx]`, U `[R, H, nu]`, scalar parameter tensors p_k → J `[R]` (stage costs and the terminal cost),
// with the adjoint backward giving cotangents of x0, U and every parameter (so tf.variableGrads reaches the
// model's tf.Variables); the FusedRolloutModel fast path (src/models/fused-rollout.ts) for any nx, nu ≥ 1. The
// trajectory is stored only while a gradient tape records (outside one the backward never runs).
import * as tf from '@tensorflow/tfjs';
import { assertShape } from '../../tensor/check.ts';
import { applyCustomOp } from '../../tensor/custom-op.ts';
import { tapeDepth } from '../../tensor/tape.ts';
import type { RolloutKernelFns } from './codegen.ts';

export interface FusedKernelSpec {
  /** Op name for error messages, e.g. 'pendulum rollout'. */
  name: string;
  nx: number;
  nu: number;
  kernel: RolloutKernelFns;
  /** Scalar parameter tensors in the kernel's parameter order. */
  params: tf.Tensor[];
}

/** J = Σ_t c(x_t, u_t) + c_T(x_H) per row as one op: x0 `[R, nx]`, U `[R, H, nu]` → `[R]` (float32). */
export function fusedSystemRollout(spec: FusedKernelSpec, x0: tf.Tensor, U: tf.Tensor): tf.Tensor {
  const dims = assertShape(`${spec.name} x0`, x0, ['R', spec.nx]);
  assertShape(`${spec.name} U`, U, ['R', 'H', spec.nu], dims);
  const R = dims.R!;
  const H = dims.H!;
  spec.params.forEach((t, k) => {
    if (t.size !== 1) throw new Error(`${spec.name}: parameter ${k} must be a scalar tensor (got shape [${t.shape}])`);
  });
  const np = spec.params.length;
  return applyCustomOp(
    (x0t: tf.Tensor, Ut: tf.Tensor, ...rest: tf.Tensor[]) => {
      // tf.customGrad appends its `save` callback after the inputs: keep only the parameter tensors.
      const pt = rest.slice(0, np);
      const P = Float64Array.from(pt, (t) => t.dataSync()[0]!);
      const Ud = Ut.dataSync();
      const { J, traj } = spec.kernel.forward(x0t.dataSync(), Ud, P, R, H, tapeDepth() > 0);
      return {
        value: tf.tensor1d(Float32Array.from(J), 'float32'),
        gradFunc: (dy: tf.Tensor) => {
          if (traj.length === 0 && R > 0) throw new Error(`${spec.name}: backward called on a forward run outside a gradient tape`);
          const g = spec.kernel.backward(traj, Ud, P, dy.dataSync(), R, H);
          return [
            tf.tensor(Float32Array.from(g.dx0), [R, spec.nx], 'float32'),
            tf.tensor(Float32Array.from(g.dU), [R, H, spec.nu], 'float32'),
            ...pt.map((t, k) => tf.tensor(Float32Array.of(g.dParams[k]!), t.shape, 'float32')),
          ];
        },
      };
    },
    x0,
    U,
    ...spec.params,
  );
}
