// The differentiable tfjs ops over the Float64 cores: forward agreement, gradients against central finite
// differences computed in Float64 through the cores, shared-matrix gradient summation, and input errors.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { choleskyFactor, choleskySolveFactored } from '../../src/linalg/cholesky.ts';
import { LinalgError } from '../../src/linalg/errors.ts';
import { luFactor, luSolveFactored } from '../../src/linalg/lu.ts';
import { cholesky, choleskySolve, luSolve, triangularSolve } from '../../src/linalg/ops.ts';
import { triangularSolve as triF64 } from '../../src/linalg/triangular.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { useTestBackend } from '../helpers/backend.ts';
import { randomGeneral, randomSpd } from './helpers.ts';

beforeAll(useTestBackend);

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/** Central differences of L(A) in Float64 for entry (b, i, j); symmetric perturbation when `sym`. */
function fdEntry(L: (A: Float64Array) => number, A: Float64Array, idx: [number, number, number], n: number, sym: boolean, h = 1e-6): number {
  const [b, i, j] = idx;
  const pert = (s: number) => {
    const P = Float64Array.from(A);
    if (sym && i !== j) {
      P[b * n * n + i * n + j]! += (s * h) / 2;
      P[b * n * n + j * n + i]! += (s * h) / 2;
    } else {
      P[b * n * n + i * n + j]! += s * h;
    }
    return L(P);
  };
  return (pert(1) - pert(-1)) / (2 * h);
}

function maxRelErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let scale = 1e-12;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]!));
  let e = 0;
  for (let i = 0; i < want.length; i++) e = Math.max(e, Math.abs(got[i]! - want[i]!));
  return e / scale;
}

describe('choleskySolve op', () => {
  it('matches the Float64 core and its gradients match finite differences', () => {
    const rng = new Rng(10);
    const B = 3;
    const n = 4;
    const m = 2;
    // Values representable in float32 so the op and the Float64 reference see identical inputs.
    const A = Float64Array.from(Float32Array.from(randomSpd(rng, B, n)));
    const b = Float64Array.from(rng.normalArray(B * n * m));
    const w = Float64Array.from(rng.normalArray(B * n * m));
    const lossF64 = (AA: Float64Array, bb = b) => dot(w, choleskySolveFactored(choleskyFactor(AA, B, n).L, B, bb, B, n, m));
    const At = tf.tensor(Float32Array.from(A), [B, n, n]);
    const bt = tf.tensor(Float32Array.from(b), [B, n, m]);
    const wt = tf.tensor(Float32Array.from(w), [B, n, m]);
    const x = choleskySolve(At, bt);
    const xRef = choleskySolveFactored(choleskyFactor(A, B, n).L, B, b, B, n, m);
    expect(maxRelErr(x.dataSync(), xRef)).toBeLessThan(1e-6);
    const [gA, gb] = tf.grads((a: tf.Tensor, r: tf.Tensor) => tf.sum(tf.mul(choleskySolve(a, r), wt)))([At, bt]);
    const fdA = new Float64Array(B * n * n);
    for (let k = 0; k < B; k++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) fdA[k * n * n + i * n + j] = fdEntry((P) => lossF64(P), A, [k, i, j], n, true);
    expect(maxRelErr(gA!.dataSync(), fdA)).toBeLessThan(1e-4);
    const fdb = b.map((_, i) => {
      const p = Float64Array.from(b);
      const q = Float64Array.from(b);
      p[i]! += 1e-6;
      q[i]! -= 1e-6;
      return (lossF64(A, p) - lossF64(A, q)) / 2e-6;
    });
    expect(maxRelErr(gb!.dataSync(), fdb)).toBeLessThan(1e-4);
  });

  it('sums the gradient of a shared matrix over the batch', () => {
    const rng = new Rng(11);
    const n = 3;
    const A = tf.tensor(Float32Array.from(randomSpd(rng, 1, n)), [n, n]);
    const b = tf.tensor(rng.normalArray(5 * n), [5, n, 1]);
    const gShared = tf.grad((a: tf.Tensor) => choleskySolve(a, b).sum())(A);
    const Ab = tf.tile(A.expandDims(0), [5, 1, 1]);
    const gBatched = tf.grad((a: tf.Tensor) => choleskySolve(a, b).sum())(Ab);
    expect(maxRelErr(gShared.dataSync(), gBatched.sum(0).dataSync())).toBeLessThan(1e-5);
  });

  it('names the failing batch elements of a non-positive-definite A', () => {
    const A = tf.tensor([[[2, 0], [0, 2]], [[1, 2], [2, 1]], [[1, 0], [0, -1]]]);
    const b = tf.ones([3, 2]);
    let err: unknown;
    try {
      choleskySolve(A, b);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LinalgError);
    expect((err as LinalgError).failed).toEqual([1, 2]);
    expect((err as Error).message).toMatch(/not positive definite in batch elements 1 \(pivot 2\), 2 \(pivot 2\); fix: /);
  });

  it('rejects wrong shapes, asymmetric A and NaN with the argument named', () => {
    expect(() => choleskySolve(tf.ones([2, 3, 3]), tf.ones([2, 4]))).toThrow(/b must have n = 3 rows/);
    expect(() => choleskySolve(tf.ones([2, 3, 3]), tf.ones([3, 3]))).toThrow(/batch of b \(3\) must equal batch of A \(2\)/);
    expect(() => choleskySolve(tf.ones([3, 2]), tf.ones([3]))).toThrow(/A must be square/);
    expect(() => choleskySolve(tf.tensor([[2, 1], [0, 2]]), tf.ones([2]))).toThrow(/A must be symmetric/);
    expect(() => choleskySolve(tf.tensor([[2, 0], [0, NaN]]), tf.ones([2]))).toThrow(/choleskySolve: A: contains NaN/);
    expect(() => choleskySolve(tf.eye(2), tf.tensor([1, NaN]))).toThrow(/choleskySolve: b: contains NaN at flat index 1/);
  });
});

