// Learning a latent action space through DCEM on a small double integrator: the gradient of the planned
// cost w.r.t. the decoder's weights, taken through every DCEM iteration, matches finite differences of the
// whole solve (fixed noise); training lowers the validation cost; the full-space baseline stays inside the
// bounds; bad settings are refused by name.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LatentDecoder } from '../../src/models/latent-decoder.ts';
import { compileSystem } from '../../src/models/system/compile.ts';
import { defineSystem } from '../../src/models/system/definition.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { latentObjective, planFullSpace, planLatent, trainLatentDecoder, validationCost } from '../../src/train/latent-embedding.ts';
import { ReduceLROnPlateau } from '../../src/train/lr-plateau.ts';
import { useTestBackend } from '../helpers/backend.ts';
import { expectClose, weightDirectional } from '../models/finite-difference.ts';

beforeAll(useTestBackend);

/** Double integrator [p, v], u ∈ [−1, 1]: cost p² + 0.1 v² + 0.01 u². */
const integrator = defineSystem({
  name: 'latent-test-integrator',
  stateDim: 2,
  actionDim: 1,
  params: {},
  dt: 0.1,
  actionBounds: { low: [-1], high: [1] },
  transition([p, v], [u], _p, m) {
    return [m.add(p!, m.mul(0.1, v!)), m.add(v!, m.mul(0.1, u!))];
  },
  cost([p, v], [u], _p, m) {
    return m.add(m.add(m.square(p!), m.mul(0.1, m.square(v!))), m.mul(0.01, m.square(u!)));
  },
});

const starts = (rng: Rng, n: number) => Float32Array.from({ length: 2 * n }, () => rng.uniformIn(-1, 1));
const H = 6;
const decoder = (seed: number, activation: 'elu' | 'tanh' = 'elu') => new LatentDecoder({ latentDim: 2, horizon: H, actionDim: 1, low: [-1], high: [1], hidden: 8, activation, rng: new Rng(seed) });

