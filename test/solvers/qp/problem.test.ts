// Tests of QP input validation (src/solvers/qp/problem.ts): NaN and mis-shaped inputs get errors naming the
// argument and the expected shape; empty A/b mean "no equality constraints"; Q is symmetrized.
import { describe, expect, it } from 'vitest';
import { packQp } from '../../../src/solvers/qp/problem.ts';

const base = { Q: [[2, 0], [0, 2]], p: [1, 1], G: [[1, 0]], h: [1] };

describe('packQp', () => {
  it('rejects NaN / Infinity naming the argument', () => {
    expect(() => packQp({ ...base, p: [1, NaN] })).toThrow(/^p: contains NaN at flat index 1/);
    expect(() => packQp({ ...base, h: [Infinity] })).toThrow(/^h: contains Infinity/);
    expect(() => packQp({ ...base, A: [[1, NaN]], b: [0] })).toThrow(/^A: contains NaN/);
  });

  it('rejects mis-shaped inputs with the expected shape', () => {
    expect(() => packQp({ ...base, Q: [[[[1]]]] })).toThrow(/Q: expected shape \[B, nz, nz\] \(per batch\) or \[nz, nz\] \(shared\)/);
    expect(() => packQp({ ...base, p: [1, 1, 1] })).toThrow(/p: expected shape \[nz\] but got \[3\].*nz = 2/);
    expect(() => packQp({ ...base, h: [1, 2] })).toThrow(/h: expected shape \[nineq\].*nineq = 1/);
    expect(() => packQp({ ...base, Q: [[[2, 0], [0, 2]], [[2, 0], [0, 2]]], p: [[1, 1], [1, 1], [1, 1]] })).toThrow(
      /p: batch dimension is 3 but B = 2 from Q/,
    );
    expect(() => packQp({ ...base, A: [[1, 1]] })).toThrow(/b: missing while A is given/);
    expect(() => packQp({ ...base, A: [[1, 1], [1, 0], [0, 1]], b: [1, 1, 1] })).toThrow(/neq ≤ nz/);
    expect(() => packQp({ ...base, p: [[1, 1], [1]] as never })).toThrow(/ragged/);
  });

  it('treats empty A, b as no equality constraints and symmetrizes Q', () => {
    const prob = packQp({ Q: [[2, 1], [0, 2]], p: [[1, 1], [0, 0]], G: [[1, 0]], h: [1], A: [[], []], b: [[], []] });
    expect(prob.neq).toBe(0);
    expect(prob.B).toBe(2);
    expect(Array.from(prob.Q)).toEqual([2, 0.5, 0.5, 2]);
    expect([prob.qS, prob.pS, prob.gS, prob.hS]).toEqual([0, 2, 0, 0]);
  });
});
