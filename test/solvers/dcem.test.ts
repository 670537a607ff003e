// DCEM: every single step and full run of ../shared/reference/dcem_step.json (values, gradients, iteration
// counts with early breaks), finite differences (also with active box bounds), tied samples, bounds, backward
// modes, bad input, tensor leaks.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DcemSolver, dcem, dcemStep, sqrtZeroGrad, standardizeUnbiased } from '../../src/solvers/dcem.ts';
import { makeSolver } from '../../src/solvers/types.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { useTestBackend } from '../helpers/backend.ts';
import { readReference } from '../helpers/reference.ts';

const ref = readReference('dcem_step.json');
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};
const flat = (a: unknown): number[] => (Array.isArray(a) ? (a as unknown[]).flat(Infinity as 1) as number[] : [a as number]);
const gradScale = (g: any): number => Math.max(1, ...[g.theta.a, g.theta.c, g.theta.omega, ...flat(g.mu), ...flat(g.sigma)].map(Math.abs));

/** The fixtures' objective f(X) = Σ_j ½·a·X_j² + c·cos(ω X_j), with a, c, ω scalar tensors. */
const objective = (a: tf.Tensor, c: tf.Tensor, w: tf.Tensor) => (X: tf.Tensor) =>
  tf.sum(tf.add(tf.mul(tf.mul(0.5, a), tf.square(X)), tf.mul(c, tf.cos(tf.mul(w, X)))), -1);

const thetaTensors = (t: { a: number; c: number; omega: number }) => [tf.scalar(t.a), tf.scalar(t.c), tf.scalar(t.omega)];

function expectGrads(got: tf.Tensor[], want: any, tol: number): void {
  const [ga, gc, gw, gmu, gsig] = got.map((g) => Array.from(g.dataSync()));
  expect(Math.abs(ga![0]! - want.theta.a)).toBeLessThan(tol);
  expect(Math.abs(gc![0]! - want.theta.c)).toBeLessThan(tol);
  expect(Math.abs(gw![0]! - want.theta.omega)).toBeLessThan(tol);
  expect(maxAbs(gmu!, flat(want.mu))).toBeLessThan(tol);
  expect(maxAbs(gsig!, flat(want.sigma))).toBeLessThan(tol);
}

beforeAll(async () => {
  await useTestBackend();
});

describe('dcemStep matches every single-step case', () => {
  it.each(ref.cases as any[])('$id', (c: any) => {
    const theta = thetaTensors(c.theta);
    const mu = tf.tensor(c.mu);
    const sigma = tf.tensor(c.sigma);
    const eps = tf.tensor(c.eps);
    const opts = { elites: c.n_elite, temp: c.temp, normalize: c.normalize, lmlEps: c.lml_eps };
    const s = dcemStep(objective(theta[0]!, theta[1]!, theta[2]!), mu, sigma, eps, opts);
    expect(maxAbs(s.X.dataSync(), flat(c.X))).toBeLessThan(1e-5);
    expect(maxAbs(s.fX.dataSync(), flat(c.fX))).toBeLessThan(1e-4 * Math.max(1, ...flat(c.fX).map(Math.abs)));
    expect(maxAbs(s.fXn.dataSync(), flat(c.fX_normalized))).toBeLessThan(1e-4);
    expect(maxAbs(s.I.dataSync(), flat(c.I))).toBeLessThan(1e-4);
    expect(maxAbs(s.mu.dataSync(), flat(c.mu_new))).toBeLessThan(5e-4);
    expect(maxAbs(s.sigma.dataSync(), flat(c.sigma_new))).toBeLessThan(5e-4);
    const wMu = tf.tensor(c.w);
    const wSig = tf.tensor(c.w_sigma);
    const run = (which: 'mu' | 'sigma', w: tf.Tensor) =>
      tf.grads((a: tf.Tensor, cc: tf.Tensor, om: tf.Tensor, m: tf.Tensor, sg: tf.Tensor) =>
        tf.sum(tf.mul(dcemStep(objective(a, cc, om), m, sg, eps, opts)[which], w)),
      )([...theta, mu, sigma]);
    const gMu = run('mu', wMu);
    expectGrads(gMu, c.grad_mu_new, 1e-3 * gradScale(c.grad_mu_new));
    const gSig = run('sigma', wSig);
    expectGrads(gSig, c.grad_sigma_new, 1e-3 * gradScale(c.grad_sigma_new));
    tf.dispose([...theta, mu, sigma, eps, wMu, wSig, ...gMu, ...gSig, ...Object.values(s)]);
  });
});

