// Families of optimization problems for learning to optimize, as batched tensor functions.
//
// A problem is { family, dim M, f, grad, init }: f maps iterates θ `[B, M]` to values `[B]` (B independent
// runs on the same instance), grad is ∇f `[B, M]` (reverse mode through f), init draws starting points.
// Every family is shifted so that its global minimum is 0 (the learned optimizer's features and reward use
// log f), and each instance draws a random shift c (and scales) from a seeded Rng, z = θ − c:
//   rastrigin        f = 10M + Σ (z_i² − 10 cos 2π z_i) = Σ (z_i² + 20 sin² π z_i)        θ0 ~ U[−5.12, 5.12]
//   ackley           f = −20 exp(−0.2 √(mean z²)) − exp(mean cos 2π z) + 20 + e              θ0 ~ U[−5, 5]
//   styblinski-tang  f = Σ_i [½ (z_i⁴ − 16 z_i² + 5 z_i) + 39.16616570377142]  (c ∈ [−½, ½]^M)   θ0 ~ U[−5, 5]
//   quadratic        f = ½ Σ a_i z_i²,  a_i log-uniform in [0.1, 10]                          θ0 ~ N(0, 2²)
//   mlp              f = mean_k (g_θ(x_k) − g_θ*(x_k))², the regression loss of a random small network
//                    g_θ(x) = Σ_j v_j tanh(w_j x + b_j) + c0 + c1 x (h = ⌊M/3⌋ hidden units, the 0–2 remaining
//                    parameters are c0, c1) against a random teacher θ* of the same shape, 16 inputs on
//                    [−2, 2]; minimum 0 at θ = θ* (and its symmetries).                       θ0 ~ N(0, 0.5²)
// Families are built by name from a registry (`makeProblem('ackley', 10, rng)`). Rastrigin, Ackley and
// Styblinski–Tang are the solvers' test functions (src/solvers/test-functions.ts) of the shifted z.
import * as tf from '@tensorflow/tfjs';
import { ackleyOf, rastriginOf, STYBLINSKI_TANG_MIN, styblinskiTangTerms } from '../../src/solvers/test-functions.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { Registry } from '../../src/tensor/registry.ts';

export interface Problem {
  readonly family: string;
  readonly dim: number;
  /** θ `[B, M]` → f(θ) `[B]` (≥ 0, minimum 0). */
  f(theta: tf.Tensor): tf.Tensor;
  /** θ `[B, M]` → ∇f(θ) `[B, M]`. */
  grad(theta: tf.Tensor): tf.Tensor;
  /** B starting points `[B, M]`. */
  init(B: number, rng: Rng): tf.Tensor;
  /** Frees the instance's constant tensors. */
  dispose(): void;
}

export type ProblemFactory = (dim: number, rng: Rng) => Problem;

/** Test-function families by name. */
export const problemRegistry = new Registry<{ factory: ProblemFactory; minDim: number }>({ kind: 'problem family' });

export function registerProblemFamily(name: string, factory: ProblemFactory, minDim = 1): void {
  problemRegistry.register(name, { factory, minDim });
}

export function listProblemFamilies(): string[] {
  return problemRegistry.list();
}

/** A random instance of family `name` in `dim` dimensions. */
export function makeProblem(name: string, dim: number, rng: Rng): Problem {
  const fam = problemRegistry.get(name, 'makeProblem');
  if (!Number.isInteger(dim) || dim < fam.minDim) throw new Error(`makeProblem(${name}): dim must be an integer ≥ ${fam.minDim} (got ${dim})`);
  return fam.factory(dim, rng);
}

/** Builds a Problem from f, with grad through tf.grad and a validating wrapper. */
function problem(family: string, dim: number, fz: (theta: tf.Tensor) => tf.Tensor, init: (B: number, rng: Rng) => tf.Tensor, consts: tf.Tensor[]): Problem {
  const check = (theta: tf.Tensor, who: string) => {
    if (theta.rank !== 2 || theta.shape[1] !== dim) throw new Error(`${family}.${who}: θ must be [B, ${dim}] (got [${theta.shape}])`);
  };
  const g = tf.grad((x: tf.Tensor) => tf.sum(fz(x)));
  return {
    family,
    dim,
    f: (theta) => {
      check(theta, 'f');
      return tf.tidy(() => fz(theta));
    },
    grad: (theta) => {
      check(theta, 'grad');
      return tf.tidy(() => g(theta));
    },
    init: (B, rng) => init(B, rng),
    dispose: () => tf.dispose(consts),
  };
}