describe('luSolve op', () => {
  it('matches the Float64 core and its gradients match finite differences', () => {
    const rng = new Rng(12);
    const B = 2;
    const n = 5;
    const A = Float64Array.from(Float32Array.from(randomGeneral(rng, B, n)));
    const b = Float64Array.from(rng.normalArray(B * n));
    const w = Float64Array.from(rng.normalArray(B * n));
    const lossF64 = (AA: Float64Array) => dot(w, luSolveFactored(luFactor(AA, B, n), B, b, B, n, 1));
    const At = tf.tensor(Float32Array.from(A), [B, n, n]);
    const bt = tf.tensor(Float32Array.from(b), [B, n]);
    const wt = tf.tensor(Float32Array.from(w), [B, n]);
    const x = luSolve(At, bt);
    expect(x.shape).toEqual([B, n]);
    expect(maxRelErr(x.dataSync(), luSolveFactored(luFactor(A, B, n), B, b, B, n, 1))).toBeLessThan(1e-6);
    const gA = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(luSolve(a, bt), wt)))(At);
    const fdA = new Float64Array(B * n * n);
    for (let k = 0; k < B; k++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) fdA[k * n * n + i * n + j] = fdEntry(lossF64, A, [k, i, j], n, false);
    expect(maxRelErr(gA.dataSync(), fdA)).toBeLessThan(1e-4);
  });

  it('reports singular matrices per batch element', () => {
    expect(() => luSolve(tf.tensor([[[1, 2], [2, 4]], [[1, 0], [0, 1]]]), tf.ones([2, 2]))).toThrow(/singular to working precision in batch element 0 \(pivot 2\)/);
  });
});

describe('cholesky op', () => {
  it('returns L with L Lᵀ = A and its gradient matches finite differences', () => {
    const rng = new Rng(13);
    const B = 2;
    const n = 4;
    const A = Float64Array.from(Float32Array.from(randomSpd(rng, B, n)));
    const W = Float64Array.from(rng.normalArray(B * n * n));
    for (let k = 0; k < B; k++) for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) W[k * n * n + i * n + j] = 0;
    const lossF64 = (AA: Float64Array) => dot(W, choleskyFactor(AA, B, n).L);
    const At = tf.tensor(Float32Array.from(A), [B, n, n]);
    const L = cholesky(At);
    const rec = tf.matMul(L, L, false, true);
    expect(maxRelErr(rec.dataSync(), A)).toBeLessThan(1e-6);
    const Wt = tf.tensor(Float32Array.from(W), [B, n, n]);
    const gA = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(cholesky(a), Wt)))(At);
    const fdA = new Float64Array(B * n * n);
    for (let k = 0; k < B; k++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) fdA[k * n * n + i * n + j] = fdEntry(lossF64, A, [k, i, j], n, true);
    expect(maxRelErr(gA.dataSync(), fdA)).toBeLessThan(1e-4);
  });
});

describe('triangularSolve op', () => {
  it('solves lower and upper systems and its gradient matches finite differences', () => {
    const rng = new Rng(14);
    const n = 4;
    const T = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) T[i * n + j] = i === j ? 2 + Math.abs(rng.normal()) : rng.normal();
    const T32 = Float64Array.from(Float32Array.from(T));
    const b = Float64Array.from(rng.normalArray(n));
    const w = Float64Array.from(rng.normalArray(n));
    const Tt = tf.tensor(Float32Array.from(T32), [n, n]);
    const bt = tf.tensor(Float32Array.from(b), [n]);
    const x = triangularSolve(Tt, bt, true);
    expect(maxRelErr(x.dataSync(), triF64(T32, 1, b, 1, n, 1, { lower: true }))).toBeLessThan(1e-6);
    const xu = triangularSolve(tf.transpose(Tt), bt, false);
    expect(maxRelErr(xu.dataSync(), triF64(T32, 1, b, 1, n, 1, { lower: true, transpose: true }))).toBeLessThan(1e-6);
    const wt = tf.tensor(Float32Array.from(w), [n]);
    const gT = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(triangularSolve(t, bt, true), wt)))(Tt);
    const lossF64 = (P: Float64Array) => dot(w, triF64(P, 1, b, 1, n, 1, { lower: true }));
    const fd = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) fd[i * n + j] = fdEntry(lossF64, T32, [0, i, j], n, false);
    expect(maxRelErr(gT.dataSync(), fd)).toBeLessThan(1e-4);
  });
});

describe('memory', () => {
  it('ops leave no tensors behind inside tidy', () => {
    const A = tf.tensor([[[4, 1], [1, 3]]]);
    const b = tf.ones([1, 2]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) {
      tf.tidy(() => {
        tf.grads((a: tf.Tensor, r: tf.Tensor) => choleskySolve(a, r).sum())([A, b]);
        luSolve(A, b);
        cholesky(A);
      });
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
