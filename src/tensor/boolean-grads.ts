// Zero gradients for tfjs's comparison and logical kernels (LogicalAnd, LessEqual, …), which tfjs leaves
// unregistered. Their outputs are boolean, so ∂out/∂in = 0 everywhere; the missing registration only matters
// for SECOND-order gradients (e.g. differentiating tf.clipByValue's gradient, which builds a mask with them),
// where tfjs otherwise throws "gradient function not found for LogicalAnd". Registration is idempotent and
// never replaces a gradient tfjs already has. It runs when this module is loaded, and src/tensor/check.ts
// (imported by every model, solver and controller) imports it, so any differentiable path has them no matter
// which file loaded first (unrolled GD through a clipped cost, LQR's cost Hessian, imitation).
import * as tf from '@tensorflow/tfjs';

const BOOLEAN_KERNELS = ['LogicalAnd', 'LogicalOr', 'LogicalNot', 'LogicalXor', 'Less', 'LessEqual', 'Greater', 'GreaterEqual', 'Equal', 'NotEqual'];

/** Registers zero gradients for the boolean kernels that have none. */
export function registerBooleanZeroGrads(): void {
  for (const kernelName of BOOLEAN_KERNELS) {
    if (tf.getGradient(kernelName)) continue;
    const names = kernelName === 'LogicalNot' ? ['x'] : ['a', 'b'];
    tf.registerGradient({
      kernelName,
      inputsToSave: names,
      gradFunc: (_dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
        Object.fromEntries(names.map((n, i) => [n, () => tf.zerosLike(saved[i]!).cast('float32')])),
    });
  }
}

registerBooleanZeroGrads();