describe('latent embedding through DCEM', () => {
  it('the planned cost has the decoder-weight gradient of finite differences through every DCEM iteration', () => {
    const { dynamics, cost } = compileSystem(integrator);
    // tanh (smooth) and an exact LML forward (lmlEps 1e-9): the DCEM backward is the derivative of the exact
    // soft top-k, which the default bracket width (1e-3) only approximates in the forward.
    const dec = decoder(3, 'tanh');
    const x0 = tf.tensor2d([[0.8, -0.3], [-0.5, 0.6]]);
    const plan = { samples: 16, elites: 4, iterations: 4, temp: 1, initStd: 0.3, lmlEps: 1e-9 };
    const f = () => tf.tidy(() => tf.sum(planLatent(dec, dynamics, cost, x0, { ...plan, rng: new Rng(7), backward: 'unroll' }).cost) as tf.Scalar);
    const rng = new Rng(11);
    for (const w of [dec.mlp.weights[0]!, dec.mlp.weights[1]!, dec.mlp.biases[1]!]) {
      const [analytic, fd] = weightDirectional(f, w, rng, 1e-2);
      expect(Math.abs(analytic)).toBeGreaterThan(1e-3);
      expectClose(`d/d${w.name}`, [analytic, fd], 2e-2, 1e-3);
    }
    // backward 'none' (the paper's τ = 0 ablation): ẑ is a constant, the gradient is ∇_θ C(ẑ) at that ẑ only.
    const w = dec.mlp.weights[1]!;
    const none = tf.variableGrads(() => tf.tidy(() => tf.sum(planLatent(dec, dynamics, cost, x0, { ...plan, rng: new Rng(7), backward: 'none' }).cost) as tf.Scalar), [w]);
    const zHat = tf.tidy(() => planLatent(dec, dynamics, cost, x0, { ...plan, rng: new Rng(7), backward: 'none' }).z);
    const fixed = tf.variableGrads(() => tf.tidy(() => tf.sum(latentObjective(dec, dynamics, cost, x0)(zHat.expandDims(1))) as tf.Scalar), [w]);
    const unroll = tf.variableGrads(f, [w]);
    const a = none.grads[w.name]!.dataSync(), b = fixed.grads[w.name]!.dataSync(), c = unroll.grads[w.name]!.dataSync();
    for (let i = 0; i < a.length; i++) expect(a[i]!).toBeCloseTo(b[i]!, 5);
    expect(Math.max(...Array.from(a, (x, i) => Math.abs(x - c[i]!)))).toBeGreaterThan(1e-4);
    tf.dispose([none.value, fixed.value, unroll.value, ...Object.values(none.grads), ...Object.values(fixed.grads), ...Object.values(unroll.grads), zHat, x0]);
    dec.dispose();
    dynamics.dispose();
  });

  it('training lowers the validation cost and reports every update', () => {
    const { dynamics, cost } = compileSystem(integrator);
    const dec = decoder(5);
    const val = starts(new Rng(1), 6);
    const plan = { samples: 20, elites: 4, iterations: 4 };
    const valSeed = 2 + 2_000_003; // trainLatentDecoder's validation noise for seed 2
    const before = validationCost(dec, dynamics, cost, val, plan, valSeed);
    const steps: number[] = [];
    const evals: number[] = [];
    const r = trainLatentDecoder(dec, dynamics, cost, {
      steps: 40, batch: 2, lr: 1e-2, clip: 1, evalEvery: 10, plan, sampleStarts: starts, valStarts: val, seed: 2,
      onStep: ({ step, loss, gradNorm }) => {
        expect(Number.isFinite(loss) && Number.isFinite(gradNorm)).toBe(true);
        steps.push(step);
      },
      onEval: ({ step }) => evals.push(step),
    });
    expect(steps).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(evals).toEqual([0, 10, 20, 30, 40]);
    expect(r.initialValCost).toBeCloseTo(before, 5);
    expect(r.bestValCost).toBeLessThan(before - 0.02 * Math.abs(before));
    // The best weights reproduce the best validation cost.
    dec.setWeights(r.bestWeights);
    expect(validationCost(dec, dynamics, cost, val, plan, valSeed)).toBeCloseTo(r.bestValCost, 4);
    dec.dispose();
    dynamics.dispose();
  });

  it('with `plateau`, the validation costs drive ReduceLROnPlateau and Adam trains at its rate', () => {
    const { dynamics, cost } = compileSystem(integrator);
    const dec = decoder(6);
    const rows: Array<{ valCost: number; lr: number }> = [];
    trainLatentDecoder(dec, dynamics, cost, {
      steps: 12, batch: 1, lr: 1e-6, clip: 1, evalEvery: 2, plateau: { patience: 0, factor: 0.5 },
      plan: { samples: 10, elites: 3, iterations: 2 }, sampleStarts: starts, valStarts: starts(new Rng(1), 3), seed: 4,
      onEval: ({ valCost, lr }) => rows.push({ valCost, lr }),
    });
    // The rate at each validation is the scheduler's after the validations before it.
    const replay = new ReduceLROnPlateau({ lr: 1e-6, patience: 0, factor: 0.5 });
    let lr = 1e-6;
    for (const r of rows) {
      expect(r.lr).toBe(lr);
      lr = replay.step(r.valCost);
    }
    // At lr 1e-6 the validation cost hardly moves, so it stops improving and the rate is cut.
    expect(Math.min(...rows.map((r) => r.lr))).toBeLessThan(1e-6);
    dec.dispose();
    dynamics.dispose();
  });

  it('the full-space baseline plans inside the bounds', () => {
    const { dynamics, cost } = compileSystem(integrator);
    const x0 = tf.tensor2d([[0.8, -0.3]]);
    const r = tf.tidy(() => {
      const p = planFullSpace(dynamics, cost, x0, { samples: 30, elites: 5, iterations: 3, temp: 1, normalize: true, initStd: 0.5, lmlEps: 1e-3, horizon: H, low: [-1], high: [1], rng: new Rng(1) });
      return [p.actions, p.cost];
    });
    expect(r[0]!.shape).toEqual([1, H]);
    for (const u of r[0]!.dataSync()) expect(Math.abs(u)).toBeLessThanOrEqual(1);
    expect(Number.isFinite(r[1]!.dataSync()[0]!)).toBe(true);
    tf.dispose([...r, x0]);
    dynamics.dispose();
  });

  it('refuses bad settings by name', () => {
    const { dynamics, cost } = compileSystem(integrator);
    const dec = decoder(1);
    const base = { steps: 1, batch: 1, lr: 1e-3, clip: 1, evalEvery: 1, sampleStarts: starts, valStarts: starts(new Rng(0), 2), seed: 0 };
    expect(() => trainLatentDecoder(dec, dynamics, cost, { ...base, steps: 0 })).toThrow(/steps must be a positive integer/);
    expect(() => trainLatentDecoder(dec, dynamics, cost, { ...base, lr: 0 })).toThrow(/lr must be a positive number/);
    expect(() => trainLatentDecoder(dec, dynamics, cost, { ...base, sampleStarts: () => new Float32Array(3) })).toThrow(/sampleStarts returned 3 numbers, expected batch·nx = 2/);
    expect(() => validationCost(dec, dynamics, cost, new Float32Array(3), {}, 0)).toThrow(/starts must hold V·nx/);
    dec.dispose();
    dynamics.dispose();
  });
});
