// Tests of policies/l2o/state.ts, reward.ts and env-step.ts: history shifting, feature layout, the
// log-improvement reward, bounded updates.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { featureDim, initOptState, advanceOptState, nextStepScale, optFeatures, resolveL2OConfig, disposeOptState } from '../../../policies/l2o/state.ts';
import { logImprovementReward } from '../../../policies/l2o/reward.ts';
import { startState, stepState } from '../../../policies/l2o/env-step.ts';
import { makeProblem } from '../../../policies/l2o/problems.ts';
import { Rng } from '../../../src/tensor/rng.ts';
import { useTestBackend } from '../../helpers/backend.ts';

beforeAll(async () => {
  await useTestBackend();
});

describe('optimizer state', () => {
  const cfg = resolveL2OConfig({ history: 3, stepScale: 0.5, scale: 'fixed' });

  it('shifts the history and lays out (f, θ, Δθ, g) features per coordinate (fixed step)', () => {
    const s0 = initOptState(tf.tensor2d([[1, -1]]), tf.tensor1d([4]), tf.tensor2d([[2, 0]]), cfg);
    const s1 = advanceOptState(s0, tf.tensor2d([[1.5, -1]]), tf.tensor1d([1]), tf.tensor2d([[1, 0.5]]), cfg);
    expect(Array.from(s1.dthetaH.dataSync())).toEqual([0.5, 0, 0, 0, 0, 0]);
    expect(Array.from(s1.thetaH.dataSync())).toEqual([1.5, 1, 1, -1, -1, -1]);
    const F = optFeatures(s1, cfg);
    expect(F.shape).toEqual([1, 2, featureDim(cfg)]);
    expect(featureDim(cfg)).toBe(13);
    const x = F.arraySync() as number[][][];
    const c0 = x[0]![0]!;
    // f: [log(1 + ε)/10, log 4 − log 1, log 4 − log 1]
    expect(c0[0]!).toBeCloseTo(0, 5);
    expect(c0[1]!).toBeCloseTo(Math.log(4), 5);
    expect(c0[2]!).toBeCloseTo(Math.log(4), 5);
    // θ: [θ0/5, (θ1 − θ0)/s, (θ2 − θ0)/s]
    expect(c0[3]!).toBeCloseTo(0.3, 5);
    expect(c0[4]!).toBeCloseTo(-1, 5);
    // Δθ/s: [1, 0, 0]
    expect(c0.slice(6, 9)).toEqual([1, 0, 0]);
    // g: symlog(s g) = log(1 + 0.5), log(1 + 1), log(1 + 1)
    expect(c0[9]!).toBeCloseTo(Math.log(1.5), 5);
    expect(c0[10]!).toBeCloseTo(Math.log(2), 5);
    // Adam-like direction g/√v, v = 0.9·4 + 0.1·1
    expect(c0[12]!).toBeCloseTo(1 / Math.sqrt(3.7), 5);
    disposeOptState(s0);
    disposeOptState(s1);
    F.dispose();
  });

  it('reward is the clipped log-improvement', () => {
    const r = logImprovementReward(tf.tensor1d([10, 1, 1e-3]), tf.tensor1d([1, 10, 1e-9]), 1e-8, 3);
    const d = r.dataSync();
    expect(d[0]!).toBeCloseTo(Math.log(10), 5);
    expect(d[1]!).toBeCloseTo(-Math.log(10), 5);
    expect(d[2]!).toBeCloseTo(3, 5); // log(1e-3 / 1.1e-8) ≈ 11.4, clipped to 3
    r.dispose();
  });

  it('a step moves θ by s·clip(a, ±1), projects, and leaks nothing', () => {
    const rng = new Rng(1);
    const p = makeProblem('quadratic', 3, rng);
    const th = tf.tensor2d([[0, 0, 0], [1, 1, 1]]);
    let s = startState(p, th, cfg);
    const before = tf.memory().numTensors;
    const a = tf.tensor2d([[3, -0.5, 0], [0.2, 0, -2]]);
    const { next, reward } = stepState(p, s, a, cfg);
    const moved = next.theta.arraySync() as number[][];
    expect(moved[0]).toEqual([0.5, -0.25, 0]);
    expect(moved[1]![0]!).toBeCloseTo(1.1, 6);
    expect(moved[1]![2]!).toBeCloseTo(0.5, 6);
    expect(reward.shape).toEqual([2]);
    const proj = stepState(p, next, a, cfg, (x) => tf.clipByValue(x, -0.1, 0.1));
    for (const v of proj.next.theta.dataSync()) expect(Math.abs(v)).toBeLessThanOrEqual(0.1 + 1e-7);
    disposeOptState(proj.next);
    tf.dispose([a, reward, proj.reward]);
    disposeOptState(s);
    s = next;
    disposeOptState(s);
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
    expect(() => stepState(p, next, tf.zeros([2, 2]), cfg)).toThrow(/action must be \[B, M\]/);
    th.dispose();
    p.dispose();
  });
});

