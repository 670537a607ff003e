// Tests of the blockwise condensing (controllers/condensed-qp.ts) against the dense definition
// Q = Σ_t [S_t; E_t]ᵀ H_t [S_t; E_t] + S_Hᵀ H_T S_H + ρI, with S_{t+1} = A_t S_t + B_t E_t (1e-12 relative),
// for dense and sparse Jacobians, with and without a terminal Hessian, and for the default ρ.
import { describe, expect, it } from 'vitest';
import { condenseHessian } from '../../controllers/condensed-qp.ts';
import { Rng } from '../../src/tensor/rng.ts';

/** The dense definition, one problem at a time. */
function denseQ(A: Float64Array, Bm: Float64Array, stage: Float64Array, terminal: Float64Array | undefined, Bn: number, H: number, nx: number, nu: number, rho: number): Float64Array {
  const n = H * nu, k = nx + nu;
  const Q = new Float64Array(Bn * n * n);
  for (let b = 0; b < Bn; b++) {
    let S = new Float64Array(nx * n);
    const addQuad = (Hm: Float64Array, ho: number, M: Float64Array, rows: number) => {
      for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) {
        let acc = 0;
        for (let i = 0; i < rows; i++) for (let j = 0; j < rows; j++) acc += M[i * n + r]! * Hm[ho + i * rows + j]! * M[j * n + c]!;
        Q[b * n * n + r * n + c]! += acc;
      }
    };
    for (let t = 0; t < H; t++) {
      const M = new Float64Array(k * n);
      M.set(S);
      for (let j = 0; j < nu; j++) M[(nx + j) * n + t * nu + j] = 1;
      addQuad(stage, (b * H + t) * k * k, M, k);
      const S2 = new Float64Array(nx * n);
      for (let i = 0; i < nx; i++) {
        for (let c = 0; c < n; c++) for (let j = 0; j < nx; j++) S2[i * n + c]! += A[(b * H + t) * nx * nx + i * nx + j]! * S[j * n + c]!;
        for (let j = 0; j < nu; j++) S2[i * n + t * nu + j]! += Bm[(b * H + t) * nx * nu + i * nu + j]!;
      }
      S = S2;
    }
    if (terminal) addQuad(terminal, b * nx * nx, S, nx);
    for (let i = 0; i < n; i++) Q[b * n * n + i * n + i]! += rho;
  }
  return Q;
}

function randomStages(rng: Rng, Bn: number, H: number, nx: number, nu: number, sparse: boolean) {
  const k = nx + nu;
  const A = Float64Array.from({ length: Bn * H * nx * nx }, (_, i) => (sparse && i % 3 === 1 ? 0 : 0.5 * rng.normal()));
  const Bm = Float64Array.from({ length: Bn * H * nx * nu }, (_, i) => (sparse && i % 2 === 0 ? 0 : rng.normal()));
  const stage = new Float64Array(Bn * H * k * k);
  for (let r = 0; r < Bn * H; r++) {
    const L = Array.from({ length: k * k }, () => rng.normal());
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
      let s = 0;
      for (let e = 0; e < k; e++) s += L[i * k + e]! * L[j * k + e]!;
      stage[r * k * k + i * k + j] = s;
    }
  }
  const terminal = Float64Array.from({ length: Bn * nx * nx }, (_, i) => (Math.floor(i / nx) % nx === i % nx ? 2 : 0));
  return { A, B: Bm, stage, terminal };
}

describe('condenseHessian', () => {
  for (const [nx, nu, sparse, withTerminal] of [[3, 1, false, true], [4, 2, true, false], [2, 3, false, false], [4, 2, true, true]] as const) {
    it(`equals the dense definition (nx ${nx}, nu ${nu}, ${sparse ? 'sparse' : 'dense'} Jacobians, ${withTerminal ? 'with' : 'no'} terminal Hessian)`, () => {
      const rng = new Rng(nx * 10 + nu);
      const Bn = 2, H = 7;
      const m = randomStages(rng, Bn, H, nx, nu, sparse);
      const input = withTerminal ? m : { A: m.A, B: m.B, stage: m.stage };
      const got = condenseHessian(input, Bn, H, nx, nu, 0.3);
      const want = denseQ(m.A, m.B, m.stage, withTerminal ? m.terminal : undefined, Bn, H, nx, nu, 0.3);
      let scale = 0;
      for (const v of want) scale = Math.max(scale, Math.abs(v));
      for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-12 * scale);
    });
  }

  it('adds the default ρ = 1e-6·(1 + max Qᵢᵢ) per problem', () => {
    const rng = new Rng(9);
    const m = randomStages(rng, 2, 5, 3, 1, false);
    const got = condenseHessian(m, 2, 5, 3, 1, undefined);
    const bare = denseQ(m.A, m.B, m.stage, m.terminal, 2, 5, 3, 1, 0);
    const n = 5;
    for (let b = 0; b < 2; b++) {
      let dmax = 0;
      for (let i = 0; i < n; i++) dmax = Math.max(dmax, bare[b * n * n + i * n + i]!);
      for (let i = 0; i < n; i++) expect(got[b * n * n + i * n + i]! - bare[b * n * n + i * n + i]!).toBeCloseTo(1e-6 * (1 + dmax), 12);
    }
  });
});
