// Float64 linear algebra exposed as differentiable tfjs ops (tfjs has no Cholesky or solve of its own).
//
// Each op reads its float32 inputs into Float64Arrays, runs the batched Float64 core, and returns a float32
// tensor; `tf.customGrad` attaches the analytic backward, which reuses the forward's Float64 factors:
//   x = A⁻¹ b:        b̄ = A⁻ᵀ x̄,   Ā = −b̄ xᵀ                    (luSolve; Giles 2008)
//   x = A⁻¹ b, A SPD: b̄ = A⁻¹ x̄,   Ā = −½(b̄ xᵀ + x b̄ᵀ)          (choleskySolve; symmetric gradient)
//   L = chol(A):      Ā = ½(S + Sᵀ),  S = L⁻ᵀ Φ(Lᵀ L̄) L⁻¹        (cholesky; Murray 2016, Φ = lower
//                     triangle with halved diagonal; the same formula as TensorFlow's CholeskyGrad)
// Shapes: A is `[n, n]` (shared by the batch) or `[B, n, n]`; b is `[B, n, m]`, `[B, n]` (vector right-hand
// sides), or, with an unbatched A, `[n, m]` / `[n]`. Gradients of a shared A are summed over the batch.
// Failed factorizations throw a `LinalgError` naming the batch elements (never a silent NaN).
import * as tf from '@tensorflow/tfjs';
import { ShapeError, assertFinite } from '../tensor/check.ts';
import { applyCustomOp } from '../tensor/custom-op.ts';
import { choleskyFactor, choleskySolveFactored } from './cholesky.ts';
import { throwOnFailure } from './errors.ts';
import { luFactor, luSolveFactored } from './lu.ts';
import { triangularSolve as triSolveF64 } from './triangular.ts';

interface SolveLayout {
  /** Number of distinct matrices (1 when shared). */
  bA: number;
  /** Batch size of the right-hand side. */
  B: number;
  n: number;
  m: number;
}

function layout(op: string, A: tf.Tensor, b: tf.Tensor): SolveLayout {
  if (A.rank !== 2 && A.rank !== 3) {
    throw new ShapeError(`${op}: A must have shape [n, n] or [B, n, n] (got [${A.shape}])`);
  }
  const n = A.shape[A.rank - 1]!;
  if (A.shape[A.rank - 2] !== n) throw new ShapeError(`${op}: A must be square, [.., n, n] (got [${A.shape}])`);
  const bA = A.rank === 3 ? A.shape[0]! : 1;
  let B: number;
  let m: number;
  if (A.rank === 3) {
    if (b.rank === 2) [B, m] = [b.shape[0]!, 1];
    else if (b.rank === 3) [B, m] = [b.shape[0]!, b.shape[2]!];
    else throw new ShapeError(`${op}: with A [B, n, n], b must be [B, n] or [B, n, m] (got [${b.shape}])`);
    if (b.shape[1] !== n) throw new ShapeError(`${op}: b must have n = ${n} rows to match A [${A.shape}] (got b [${b.shape}])`);
    if (B !== bA) throw new ShapeError(`${op}: batch of b (${B}) must equal batch of A (${bA}); pass A as [n, n] to share it`);
  } else {
    if (b.rank === 1) [B, m] = [1, 1];
    else if (b.rank === 2) [B, m] = [1, b.shape[1]!];
    else if (b.rank === 3) [B, m] = [b.shape[0]!, b.shape[2]!];
    else throw new ShapeError(`${op}: with A [n, n], b must be [n], [n, m] or [B, n, m] (got [${b.shape}])`);
    const rows = b.rank === 3 ? b.shape[1] : b.shape[0];
    if (rows !== n) throw new ShapeError(`${op}: b must have n = ${n} rows to match A [${A.shape}] (got b [${b.shape}])`);
  }
  return { bA, B, n, m };
}

function readF64(name: string, t: tf.Tensor): Float64Array {
  const d = Float64Array.from(t.dataSync() as Float32Array);
  assertFinite(name, d);
  return d;
}

/** −½(u vᵀ + v uᵀ) or −u vᵀ per batch, summed when A is shared. u, v are `[B, n, m]`. */
function outerGrad(u: Float64Array, v: Float64Array, L: SolveLayout, symmetric: boolean): Float64Array {
  const { bA, B, n, m } = L;
  const g = new Float64Array(bA * n * n);
  for (let b = 0; b < B; b++) {
    const go = (bA === 1 ? 0 : b) * n * n;
    const o = b * n * m;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let c = 0; c < m; c++) {
          s += symmetric
            ? 0.5 * (u[o + i * m + c]! * v[o + j * m + c]! + v[o + i * m + c]! * u[o + j * m + c]!)
            : u[o + i * m + c]! * v[o + j * m + c]!;
        }
        g[go + i * n + j]! -= s;
      }
    }
  }
  return g;
}

