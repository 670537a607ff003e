// Standard non-convex optimization test functions on batched candidates X `[B, N, n]` → values `[B, N]`,
// with their known global minima and minimizers (Surjanovic & Bingham, Virtual Library of Simulation
// Experiments; Jamil & Yang, 2013, "A literature survey of benchmark functions for global optimization"):
//
//   Rastrigin        f(x) = 10 n + Σᵢ (xᵢ² − 10 cos 2πxᵢ),                      min 0 at x = 0,   box [−5.12, 5.12]ⁿ
//   Ackley           f(x) = −20 exp(−0.2 √(Σᵢxᵢ²/n)) − exp(Σᵢ cos(2πxᵢ)/n) + 20 + e,  min 0 at x = 0,   box [−32.768, 32.768]ⁿ
//   Styblinski–Tang  f(x) = ½ Σᵢ (xᵢ⁴ − 16xᵢ² + 5xᵢ),   min −39.16616570377142·n at xᵢ = −2.903534027771178, box [−5, 5]ⁿ
//   Rosenbrock       f(x) = Σᵢ₌₁ⁿ⁻¹ 100 (xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)²,               min 0 at x = 1,   box [−5, 10]ⁿ, n ≥ 2
//
// Rastrigin is evaluated as Σᵢ (xᵢ² + 20 sin² πxᵢ) (10 − 10 cos 2πx = 20 sin² πx): every term is ≥ 0 and exact
// near the minimum, without the cancellation of 10n against Σ 10 cos 2πxᵢ.
// The formulas over the last axis (`rastriginOf`, `ackleyOf`, `styblinskiTangTerms`) are the one definition:
// the learned optimizer's shifted problem families (policies/l2o/problems.ts) are built on them.
//
// Ackley's √ has an infinite derivative at x = 0, so it is evaluated as √(Σxᵢ²/n + δ) with δ = 1e−12: the
// gradient stays finite at the minimizer and the value there is 20(1 − e^{−2e−7}) ≈ 4e−6 instead of 0 (below
// float32 resolution of the other terms, ≈ 2e−6 for values around 20 + e).
import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../tensor/check.ts';

export interface TestFunction {
  readonly name: string;
  /** X `[B, N, n]` → `[B, N]`. */
  f(X: tf.Tensor): tf.Tensor;
  /** Known global minimum value in n dimensions. */
  minimum(n: number): number;
  /** A global minimizer in n dimensions. */
  minimizer(n: number): number[];
  /** Usual search box [lo, hi] per coordinate. */
  readonly domain: [number, number];
  /** Smallest dimension the function is defined for. */
  readonly minDim: number;
}

const TWO_PI = 2 * Math.PI;
const ACKLEY_DELTA = 1e-12;
const STYBLINSKI_TANG_X = -2.903534027771178;
/** ½(x⁴ − 16x² + 5x) at x = STYBLINSKI_TANG_X, the per-coordinate minimum (−39.16616570377142). */
export const STYBLINSKI_TANG_MIN = 0.5 * (STYBLINSKI_TANG_X ** 4 - 16 * STYBLINSKI_TANG_X ** 2 + 5 * STYBLINSKI_TANG_X);

/** Rastrigin over the last axis: z `[..., n]` → Σᵢ (zᵢ² + 20 sin² πzᵢ) `[...]`. */
export function rastriginOf(z: tf.Tensor): tf.Tensor {
  return tf.sum(tf.add(tf.square(z), tf.mul(20, tf.square(tf.sin(tf.mul(Math.PI, z))))), -1);
}

/** Ackley over the last axis: z `[..., n]` → −20 exp(−0.2 √(mean z² + δ)) − exp(mean cos 2πz) + 20 + e `[...]`. */
export function ackleyOf(z: tf.Tensor): tf.Tensor {
  const r = tf.sqrt(tf.add(tf.mean(tf.square(z), -1), ACKLEY_DELTA));
  const c = tf.mean(tf.cos(tf.mul(TWO_PI, z)), -1);
  return tf.add(tf.sub(tf.mul(-20, tf.exp(tf.mul(-0.2, r))), tf.exp(c)), 20 + Math.E);
}

/** Styblinski–Tang's per-coordinate terms ½(zᵢ⁴ − 16zᵢ² + 5zᵢ), elementwise (the function is their sum). */
export function styblinskiTangTerms(z: tf.Tensor): tf.Tensor {
  const z2 = tf.square(z);
  return tf.mul(0.5, tf.add(tf.sub(tf.square(z2), tf.mul(16, z2)), tf.mul(5, z)));
}

function checkCandidates(name: string, X: tf.Tensor, minDim: number): number {
  if (X.rank !== 3) throw new ShapeError(`${name}: X must have shape [B, N, n] (got [${X.shape}]); reshape a [B, n] batch with X.expandDims(1)`);
  const n = X.shape[2]!;
  if (n < minDim) throw new ShapeError(`${name}: needs n ≥ ${minDim} decision variables (got X [${X.shape}])`);
  return n;
}

export const rastrigin: TestFunction = {
  name: 'rastrigin',
  domain: [-5.12, 5.12],
  minDim: 1,
  f: (X) =>
    tf.tidy(() => {
      checkCandidates('rastrigin', X, 1);
      return rastriginOf(X);
    }),
  minimum: () => 0,
  minimizer: (n) => new Array<number>(n).fill(0),
};

export const ackley: TestFunction = {
  name: 'ackley',
  domain: [-32.768, 32.768],
  minDim: 1,
  f: (X) =>
    tf.tidy(() => {
      checkCandidates('ackley', X, 1);
      return ackleyOf(X);
    }),
  minimum: () => 0,
  minimizer: (n) => new Array<number>(n).fill(0),
};

export const styblinskiTang: TestFunction = {
  name: 'styblinski-tang',
  domain: [-5, 5],
  minDim: 1,
  f: (X) =>
    tf.tidy(() => {
      checkCandidates('styblinski-tang', X, 1);
      return tf.sum(styblinskiTangTerms(X), -1);
    }),
  minimum: (n) => STYBLINSKI_TANG_MIN * n,
  minimizer: (n) => new Array<number>(n).fill(STYBLINSKI_TANG_X),
};

export const rosenbrock: TestFunction = {
  name: 'rosenbrock',
  domain: [-5, 10],
  minDim: 2,
  f: (X) =>
    tf.tidy(() => {
      const n = checkCandidates('rosenbrock', X, 2);
      const [B, N] = X.shape as [number, number, number];
      const head = tf.slice(X, [0, 0, 0], [B, N, n - 1]);
      const tail = tf.slice(X, [0, 0, 1], [B, N, n - 1]);
      return tf.sum(tf.add(tf.mul(100, tf.square(tf.sub(tail, tf.square(head)))), tf.square(tf.sub(1, head))), -1);
    }),
  minimum: () => 0,
  minimizer: (n) => new Array<number>(n).fill(1),
};

/** Registry of the test functions by name. */
export const TEST_FUNCTIONS: Readonly<Record<string, TestFunction>> = {
  rastrigin,
  ackley,
  'styblinski-tang': styblinskiTang,
  rosenbrock,
};

/** Looks a test function up by name; unknown names get an error listing the known ones. */
export function getTestFunction(name: string): TestFunction {
  const fn = TEST_FUNCTIONS[name];
  if (!fn) throw new Error(`test function "${name}" is unknown; known: ${Object.keys(TEST_FUNCTIONS).join(', ')}`);
  return fn;
}
