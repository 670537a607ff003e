// Gradients of tfjs's output-saving kernels rewritten from their inputs, so they can be differentiated again.
//
// tfjs's gradients of Tanh, Sigmoid, Exp, Elu, Softmax and Pow read the kernel's saved OUTPUT y. That saved
// tensor is not on the tape as a function of x, so in a nested gradient (∂/∂θ of an unrolled GD step, a cost
// Hessian) the path x → y → ∂y/∂x is missing: tfjs either throws "Cannot compute gradient" (when it is the only
// path) or silently drops the term (when another path exists), e.g. d²/dx² tanh(x) came out as 0 instead of
// −2·tanh(x)·(1 − tanh²(x)). Here each gradient recomputes y from the saved input, one extra kernel in the
// backward pass, and every order is exact:
//   tanh'    = 1 − tanh²(x)             sigmoid' = σ(x)(1 − σ(x))       exp' = exp(x)
//   elu'     = 1 (x > 0), exp(x) (x ≤ 0) softmax: J·dy = y ⊙ (dy − Σ dy ⊙ y)
//   pow:     ∂/∂a = b·a^(b−1),  ∂/∂b = a^b·log a (a > 0, else 0), reduced over broadcast axes.
// registerGradient replaces tfjs's entry; loading this module is the registration (src/tensor/check.ts
// imports it, as it does the boolean zero gradients).
import * as tf from '@tensorflow/tfjs';
// The masks of Elu and Pow (Greater) need the boolean kernels' zero gradients at second order.
import './boolean-grads.ts';

type Grad = tf.GradConfig['gradFunc'];

function unary(kernelName: string, derivative: (x: tf.Tensor) => tf.Tensor): void {
  const gradFunc: Grad = (dy, saved) => ({ x: () => tf.mul(dy as tf.Tensor, derivative(saved[0]!)) });
  tf.registerGradient({ kernelName, inputsToSave: ['x'], gradFunc });
}

/** Sums `g` over the axes along which `shape` was broadcast to `g`'s shape, then reshapes to `shape`. */
function unbroadcast(g: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.broadcast_util.getReductionAxes(shape, g.shape);
  return tf.reshape(axes.length ? tf.sum(g, axes) : g, shape);
}

/** Replaces the gradients of tfjs's output-saving kernels by input-saving ones (idempotent). */
export function registerHigherOrderGrads(): void {
  unary('Tanh', (x) => tf.sub(1, tf.square(tf.tanh(x))));
  unary('Sigmoid', (x) => {
    const s = tf.sigmoid(x);
    return tf.mul(s, tf.sub(1, s));
  });
  unary('Exp', (x) => tf.exp(x));
  unary('Elu', (x) => tf.where(tf.greater(x, 0), tf.onesLike(x), tf.exp(tf.minimum(x, 0))));
  tf.registerGradient({
    kernelName: 'Softmax',
    inputsToSave: ['logits'],
    gradFunc: (dy, saved, attrs) => {
      const { dim } = attrs as { dim: number };
      return {
        logits: () => {
          const y = tf.softmax(saved[0]!, dim);
          const dyY = tf.mul(dy as tf.Tensor, y);
          return tf.sub(dyY, tf.mul(tf.sum(dyY, [dim], true), y));
        },
      };
    },
  });
  tf.registerGradient({
    kernelName: 'Pow',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved) => {
      const [a, b] = saved as [tf.Tensor, tf.Tensor];
      const g = dy as tf.Tensor;
      return {
        a: () => {
          const bf = tf.cast(b, 'float32');
          return unbroadcast(tf.mul(g, tf.mul(bf, tf.pow(a, tf.sub(bf, 1)))), a.shape);
        },
        b: () => {
          const logA = tf.where(tf.greater(a, 0), tf.log(a), tf.zerosLike(a));
          return unbroadcast(tf.mul(g, tf.mul(tf.pow(a, b), logA)), b.shape);
        },
      };
    },
  });
}

registerHigherOrderGrads();