describe('dcem matches every multi-iteration run', () => {
  it.each(ref.full_runs as any[])('$id', (r: any) => {
    const theta = thetaTensors(r.theta);
    const mu0 = tf.tensor(r.init_mu);
    const sig0 = tf.tensor(r.init_sigma);
    const noise = tf.tensor(r.eps);
    const opts = {
      iterations: r.n_iter,
      samples: r.n_sample,
      elites: r.n_elite,
      temp: r.temp,
      normalize: r.normalize,
      lmlEps: r.lml_eps,
      iterEps: r.iter_eps,
      noise,
    };
    const res = dcem(objective(theta[0]!, theta[1]!, theta[2]!), { mean: mu0, std: sig0 }, opts);
    expect(res.info.iterations).toBe(r.noise_draws_used);
    expect(res.info.stoppedAt).toBe(r.early_break_at);
    expect(maxAbs(res.solution.dataSync(), flat(r.mu_final))).toBeLessThan(1e-3);
    if (r.early_break_at !== null) expect(res.info.status.every((s) => s === 'converged')).toBe(true);
    const w = tf.tensor(r.w);
    const g = tf.grads((a: tf.Tensor, cc: tf.Tensor, om: tf.Tensor, m: tf.Tensor, sg: tf.Tensor) => {
      const out = dcem(objective(a, cc, om), { mean: m, std: sg }, opts);
      out.value.dispose();
      return tf.sum(tf.mul(out.solution, w));
    })([...theta, mu0, sig0]);
    expectGrads(g, r.grad_mu_final, 5e-3 * gradScale(r.grad_mu_final));
    tf.dispose([...theta, mu0, sig0, noise, w, ...g, res.solution, res.value]);
  });
});

