// Tests of the phase-1 feasibility QP (src/solvers/qp/feasibility.ts): empty and non-empty feasible sets,
// with and without equality constraints, including a set with an empty interior (a single point).
import { describe, expect, it } from 'vitest';
import { phaseOneInfeasible } from '../../../src/solvers/qp/feasibility.ts';
import { solveQpBatch } from '../../../src/solvers/qp/pdipm.ts';
import { packQp, type QpParams } from '../../../src/solvers/qp/problem.ts';

const Q = [[1, 0], [0, 1]];
const p = [0, 0];
const decide = (params: Omit<QpParams, 'Q' | 'p'>) => phaseOneInfeasible(packQp({ Q, p, ...params }), 0, solveQpBatch, {});

describe('phaseOneInfeasible', () => {
  it('detects empty sets', () => {
    expect(decide({ G: [[1, 0], [-1, 0]], h: [-1, -1] })).toBe(true); // x ≤ −1 and x ≥ 1
    expect(decide({ G: [[1, 1]], h: [-1], A: [[1, 1]], b: [1] })).toBe(true); // x+y ≤ −1, x+y = 1
    expect(decide({ G: [[1, 0], [0, 1], [-1, -1]], h: [0, 0, -0.01] })).toBe(true); // barely empty
  });

  it('accepts non-empty sets, also with an empty interior', () => {
    expect(decide({ G: [[1, 0], [-1, 0]], h: [1, 1] })).toBe(false);
    expect(decide({ G: [[1, 0], [-1, 0]], h: [0, 0] })).toBe(false); // x = 0 only
    expect(decide({ G: [[1, 1]], h: [1], A: [[1, -1]], b: [5] })).toBe(false);
  });
});