function checkSymmetric(op: string, A: Float64Array, bA: number, n: number): void {
  for (let b = 0; b < bA; b++) {
    const o = b * n * n;
    let scale = 0;
    let asym = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        scale = Math.max(scale, Math.abs(A[o + i * n + j]!));
        asym = Math.max(asym, Math.abs(A[o + i * n + j]! - A[o + j * n + i]!));
      }
    }
    if (asym > 1e-5 * Math.max(scale, 1e-30)) {
      throw new ShapeError(
        `${op}: A must be symmetric, but batch element ${b} has |A - Aᵀ| = ${asym.toExponential(2)} (scale ${scale.toExponential(2)}); fix: pass ½(A + Aᵀ)`,
      );
    }
  }
}

const NOT_PD_FIX = 'A must be symmetric positive definite; add a multiple of the identity (A + εI) or use luSolve';

/**
 * Solves A x = b for symmetric positive-definite A by Cholesky, batched.
 * @param A `[n, n]` or `[B, n, n]`, symmetric positive definite
 * @param b `[B, n, m]`, `[B, n]`, or (A unbatched) `[n, m]` / `[n]`
 * @returns x with the shape of b
 */
export function choleskySolve(A: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const L = layout('choleskySolve', A, b);
  return applyCustomOp((a: tf.Tensor, rhs: tf.Tensor) => {
    const Ad = readF64('choleskySolve: A', a as tf.Tensor);
    const bd = readF64('choleskySolve: b', rhs as tf.Tensor);
    checkSymmetric('choleskySolve', Ad, L.bA, L.n);
    const f = choleskyFactor(Ad, L.bA, L.n);
    throwOnFailure(f.info, 'choleskySolve: A is not positive definite', NOT_PD_FIX);
    const x = choleskySolveFactored(f.L, L.bA, bd, L.B, L.n, L.m);
    return {
      value: tf.tensor(Float32Array.from(x), rhs.shape),
      gradFunc: (dy: tf.Tensor) => {
        const gb = choleskySolveFactored(f.L, L.bA, Float64Array.from(dy.dataSync() as Float32Array), L.B, L.n, L.m);
        const gA = outerGrad(gb, x, L, true);
        return [tf.tensor(Float32Array.from(gA), a.shape), tf.tensor(Float32Array.from(gb), dy.shape)];
      },
    };
  }, A, b);
}

/**
 * Solves A x = b for a general square A by LU with partial pivoting, batched.
 * @param A `[n, n]` or `[B, n, n]`, non-singular
 * @param b `[B, n, m]`, `[B, n]`, or (A unbatched) `[n, m]` / `[n]`
 * @returns x with the shape of b
 */
export function luSolve(A: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const L = layout('luSolve', A, b);
  return applyCustomOp((a: tf.Tensor, rhs: tf.Tensor) => {
    const Ad = readF64('luSolve: A', a as tf.Tensor);
    const bd = readF64('luSolve: b', rhs as tf.Tensor);
    const f = luFactor(Ad, L.bA, L.n);
    throwOnFailure(f.info, 'luSolve: A is singular to working precision', 'check A for dependent rows/columns, or regularize it');
    const x = luSolveFactored(f, L.bA, bd, L.B, L.n, L.m);
    return {
      value: tf.tensor(Float32Array.from(x), rhs.shape),
      gradFunc: (dy: tf.Tensor) => {
        const gb = luSolveFactored(f, L.bA, Float64Array.from(dy.dataSync() as Float32Array), L.B, L.n, L.m, true);
        const gA = outerGrad(gb, x, L, false);
        return [tf.tensor(Float32Array.from(gA), a.shape), tf.tensor(Float32Array.from(gb), dy.shape)];
      },
    };
  }, A, b);
}

/**
 * Cholesky factor L (lower, A = L Lᵀ) of symmetric positive-definite matrices, differentiable.
 * @param A `[n, n]` or `[B, n, n]`
 * @returns L with the shape of A
 */