function shiftVector(rng: Rng, dim: number, range: number): tf.Tensor {
  return tf.tensor2d(rng.uniformArray(dim, -range, range), [1, dim]);
}

registerProblemFamily('rastrigin', (dim, rng) => {
  const c = shiftVector(rng, dim, 1);
  return problem(
    'rastrigin',
    dim,
    (x) => rastriginOf(tf.sub(x, c)),
    (B, r) => r.uniformTensor([B, dim], -5.12, 5.12),
    [c],
  );
});

registerProblemFamily('ackley', (dim, rng) => {
  const c = shiftVector(rng, dim, 1);
  return problem(
    'ackley',
    dim,
    // relu: rounding below the minimum 0 stays 0 (the features and reward take log f)
    (x) => tf.relu(ackleyOf(tf.sub(x, c))),
    (B, r) => r.uniformTensor([B, dim], -5, 5),
    [c],
  );
});

registerProblemFamily('styblinski-tang', (dim, rng) => {
  const c = shiftVector(rng, dim, 0.5);
  return problem(
    'styblinski-tang',
    dim,
    // per-coordinate terms h(z_i) − h_min ≥ 0, summed after the shift (keeps float32 precision near 0)
    (x) => tf.sum(tf.relu(tf.sub(styblinskiTangTerms(tf.sub(x, c)), STYBLINSKI_TANG_MIN)), 1),
    (B, r) => r.uniformTensor([B, dim], -5, 5),
    [c],
  );
});

registerProblemFamily('quadratic', (dim, rng) => {
  const c = shiftVector(rng, dim, 1);
  const a = tf.tensor2d(Float32Array.from({ length: dim }, () => Math.exp(rng.uniformIn(Math.log(0.1), Math.log(10)))), [1, dim]);
  return problem(
    'quadratic',
    dim,
    (x) => tf.mul(0.5, tf.sum(tf.mul(a, tf.square(tf.sub(x, c))), 1)),
    (B, r) => tf.mul(r.normalTensor([B, dim]), 2),
    [c, a],
  );
});

/** g_θ(x) for θ `[B, M]` on inputs x `[K]` → `[B, K]` (see header). */
function smallNet(theta: tf.Tensor, x: tf.Tensor, dim: number): tf.Tensor {
  const h = Math.floor(dim / 3);
  const B = theta.shape[0]!;
  const K = x.shape[0]!;
  let y: tf.Tensor = tf.zeros([B, K]);
  if (h > 0) {
    const w = tf.slice(theta, [0, 0], [B, h]).expandDims(2); // [B, h, 1]
    const b = tf.slice(theta, [0, h], [B, h]).expandDims(2);
    const v = tf.slice(theta, [0, 2 * h], [B, h]).expandDims(2);
    const act = tf.tanh(tf.add(tf.mul(w, x.reshape([1, 1, K])), b)); // [B, h, K]
    y = tf.sum(tf.mul(v, act), 1);
  }
  const rest = dim - 3 * h;
  if (rest >= 1) y = tf.add(y, tf.slice(theta, [0, 3 * h], [B, 1]));
  if (rest >= 2) y = tf.add(y, tf.mul(tf.slice(theta, [0, 3 * h + 1], [B, 1]), x.reshape([1, K])));
  return y;
}

registerProblemFamily(
  'mlp',
  (dim, rng) => {
    const K = 16;
    const x = tf.linspace(-2, 2, K);
    const teacher = tf.tensor2d(rng.normalArray(dim), [1, dim]);
    const target = smallNet(teacher, x, dim); // [1, K]
    return problem(
      'mlp',
      dim,
      (th) => tf.mean(tf.square(tf.sub(smallNet(th, x, dim), target)), 1),
      (B, r) => tf.mul(r.normalTensor([B, dim]), 0.5),
      [x, teacher, target],
    );
  },
  2,
);