describe('adaptive step scale', () => {
  const cfg = resolveL2OConfig({ history: 3, stepScale: 0.5 });

  it('is the default; σ follows the gradient signs (×1.2 agree, ×0.5 flip, ×1 at zero) within [s·1e-7, s·10]', () => {
    expect(cfg.scale).toBe('adaptive');
    expect(featureDim(cfg)).toBe(11);
    const sigma = tf.tensor2d([[0.5, 0.5, 0.5, 4.9, 1e-7]]);
    const prev = tf.tensor2d([[1, 1, 0, 1, 1]]);
    const grad = tf.tensor2d([[2, -3, 1, 1, -1]]);
    const next = nextStepScale(sigma, prev, grad, cfg).dataSync();
    const want = [0.6, 0.25, 0.5, 5, 0.5e-7];
    want.forEach((w, i) => expect(Math.abs(next[i]! - w) / w).toBeLessThan(1e-6)); // float32
    expect(() => resolveL2OConfig({ scale: 'linear' as never })).toThrow(/scale must be 'adaptive' or 'fixed'/);
    tf.dispose([sigma, prev, grad]);
  });

  it('features are invariant to f → c·f and θ → a·θ + b (σ → a·σ, ∇f → (c/a)·∇f)', () => {
    const traj = (c: number, a: number, b: number) => {
      let s = initOptState(tf.tensor2d([[a * 1 + b, a * -2 + b]]), tf.tensor1d([c * 4]), tf.tensor2d([[(c / a) * 2, (c / a) * -1]]), { ...cfg, stepScale: a * 0.5 });
      const steps: [number[], number, number[]][] = [
        [[1.3, -1.8], 2, [1, 0.5]],
        [[1.2, -1.5], 1.5, [-0.5, 0.2]],
      ];
      for (const [th, f, g] of steps) {
        const nxt = advanceOptState(s, tf.tensor2d([th.map((x) => a * x + b)]), tf.tensor1d([c * f]), tf.tensor2d([g.map((x) => (c / a) * x)]), { ...cfg, stepScale: a * 0.5 });
        disposeOptState(s);
        s = nxt;
      }
      const F = Array.from(optFeatures(s, cfg).dataSync());
      disposeOptState(s);
      return F;
    };
    const base = traj(1, 1, 0);
    const moved = traj(1000, 0.01, 3);
    base.forEach((v, i) => expect(moved[i]!).toBeCloseTo(v, 3));
    // the fixed-step features are not
    const fixed = resolveL2OConfig({ history: 3, scale: 'fixed' });
    const s1 = initOptState(tf.tensor2d([[1]]), tf.tensor1d([4]), tf.tensor2d([[2]]), fixed);
    const s2 = initOptState(tf.tensor2d([[0.01]]), tf.tensor1d([4000]), tf.tensor2d([[2e5]]), fixed);
    expect(Array.from(optFeatures(s1, fixed).dataSync())).not.toEqual(Array.from(optFeatures(s2, fixed).dataSync()));
    disposeOptState(s1);
    disposeOptState(s2);
  });

  it('a sign policy a = −sign(∇f) converges with the adaptive scale and stalls at the scale of s with the fixed one', () => {
    const rng = new Rng(2);
    const p = makeProblem('quadratic', 5, rng);
    const th0 = p.init(2, rng);
    const finalF = (c: ReturnType<typeof resolveL2OConfig>) => {
      let s = startState(p, th0, c);
      for (let t = 0; t < 150; t++) {
        const a = tf.neg(tf.sign(s.grad));
        const { next, reward } = stepState(p, s, a, c);
        tf.dispose([a, reward]);
        disposeOptState(s);
        s = next;
      }
      const f = Math.max(...s.f.dataSync());
      disposeOptState(s);
      return f;
    };
    expect(finalF(resolveL2OConfig({ stepScale: 0.5 }))).toBeLessThan(1e-8);
    expect(finalF(resolveL2OConfig({ stepScale: 0.5, scale: 'fixed' }))).toBeGreaterThan(1e-3);
    th0.dispose();
    p.dispose();
  });
});