describe('dcem solver', () => {
  const quad = (target: tf.Tensor) => (X: tf.Tensor) => tf.sum(tf.square(tf.sub(X, target)), -1);

  it('minimizes a batch of quadratics, reports value, status and trace', () => {
    const rng = new Rng(1);
    const target = tf.tensor([[1, -2, 0.5], [0, 0, 3]]).expandDims(1);
    const solver = makeSolver('dcem', { samples: 64, elites: 8, iterations: 20, iterEps: 1e-3 });
    const r = solver.solve(quad(target), { mean: tf.zeros([2, 3]), std: tf.scalar(2) }, { rng, trace: true });
    expect(maxAbs(r.solution.dataSync(), target.dataSync())).toBeLessThan(0.1);
    expect(r.value.shape).toEqual([2]);
    expect(r.info.status).toHaveLength(2);
    expect(r.info.trace!.best.length).toBeGreaterThan(1);
    expect(r.info.trace!.best.at(-1)![0]!).toBeLessThan(r.info.trace!.best[0]![0]!);
    tf.dispose([target, r.solution, r.value]);
  });

  it('keeps samples and the solution inside box bounds', () => {
    const target = tf.tensor([[[2, -2]]]);
    const seen: number[] = [];
    const f = (X: tf.Tensor) => {
      seen.push(tf.max(tf.abs(X)).dataSync()[0]!);
      return quad(target)(X);
    };
    const r = dcem(f, { mean: tf.zeros([1, 2]), std: tf.scalar(3) }, { samples: 50, elites: 5, iterations: 5, bounds: [-1, 1], rng: new Rng(2) });
    expect(Math.max(...seen)).toBeLessThanOrEqual(1);
    const s = r.solution.dataSync();
    expect(s[0]!).toBeGreaterThan(0.8);
    expect(s[1]!).toBeLessThan(-0.8);
    tf.dispose([target, r.solution, r.value]);
  });

  it('backward modes: unroll, truncated and none give different / zero gradients', () => {
    const noise = new Rng(4).normalTensor([4, 1, 30, 2]);
    const grad = (backward: any) =>
      tf.grads((t: tf.Tensor, m: tf.Tensor) => {
        const r = dcem((X) => tf.sum(tf.square(tf.sub(X, t)), -1), { mean: m, std: tf.scalar(1) }, { samples: 30, elites: 5, iterations: 4, noise, backward });
        r.value.dispose();
        return tf.sum(r.solution);
      })([tf.tensor([0.5, -0.5]), tf.tensor([[0.1, 0.2]])]).map((g) => Array.from(g.dataSync()));
    const unroll = grad('unroll');
    const trunc = grad({ truncated: 1 });
    const none = grad('none');
    expect(none.flat().every((v) => v === 0)).toBe(true);
    expect(trunc[1]!.every((v) => v === 0)).toBe(true); // init mean is detached before the last iteration
    expect(trunc[0]!.some((v) => v !== 0)).toBe(true);
    expect(unroll[1]!.some((v) => v !== 0)).toBe(true);
    expect(maxAbs(unroll[0]!, trunc[0]!)).toBeGreaterThan(1e-4);
    noise.dispose();
  });

  it('matches central finite differences w.r.t. objective parameters (fixed noise)', () => {
    const noise = new Rng(5).normalTensor([3, 2, 40, 3]);
    const theta0 = [1.2, 0.7, 2.0];
    const w = tf.tensor([[0.3, -1, 0.5], [1, 0.2, -0.4]]);
    const run = (a: tf.Tensor, c: tf.Tensor, om: tf.Tensor) => {
      const r = dcem(objective(a, c, om), { mean: tf.tensor([[0.3, -0.2, 0.1], [1, 0, -1]]), std: tf.scalar(0.5) }, {
        samples: 40, elites: 6, iterations: 3, noise, lmlEps: 1e-9, temp: 0.5,
      });
      r.value.dispose();
      return tf.sum(tf.mul(r.solution, w));
    };
    const g = tf.grads(run)(theta0.map((v) => tf.scalar(v))).map((t) => t.dataSync()[0]!);
    const h = 1e-2;
    for (let i = 0; i < 3; i++) {
      const at = (d: number) => tf.tidy(() => run(...(theta0.map((v, j) => tf.scalar(j === i ? v + d : v)) as [tf.Tensor, tf.Tensor, tf.Tensor])).dataSync()[0]!);
      const fd = (at(h) - at(-h)) / (2 * h);
      expect(Math.abs(fd - g[i]!)).toBeLessThan(5e-3 + 5e-2 * Math.abs(fd));
    }
    tf.dispose([noise, w]);
  });

  // Central differences need iterEps 0 (an early stop at a different iteration for the ±h runs makes the
  // difference meaningless) and a tight lmlEps: with the default 1e-3 the LML bracket search makes ν, hence
  // the forward pass, a step function of the objective (jumps of ~1e-4 in the weights), so differences below
  // h ≈ 1e-2 measure the jumps, not the derivative. Steps h that cross a clipping kink (a sample moving onto
  // or off a bound between t − h and t + h) are skipped; where none is crossed, a Float64 re-implementation
  // with an exact LML agreed with the analytic gradient to 4 digits.
  it.each([
    { name: '1-D, B = 3', B: 3, n: 1, N: 40, k: 5, T: 5, std: 2, mean: [[0], [0.5], [3]], c: [-1, 0.3, 1], seed: 21 },
    { name: '3-D, B = 2', B: 2, n: 3, N: 50, k: 6, T: 4, std: 1.5, mean: [[0, 0, 0], [0.5, -0.5, 2]], c: [-1, 0.6], seed: 22 },
  ])('matches central finite differences with active box bounds ($name, unroll and truncated)', (cfg) => {
    const { B, n, N, k, T } = cfg;
    const noise = new Rng(cfg.seed).normalTensor([T, B, N, n]);
    const c = tf.tensor(cfg.c, [B, 1, 1]);
    const w = tf.tensor(Array.from({ length: B * n }, (_, i) => [1, -0.6, 0.8, 0.4][i % 4]!), [B, n]);
    const t0 = [-0.2, 0.3];
    for (const backward of ['unroll', { truncated: 1 }] as const) {
      const last = typeof backward === 'object' ? T - 1 : 0;
      let clipped = 0;
      let seen = 0;
      // f(X) = Σ_j ½ sin(2 X_j) + (t₁ + c_b) X_j + t₂ X_j²; calls ≥ `last` use (t₁, t₂) = tLate, earlier ones tEarly
      // (so the truncated gradient, which covers the last update only, is compared with the same perturbation).
      // `pattern` (when given) records which samples sit on a bound, call by call: a central difference is only
      // meaningful when t − h, t and t + h clip the same samples (no kink crossed in between).
      const makeF = (tEarly: tf.Tensor[], tLate: tf.Tensor[], count: boolean, pattern?: string[]) => {
        let calls = 0;
        return (X: tf.Tensor) => {
          const [t1, t2] = calls < last ? tEarly : tLate;
          if ((count || pattern) && calls < T) {
            const xs = X.dataSync();
            if (count) for (const v of xs) (seen++, Math.abs(v) === 1 && clipped++);
            if (pattern) pattern.push(Array.from(xs, (v) => (Math.abs(v) === 1 ? '1' : '0')).join(''));
          }
          calls++;
          return tf.sum(tf.add(tf.add(tf.mul(0.5, tf.sin(tf.mul(2, X))), tf.mul(tf.add(t1!, c), X)), tf.mul(t2!, tf.square(X))), -1);
        };
      };
      const run = (f: (X: tf.Tensor) => tf.Tensor) => {
        const r = dcem(f, { mean: tf.tensor(cfg.mean), std: tf.scalar(cfg.std) }, {
          iterations: T, samples: N, elites: k, noise, iterEps: 0, lmlEps: 1e-9, bounds: [-1, 1], backward,
        });
        r.value.dispose();
        return tf.sum(tf.mul(r.solution, w));
      };
      const atT0: string[] = [];
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => run(makeF([a, b], [a, b], true, atT0)))(t0.map((v) => tf.scalar(v))).map((x) => x.dataSync()[0]!);
      expect(clipped / seen).toBeGreaterThan(0.2); // the bounds are active: a fifth of the samples sit on them
      const base = t0.map((v) => tf.scalar(v));
      for (let i = 0; i < 2; i++) {
        let compared = 0;
        for (const h of [1e-2, 3e-3, 1e-3]) {
          const at = (d: number, pattern: string[]) =>
            tf.tidy(() => {
              const tp = t0.map((v, j) => tf.scalar(j === i ? v + d : v));
              return run(makeF(last > 0 ? base : tp, tp, false, pattern)).dataSync()[0]!;
            });
          const [pp, pm]: string[][] = [[], []];
          const fd = (at(h, pp) - at(-h, pm)) / (2 * h);
          if (pp.join() !== atT0.join() || pm.join() !== atT0.join()) continue; // a clipping kink lies within ±h
          compared++;
          expect(Math.abs(fd - g[i]!)).toBeLessThan(2e-3 + 2e-2 * Math.abs(fd));
        }
        expect(compared).toBeGreaterThan(0);
      }
      tf.dispose(base);
    }
    tf.dispose([noise, c, w]);
  });

  it('gives finite, correct gradients when every sample of a problem ties (√ at a zero sum of squares)', () => {
    // √ has an infinite derivative at 0; the std of tied values and σ' of coinciding samples are exactly 0,
    // and tfjs's 0·∞ = NaN would spread to every parameter the batch shares.
    const [gs] = tf.grads((v: tf.Tensor) => tf.sum(sqrtZeroGrad(v)))([tf.tensor([0, 4])]);
    expect(Array.from(gs!.dataSync())).toEqual([0, 0.25]);
    const gw = tf.tensor([[1, 2, 3, 4]]);
    const [gn] = tf.grads((x: tf.Tensor) => tf.sum(tf.mul(standardizeUnbiased(x), gw)))([tf.tensor([[2, 2, 2, 2]])]);
    // f̃ = (f − mean f)/(0 + 1e-6) there: the gradient is (g − mean g)/1e-6.
    expect(maxAbs(gn!.dataSync(), [-1.5e6, -0.5e6, 0.5e6, 1.5e6])).toBeLessThan(1);
    const obj = (t1: tf.Tensor, t2: tf.Tensor) => (X: tf.Tensor) => tf.add(tf.add(tf.sin(X), tf.mul(t1, X)), tf.mul(t2, tf.square(X)));
    const t0 = [tf.scalar(-0.3), tf.scalar(0.05)];
    const grad = (loss: (t1: tf.Tensor, t2: tf.Tensor) => tf.Tensor) => tf.grads(loss)(t0).map((x) => x.dataSync()[0]!);
    const opts = { iterations: 3, samples: 20, elites: 3, iterEps: 0 };

    // A flat objective for problem 1 of the batch (every f equal): problem 0 keeps its own gradient.
    const noise = new Rng(3).normalTensor([3, 2, 20, 1]);
    const noise0 = tf.slice(noise, [0, 0, 0, 0], [3, 1, 20, 1]);
    const mask = tf.tensor([[1], [0]]);
    const batched = grad((t1, t2) => tf.sum(dcem((X) => tf.mul(mask, tf.sum(obj(t1, t2)(X), -1)), { mean: tf.zeros([2, 1]) }, { ...opts, noise }).solution));
    const alone = grad((t1, t2) => tf.sum(dcem((X) => tf.sum(obj(t1, t2)(X), -1), { mean: tf.zeros([1, 1]) }, { ...opts, noise: noise0 }).solution));
    expect(batched.every(Number.isFinite)).toBe(true);
    expect(maxAbs(batched, alone)).toBeLessThan(1e-5 * Math.max(1, ...alone.map(Math.abs)));

    // A coordinate pinned by lo = hi (every X_s equal there, so σ' = 0): the same gradient as without it.
    const noise2 = new Rng(3).normalTensor([3, 2, 16, 2]);
    const noise2a = tf.slice(noise2, [0, 0, 0, 0], [3, 2, 16, 1]);
    const pinned = grad((t1, t2) =>
      tf.sum(dcem((X) => tf.sum(obj(t1, t2)(X), -1), { mean: tf.tensor([[0, 0.5], [0.3, 0.5]]) }, {
        ...opts, samples: 16, elites: 1, noise: noise2, bounds: [tf.tensor([-1, 0.5]), tf.tensor([1, 0.5])],
      }).solution.slice([0, 0], [2, 1])),
    );
    const free = grad((t1, t2) =>
      tf.sum(dcem((X) => tf.sum(obj(t1, t2)(X), -1), { mean: tf.tensor([[0], [0.3]]) }, { ...opts, samples: 16, elites: 1, noise: noise2a, bounds: [-1, 1] }).solution),
    );
    expect(pinned.every(Number.isFinite)).toBe(true);
    expect(maxAbs(pinned, free)).toBeLessThan(1e-4 * Math.max(1, ...free.map(Math.abs)));

    // Every sample of problem 0 clipped onto the bound +1 in the first update (mean outside the box): FD.
    const loss = (t1: tf.Tensor, t2: tf.Tensor) =>
      tf.sum(dcem((X) => tf.sum(obj(t1, t2)(X), -1), { mean: tf.tensor([[5], [0]]) }, { ...opts, noise, lmlEps: 1e-9, bounds: [-1, 1] }).solution);
    const g = grad(loss);
    const h = 1e-2;
    for (let i = 0; i < 2; i++) {
      const at = (d: number) => tf.tidy(() => loss(...([-0.3, 0.05].map((v, j) => tf.scalar(j === i ? v + d : v)) as [tf.Tensor, tf.Tensor])).dataSync()[0]!);
      const fd = (at(h) - at(-h)) / (2 * h);
      expect(Math.abs(fd - g[i]!)).toBeLessThan(1e-3 + 1e-2 * Math.abs(fd));
    }
    tf.dispose([gs!, gw, gn!, ...t0, noise, noise0, mask, noise2, noise2a]);
  });

  it('rejects bad input with errors naming the field', () => {
    const f = (X: tf.Tensor) => tf.sum(X, -1);
    const m = tf.zeros([2, 3]);
    expect(() => dcem(f, { mean: tf.zeros([3]) })).toThrow(/init.mean: expected shape \[B, n\]/);
    expect(() => dcem(f, { mean: m }, { samples: 10, elites: 10 })).toThrow(/elites must be an integer with 1 ≤ elites < samples = 10/);
    expect(() => dcem(f, { mean: m }, { noise: tf.zeros([1, 2, 5, 3]), samples: 10, elites: 2 })).toThrow(/noise: expected \[iters, B, N, n\]/);
    expect(() => dcem((X) => tf.sum(X), { mean: m }, { samples: 10, elites: 2 })).toThrow(/objective output f\(X\): expected shape \[2, 10\]/);
    expect(() => dcem(f, { mean: m }, { backward: { truncated: 0 } })).toThrow(/dcem: backward \{ truncated: k \} needs an integer k ≥ 1/);
    expect(() => dcem(f, { mean: m }, { backward: 'implicit' })).toThrow(/dcem: backward "implicit" is not supported; dcem supports 'unroll', \{ truncated: k \}, 'none'/);
    expect(() => dcem(f, { mean: m }, { backward: 'sideways' as never })).toThrow(/dcem: backward must be 'unroll', \{ truncated: k \}, 'none' \(got "sideways"\)/);
    expect(() => new DcemSolver({ elite: 3 } as any)).toThrow(/unknown option "elite"/);
    m.dispose();
  });

  it('leaks no tensors across solves with gradients', () => {
    const m = tf.tensor([[0.5, 0.5]]);
    const t = tf.tensor([1, 2]);
    const once = () =>
      tf.tidy(() => {
        const [g] = tf.grads((tt: tf.Tensor) => {
          const r = dcem((X) => tf.sum(tf.square(tf.sub(X, tt)), -1), { mean: m }, { samples: 20, elites: 4, iterations: 3, rng: new Rng(0), trace: true });
          return tf.add(tf.sum(r.solution), tf.sum(r.value));
        })([t]);
        g!.dataSync();
      });
    once();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) once();
    const r = dcem((X) => tf.sum(X, -1), { mean: m }, { samples: 20, elites: 4, iterations: 3, rng: new Rng(0) });
    tf.dispose([r.solution, r.value]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([m, t]);
  });
});
