// The WebAssembly SIMD dense kernels (src/linalg/dense-kernels.ts) against their JavaScript twins, bit for bit:
// dot at every length mod 4, Cholesky (also at a failing pivot: same return value), forward substitution from
// the first nonzero, the Gram matrix from the later first nonzero, and the QP's weighted fold with box rows
// (one nonzero) that skip all but one row of H. Also: the instance pool, and switching the kernels off.
import { describe, expect, it } from 'vitest';
import { choleskyInPlace } from '../../src/linalg/cholesky.ts';
import { acquireDenseKernels, denseKernels, denseKernelsAvailable, releaseDenseKernels, setDenseKernels } from '../../src/linalg/dense-kernels.ts';
import { dot, lowerSolve } from '../../src/linalg/triangular.ts';
import { Rng } from '../../src/tensor/rng.ts';

const rng = new Rng(7);
const randn = (n: number) => Float64Array.from({ length: n }, () => rng.normal());
const sameBits = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) expect.fail(`entry ${i}: ${a[i]} vs ${b[i]}`);
};

/** `[n, n]` SPD matrix M Mᵀ + 0.1 I. */
function spd(n: number): Float64Array {
  const M = randn(n * n), A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = i === j ? 0.1 : 0;
    for (let k = 0; k < n; k++) s += M[i * n + k]! * M[j * n + k]!;
    A[i * n + j] = s;
  }
  return A;
}

describe('dense SIMD kernels', () => {
  it('run here (Node 20 has WebAssembly SIMD)', () => {
    expect(denseKernelsAvailable()).toBe(true);
  });

  it('dot equals the four-accumulator JavaScript dot at every length 0–41', () => {
    const k = denseKernels(2 * 8 * 64)!;
    const f = new Float64Array(k.memory.buffer);
    for (let n = 0; n <= 41; n++) {
      const x = randn(n), y = randn(n);
      f.set(x, 0);
      f.set(y, 64);
      expect(Object.is(k.dot(0, 64 * 8, n), dot(x, 0, y, 0, n))).toBe(true);
    }
  });

  it('cholesky equals choleskyInPlace, also where a pivot fails (the same index returned)', () => {
    for (const n of [1, 2, 3, 5, 16, 33, 64]) {
      const k = denseKernels(8 * n * n)!;
      for (const broken of [false, true]) {
        const A = spd(n);
        if (broken) A[(n - 1) * n + (n - 1)] = -1; // the last pivot is negative
        const f = new Float64Array(k.memory.buffer, 0, n * n);
        f.set(A);
        const js = Float64Array.from(A);
        expect(k.cholesky(0, n)).toBe(choleskyInPlace(js, 0, n));
        sameBits(f, js);
      }
    }
    const k = denseKernels(8 * 4)!;
    const f = new Float64Array(k.memory.buffer, 0, 4);
    f.set([NaN, 0, 0, 1]);
    expect(k.cholesky(0, 2)).toBe(1);
  });

  it('solve_rows equals lowerSolve on each row, leading zeros kept', () => {
    const n = 37, c = 9;
    const k = denseKernels(8 * (n * n + c * n))!;
    const A = spd(n);
    choleskyInPlace(A, 0, n);
    const V = randn(c * n);
    for (let r = 0; r < c; r++) V.fill(0, r * n, r * n + 4 * r); // row r starts at 4r
    const f = new Float64Array(k.memory.buffer);
    f.set(A, 0);
    f.set(V, n * n);
    k.solveRows(0, n, n * n * 8, c);
    for (let r = 0; r < c; r++) lowerSolve(A, 0, n, V, r * n);
    sameBits(f.subarray(n * n, n * n + c * n), V);
  });

  it('gram equals the dot products from the later first nonzero', () => {
    const n = 29, c = 11;
    const k = denseKernels(8 * (c * n + c * c) + 4 * c)!;
    const V = randn(c * n);
    for (let r = 0; r < c; r++) V.fill(0, r * n, r * n + ((3 * r) % 13));
    const f = new Float64Array(k.memory.buffer);
    f.set(V, 0);
    k.gram(0, c, n, c * n * 8, (c * n + c * c) * 8);
    const first = Array.from({ length: c }, (_, r) => (3 * r) % 13); // the normals after the zeros are nonzero
    for (let r = 0; r < c; r++) for (let q = 0; q <= r; q++) {
      const s = Math.max(first[r]!, first[q]!);
      expect(Object.is(f[c * n + r * c + q], dot(V, r * n + s, V, q * n + s, n - s))).toBe(true);
    }
  });

  it('fold equals the rank-2 updates of H in row pairs (an odd row last), box rows touching one row of H', () => {
    const n = 23, m = 15;
    const G = randn(m * n);
    for (const r of [2, 5, 9]) {
      G.fill(0, r * n, (r + 1) * n);
      G[r * n + ((7 * r) % n)] = r % 2 ? 1 : -1; // a bound row
    }
    const d = Float64Array.from({ length: m }, () => Math.exp(rng.normal()));
    const rows = Int32Array.from([0, 2, 3, 5, 6, 9, 11, 14]).subarray(0, 7); // 7: an odd count
    const H0 = spd(n);
    const k = denseKernels(8 * (n * n + m * n + m) + 4 * m)!;
    const f = new Float64Array(k.memory.buffer), i32 = new Int32Array(k.memory.buffer);
    const oG = n * n, od = oG + m * n, oRows = 2 * (od + m);
    f.set(H0, 0);
    f.set(G, oG);
    f.set(d, od);
    i32.set(rows, oRows);
    k.fold(0, oG * 8, oRows * 4, rows.length, od * 8, n);
    const H = Float64Array.from(H0);
    const update = (ks: number[]) => {
      for (let i = 0; i < n; i++) {
        const c = ks.map((r) => d[r]! * G[r * n + i]!);
        if (c.every((v) => v === 0)) continue;
        for (let j = 0; j <= i; j++) H[i * n + j]! += ks.length === 2 ? c[0]! * G[ks[0]! * n + j]! + c[1]! * G[ks[1]! * n + j]! : c[0]! * G[ks[0]! * n + j]!;
      }
    };
    for (let p = 0; p + 1 < rows.length; p += 2) update([rows[p]!, rows[p + 1]!]);
    update([rows[rows.length - 1]!]);
    sameBits(f.subarray(0, n * n), H);
  });

  it('acquireDenseKernels reuses a released instance that is large enough and never hands one out twice', () => {
    const a = acquireDenseKernels(200_000)!, b = acquireDenseKernels(200_000)!;
    expect(a).not.toBe(b);
    releaseDenseKernels(a);
    releaseDenseKernels(a); // a second release is ignored
    expect(acquireDenseKernels(1000)).toBe(a);
    expect(acquireDenseKernels(1000)).not.toBe(a);
    const big = acquireDenseKernels(10 * 65536)!;
    expect(big.memory.buffer.byteLength).toBeGreaterThanOrEqual(10 * 65536);
    [b, big].forEach(releaseDenseKernels);
  });

  it('setDenseKernels(false) turns them off for new instances and returns the previous setting', () => {
    expect(setDenseKernels(false)).toBe(true);
    try {
      expect(denseKernelsAvailable()).toBe(false);
      expect(denseKernels(64)).toBeNull();
    } finally {
      expect(setDenseKernels(true)).toBe(false);
    }
  });
});
