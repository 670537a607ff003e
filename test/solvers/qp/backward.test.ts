// Tests of the OptNet KKT backward (src/solvers/qp/backward.ts) on Float64: qpth's gradients from the
// fixtures, central finite differences of the Float64 solver for every parameter, and the shared-parameter
// reduction ('sum' vs qpth's 'mean').
import { describe, expect, it } from 'vitest';
import { qpBackward } from '../../../src/solvers/qp/backward.ts';
import { solveQp } from '../../../src/solvers/qp/layer.ts';
import { Rng } from '../../../src/tensor/rng.ts';
import { readReference } from '../../helpers/reference.ts';
import { flat, maxAbsDiff, randomQp } from './fixture.ts';

const fixture = readReference('qp.json');
const NAMES = ['Q', 'p', 'G', 'h', 'A', 'b'] as const;

describe('backward vs qpth fixtures', () => {
  it('every gradient within 1e-5 of the case’s largest gradient', () => {
    let worst = 0;
    for (const c of fixture.cases) {
      const sol = solveQp({ Q: c.Q, p: c.p, G: c.G, h: c.h, A: c.A, b: c.b }, { eps: 1e-12, maxIter: 60, notImprovedLim: 5 });
      const g = qpBackward(sol.problem, sol, Float64Array.from(flat(c.w)));
      const scale = Math.max(...NAMES.flatMap((k) => flat(c.grad[k]).map(Math.abs)));
      for (const k of NAMES) {
        const ref = flat(c.grad[k]);
        expect(g[k].length, `${c.id} ${k}`).toBe(ref.length);
        const e = maxAbsDiff(g[k], ref) / scale;
        worst = Math.max(worst, e);
        expect(e, `${c.id} grad.${k}`).toBeLessThan(1e-5);
      }
    }
    expect(worst).toBeGreaterThan(0);
  });
});

describe('backward vs finite differences', () => {
  it.each([
    [5, 8, 0],
    [6, 10, 2],
  ])('nz=%i nineq=%i neq=%i: every entry of every parameter', (nz, m, neq) => {
    const rng = new Rng(7 + nz + neq);
    const params = randomQp(rng, 2, nz, m, neq);
    const w = Float64Array.from({ length: 2 * nz }, () => rng.normal());
    const loss = (ps: typeof params) => {
      const s = solveQp(ps);
      expect(s.status.every((t) => t === 'optimal')).toBe(true);
      let L = 0;
      for (let i = 0; i < w.length; i++) L += w[i]! * s.z[i]!;
      return L;
    };
    const sol = solveQp(params);
    const g = qpBackward(sol.problem, sol, w);
    const step = 1e-6;
    let worst = 0;
    let gmax = 0;
    for (const k of NAMES) for (const v of g[k]) gmax = Math.max(gmax, Math.abs(v));
    for (const k of NAMES) {
      const data = params[k].data;
      for (let i = 0; i < data.length; i++) {
        const plus = { ...params, [k]: { data: Float64Array.from(data), shape: params[k].shape } };
        const minus = { ...params, [k]: { data: Float64Array.from(data), shape: params[k].shape } };
        if (k === 'Q') {
          // Symmetric perturbation (E_ij + E_ji)/2, as the fixture's finite differences.
          const n = nz, bi = Math.floor(i / (n * n)), ij = i % (n * n), r = Math.floor(ij / n), c = ij % n, j = bi * n * n + c * n + r;
          plus.Q.data[i]! += step / 2; plus.Q.data[j]! += step / 2;
          minus.Q.data[i]! -= step / 2; minus.Q.data[j]! -= step / 2;
        } else {
          plus[k].data[i]! += step;
          minus[k].data[i]! -= step;
        }
        const fd = (loss(plus) - loss(minus)) / (2 * step);
        worst = Math.max(worst, Math.abs(fd - g[k][i]!) / gmax);
      }
    }
    expect(worst).toBeLessThan(1e-5);
  });
});

describe('shared parameters', () => {
  it("sums gradients over the batch by default and averages with 'mean' (qpth)", () => {
    const rng = new Rng(1);
    const params = randomQp(rng, 3, 4, 5, 1);
    const w = Float64Array.from({ length: 12 }, () => rng.normal());
    const perBatch = solveQp(params);
    const gb = qpBackward(perBatch.problem, perBatch, w);
    // Same Q for all three, given once as shared.
    const Q0 = params.Q.data.slice(0, 16);
    const repQ = Float64Array.from({ length: 48 }, (_, i) => Q0[i % 16]!);
    const rep = solveQp({ ...params, Q: { data: repQ, shape: [3, 4, 4] } });
    const shared = solveQp({ ...params, Q: { data: Q0, shape: [4, 4] } });
    const gRep = qpBackward(rep.problem, rep, w);
    const gSum = qpBackward(shared.problem, shared, w);
    const gMean = qpBackward(shared.problem, shared, w, 'mean');
    expect(gb.Q.length).toBe(48);
    expect(gSum.Q.length).toBe(16);
    const summed = Float64Array.from({ length: 16 }, (_, i) => gRep.Q[i]! + gRep.Q[16 + i]! + gRep.Q[32 + i]!);
    expect(maxAbsDiff(gSum.Q, summed)).toBeLessThan(1e-12);
    expect(maxAbsDiff(gMean.Q, summed.map((v) => v / 3))).toBeLessThan(1e-12);
    // Per-batch parameters are unaffected by the convention.
    expect(maxAbsDiff(gMean.p, gSum.p)).toBe(0);
  });
});
