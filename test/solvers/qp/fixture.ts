// Shared helpers of the QP tests: flattening nested fixture arrays, random problems.
import { Rng } from '../../../src/tensor/rng.ts';

export const flat = (x: unknown): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x as number]);

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i]! - b[i]!));
  return e;
}

/** Random strictly feasible problems as in the fixture generator: Q = LLᵀ + 0.1I, h = Gz0 + s0, b = Az0. */
export function randomQp(rng: Rng, B: number, nz: number, nineq: number, neq: number) {
  const Q = new Float64Array(B * nz * nz), p = new Float64Array(B * nz);
  const G = new Float64Array(B * nineq * nz), h = new Float64Array(B * nineq);
  const A = new Float64Array(B * neq * nz), b = new Float64Array(B * neq);
  const L = new Float64Array(nz * nz), z0 = new Float64Array(nz);
  for (let bi = 0; bi < B; bi++) {
    for (let i = 0; i < nz * nz; i++) L[i] = rng.normal();
    for (let i = 0; i < nz; i++) {
      for (let j = 0; j < nz; j++) {
        let s = i === j ? 0.1 : 0;
        for (let k = 0; k < nz; k++) s += L[i * nz + k]! * L[j * nz + k]!;
        Q[bi * nz * nz + i * nz + j] = s;
      }
      p[bi * nz + i] = 2 * rng.normal();
      z0[i] = rng.normal();
    }
    for (let k = 0; k < nineq; k++) {
      let s = rng.uniformIn(0.1, 1);
      for (let i = 0; i < nz; i++) {
        const g = rng.normal();
        G[(bi * nineq + k) * nz + i] = g;
        s += g * z0[i]!;
      }
      h[bi * nineq + k] = s;
    }
    for (let r = 0; r < neq; r++) {
      let s = 0;
      for (let i = 0; i < nz; i++) {
        const a = rng.normal();
        A[(bi * neq + r) * nz + i] = a;
        s += a * z0[i]!;
      }
      b[bi * neq + r] = s;
    }
  }
  return {
    Q: { data: Q, shape: [B, nz, nz] },
    p: { data: p, shape: [B, nz] },
    G: { data: G, shape: [B, nineq, nz] },
    h: { data: h, shape: [B, nineq] },
    A: { data: A, shape: [B, neq, nz] },
    b: { data: b, shape: [B, neq] },
  };
}