export function cholesky(A: tf.Tensor): tf.Tensor {
  if ((A.rank !== 2 && A.rank !== 3) || A.shape[A.rank - 1] !== A.shape[A.rank - 2]) {
    throw new ShapeError(`cholesky: A must have shape [n, n] or [B, n, n] (got [${A.shape}])`);
  }
  const n = A.shape[A.rank - 1]!;
  const B = A.rank === 3 ? A.shape[0]! : 1;
  return applyCustomOp((a: tf.Tensor) => {
    const Ad = readF64('cholesky: A', a as tf.Tensor);
    checkSymmetric('cholesky', Ad, B, n);
    const f = choleskyFactor(Ad, B, n);
    throwOnFailure(f.info, 'cholesky: A is not positive definite', NOT_PD_FIX);
    return {
      value: tf.tensor(Float32Array.from(f.L), a.shape),
      gradFunc: (dy: tf.Tensor) => {
        const Lb = Float64Array.from(dy.dataSync() as Float32Array);
        const Lf = f.L;
        // P = Φ(Lᵀ L̄): lower triangle of Lᵀ L̄ with its diagonal halved.
        const P = new Float64Array(B * n * n);
        for (let b = 0; b < B; b++) {
          const o = b * n * n;
          for (let i = 0; i < n; i++) {
            for (let j = 0; j <= i; j++) {
              let s = 0;
              for (let k = 0; k < n; k++) s += Lf[o + k * n + i]! * Lb[o + k * n + j]!;
              P[o + i * n + j] = i === j ? 0.5 * s : s;
            }
          }
        }
        // S = L⁻ᵀ P L⁻¹:  Y = L⁻ᵀ P, then S = Y L⁻¹ = (L⁻ᵀ Yᵀ)ᵀ.
        const Y = triSolveF64(Lf, B, P, B, n, n, { lower: true, transpose: true });
        const Yt = transposeBatch(Y, B, n);
        const St = triSolveF64(Lf, B, Yt, B, n, n, { lower: true, transpose: true });
        const G = new Float64Array(B * n * n);
        for (let b = 0; b < B; b++) {
          const o = b * n * n;
          for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) G[o + i * n + j] = 0.5 * (St[o + i * n + j]! + St[o + j * n + i]!);
        }
        return tf.tensor(Float32Array.from(G), a.shape);
      },
    };
  }, A);
}

function transposeBatch(X: Float64Array, B: number, n: number): Float64Array {
  const Y = new Float64Array(B * n * n);
  for (let b = 0; b < B; b++) {
    const o = b * n * n;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Y[o + j * n + i] = X[o + i * n + j]!;
  }
  return Y;
}

/**
 * Solves T x = b for triangular T, batched and differentiable w.r.t. b and T.
 * x = T⁻¹ b:  b̄ = T⁻ᵀ x̄,  T̄ = −tri(b̄ xᵀ) (restricted to T's triangle).
 */
export function triangularSolve(T: tf.Tensor, b: tf.Tensor, lower = true): tf.Tensor {
  const L = layout('triangularSolve', T, b);
  return applyCustomOp((t: tf.Tensor, rhs: tf.Tensor) => {
    const Td = readF64('triangularSolve: T', t as tf.Tensor);
    for (let i = 0; i < L.bA; i++) {
      for (let k = 0; k < L.n; k++) {
        const d = Td[i * L.n * L.n + k * L.n + k]!;
        if (d === 0) throw new ShapeError(`triangularSolve: T has a zero diagonal entry at batch ${i}, row ${k}; T must be non-singular`);
      }
    }
    const bd = readF64('triangularSolve: b', rhs as tf.Tensor);
    const x = triSolveF64(Td, L.bA, bd, L.B, L.n, L.m, { lower });
    return {
      value: tf.tensor(Float32Array.from(x), rhs.shape),
      gradFunc: (dy: tf.Tensor) => {
        const gb = triSolveF64(Td, L.bA, Float64Array.from(dy.dataSync() as Float32Array), L.B, L.n, L.m, { lower, transpose: true });
        const gT = outerGrad(gb, x, L, false);
        for (let i = 0; i < L.bA; i++) {
          for (let r = 0; r < L.n; r++) {
            for (let c = 0; c < L.n; c++) if (lower ? c > r : c < r) gT[i * L.n * L.n + r * L.n + c] = 0;
          }
        }
        return [tf.tensor(Float32Array.from(gT), t.shape), tf.tensor(Float32Array.from(gb), dy.shape)];
      },
    };
  }, T, b);
}
