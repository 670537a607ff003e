// Tests of policies/l2o/recording-problem.ts: one log entry per f call with the f + ∇f count, the best
// iterate kept, one run only.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { RecordingProblem } from '../../../policies/l2o/recording-problem.ts';
import { runSgd } from '../../../policies/l2o/baselines.ts';
import { makeProblem } from '../../../policies/l2o/problems.ts';
import { Rng } from '../../../src/tensor/rng.ts';
import { useTestBackend } from '../../helpers/backend.ts';

beforeAll(async () => {
  await useTestBackend();
});

describe('RecordingProblem', () => {
  it('logs values, cumulative f + ∇f evaluations and time per f call, and keeps the best iterate', () => {
    const rng = new Rng(1);
    const p = makeProblem('quadratic', 3, rng);
    const th = p.init(1, rng);
    const rec = new RecordingProblem(p);
    const { values } = runSgd(rec, th, 6, 5); // lr 5 diverges on the stiff coordinates: the best is early
    expect(rec.log.values).toEqual(values.map((v) => v[0]!));
    expect(rec.log.evals).toEqual([1, 3, 5, 7, 9, 11, 13]);
    for (let i = 1; i < rec.log.ms.length; i++) expect(rec.log.ms[i]!).toBeGreaterThanOrEqual(rec.log.ms[i - 1]!);
    const best = Math.min(...rec.log.values);
    expect(p.f(rec.best!).dataSync()[0]).toBeCloseTo(best, 6);
    expect(() => rec.f(tf.zeros([2, 3]))).toThrow(/records one run/);
    rec.dispose();
    expect(rec.best).toBeNull();
    th.dispose();
    p.dispose();
  });
});
