// Solvers never return a silent answer from a non-finite objective (src/solvers/non-finite.ts): DCEM, NOVAS and
// GD raise a NonFiniteObjectiveError naming what was not finite (objective, gradient, start), the iteration,
// how many candidates and which problems; a finite objective still solves, and a NaN start is not clipped
// onto a bound. Before these checks NOVAS and GD returned a bound as if planned and DCEM threw from inside LML.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import '../../src/solvers/index.ts';
import { NonFiniteObjectiveError } from '../../src/solvers/non-finite.ts';
import { makeSolver, type Objective } from '../../src/solvers/types.ts';
import { useTestBackend } from '../helpers/backend.ts';

beforeAll(useTestBackend);

const quad: Objective = (X) => tf.sum(tf.square(tf.sub(X, 0.3)), 2);
/** NaN wherever x₀ > 0.5 (a model that breaks for large actions), else the quadratic. */
const nanAbove: Objective = (X) => tf.tidy(() => tf.where(tf.greater(X.slice([0, 0, 0], [-1, -1, 1]).squeeze([2]), 0.5), tf.fill(X.shape.slice(0, 2) as [number, number], NaN), quad(X)));
const everywhere = (v: number): Objective => (X) => tf.add(quad(X), v);
/** Finite values whose gradient is not: √|x| at x = 0 has an infinite slope. */
const nanGradient: Objective = (X) => tf.sum(tf.sqrt(tf.abs(X)), 2);

function thrown(fn: () => unknown): NonFiniteObjectiveError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(NonFiniteObjectiveError);
    return e as NonFiniteObjectiveError;
  }
  throw new Error('expected a NonFiniteObjectiveError');
}

const init = (B = 2, n = 3, m = 0) => ({ mean: tf.fill([B, n], m), std: tf.fill([B, n], 0.5) });
const opts = { iterations: 4, samples: 32, bounds: [-1, 1] as [number, number] };
const dcemCfg = { elites: 4 };

describe('non-finite objectives', () => {
  for (const name of ['dcem', 'novas', 'gd']) {
    const solver = () => makeSolver(name, name === 'dcem' ? dcemCfg : {});

    it(`${name}: a NaN objective raises, naming the count, iteration and problems`, () => {
      const e = thrown(() => solver().solve(everywhere(NaN), init(), opts));
      expect(e.report).toMatchObject({ solver: name, what: 'objective', iteration: 1, problems: [0, 1], B: 2 });
      expect(e.report.count).toBe(e.report.total);
      expect(e.message).toMatch(new RegExp(`^${name}: the objective is NaN for \\d+ of \\d+ candidates at iteration 1 of 4 \\(problems 0, 1 of 2\\)`));
    });

    it(`${name}: +Infinity everywhere raises (it used to return a bound or 0)`, () => {
      const e = thrown(() => solver().solve(everywhere(Infinity), init(1), opts));
      expect(e.message).toMatch(/is Infinity for/);
    });

    it(`${name}: a NaN start is reported as the start, not clipped onto a bound`, () => {
      const e = thrown(() => solver().solve(quad, init(1, 3, NaN), opts));
      expect(e.report.what).toBe('start');
      expect(e.message).toMatch(/start \(init\.mean \/ init\.std\) contains NaN/);
    });

    it(`${name}: a finite objective still solves to finite values`, () => {
      const r = solver().solve(quad, init(), opts);
      expect(Array.from(r.solution.dataSync()).every(Number.isFinite)).toBe(true);
      expect(Array.from(r.value.dataSync()).every(Number.isFinite)).toBe(true);
    });
  }

  it('dcem: NaN for part of the candidates (x₀ > 0.5) is caught, with the count of bad candidates', () => {
    const e = thrown(() => makeSolver('dcem', dcemCfg).solve(nanAbove, { mean: tf.fill([1, 2], 0.5), std: tf.fill([1, 2], 0.5) }, opts));
    expect(e.report.iteration).toBe(1);
    expect(e.report.count).toBeGreaterThan(0);
    expect(e.report.count).toBeLessThan(e.report.total);
  });

  it('gd: a NaN gradient of a finite objective is named as the gradient', () => {
    const e = thrown(() => makeSolver('gd').solve(nanGradient, { mean: tf.zeros([1, 2]) }, { iterations: 3 }));
    expect(e.report).toMatchObject({ what: 'gradient', iteration: 1 });
    expect(e.message).toMatch(/the gradient of the objective is (NaN|-?Infinity) in 2 of 2 entries at iteration 1 of 3 .* although the objective itself is finite/);
  });

  it('leaks no tensors when it raises', () => {
    const before = tf.memory().numTensors;
    const i = init();
    for (const name of ['dcem', 'novas', 'gd']) expect(() => makeSolver(name, name === 'dcem' ? dcemCfg : {}).solve(everywhere(NaN), i, opts)).toThrow(NonFiniteObjectiveError);
    tf.dispose([i.mean, i.std]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
