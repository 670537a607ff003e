// Reference check for dcem_step.json (facebookresearch/dcem): every single update through `dcemStep` and
// every multi-iteration run through `dcem`, with the fixtures' objective
//   f(X) = Σ_j ½·a·X_j² + c·cos(ω X_j)
// and gradients w.r.t. (a, c, ω, μ, σ) by tf.grads. Tolerances from ../shared/reference/README.md (our LML
// search reproduces the reference's, so the default-eps fields are the targets):
//   single steps: μ', σ' |Δ| ≤ 5e-4; gradients |Δ| ≤ 1e-3·max(1, max|grad| of the case); I |Δ| ≤ 1e-4
//   full runs:    μ_final |Δ| ≤ 1e-3; gradients |Δ| ≤ 5e-3·max(1, max|grad|); iteration counts and the
//                 early-break iteration must match exactly.
// Gradient errors are reported already divided by max(1, max|grad|), so the tolerance is the factor.
import * as tf from '@tensorflow/tfjs';
import { dcem, dcemStep } from '../../src/solvers/dcem.ts';
import { registerReferenceCheck, type ReferenceCheckResult } from './reference-checks.ts';
import { maxAbsDiff } from './verify-lml.ts';

interface Theta {
  a: number;
  c: number;
  omega: number;
}
interface Grad {
  theta: Theta;
  mu: number[][];
  sigma: number[][];
}

/** The fixtures' objective over `[B, N, n]` with scalar tensors a, c, ω. */
export function fixtureObjective(a: tf.Tensor, c: tf.Tensor, omega: tf.Tensor) {
  return (X: tf.Tensor): tf.Tensor => tf.sum(tf.add(tf.mul(tf.mul(0.5, a), tf.square(X)), tf.mul(c, tf.cos(tf.mul(omega, X)))), -1);
}

const flatGrad = (g: Grad): number[] => [g.theta.a, g.theta.c, g.theta.omega, ...g.mu.flat(), ...g.sigma.flat()];

/** max|Δ| / max(1, max|want|) between our gradient tensors (a, c, ω, μ, σ) and a fixture gradient. */
function gradError(got: tf.Tensor[], want: Grad): number {
  const w = flatGrad(want);
  const g = got.flatMap((t) => Array.from(t.dataSync()));
  return maxAbsDiff(g, w) / Math.max(1, ...w.map(Math.abs));
}

/** Gradient of Σ w ⊙ out(θ, μ, σ) w.r.t. (a, c, ω, μ, σ) as host arrays compared with `want`. */
function gradOf(out: (f: ReturnType<typeof fixtureObjective>, mu: tf.Tensor, sigma: tf.Tensor) => tf.Tensor, theta: Theta, mu: number[][], sigma: number[][], w: number[][], want: Grad): number {
  return tf.tidy(() => {
    const inputs = [tf.scalar(theta.a), tf.scalar(theta.c), tf.scalar(theta.omega), tf.tensor(mu), tf.tensor(sigma)];
    const wt = tf.tensor(w);
    const g = tf.grads((a: tf.Tensor, c: tf.Tensor, om: tf.Tensor, m: tf.Tensor, s: tf.Tensor) =>
      tf.sum(tf.mul(out(fixtureObjective(a, c, om), m, s), wt)),
    )(inputs);
    return gradError(g, want);
  });
}

export function checkDcem(fixture: any): ReferenceCheckResult {
  const e = { mu: 0, sigma: 0, I: 0, gMu: 0, gSigma: 0, runMu: 0, runGrad: 0, iters: 0, breakAt: 0 };
  for (const c of fixture.cases ?? []) {
    const opts = { elites: c.n_elite, temp: c.temp, normalize: c.normalize, lmlEps: c.lml_eps };
    tf.tidy(() => {
      const eps = tf.tensor(c.eps);
      const th = c.theta as Theta;
      const s = dcemStep(fixtureObjective(tf.scalar(th.a), tf.scalar(th.c), tf.scalar(th.omega)), tf.tensor(c.mu), tf.tensor(c.sigma), eps, opts);
      e.mu = Math.max(e.mu, maxAbsDiff(s.mu.dataSync(), c.mu_new.flat()));
      e.sigma = Math.max(e.sigma, maxAbsDiff(s.sigma.dataSync(), c.sigma_new.flat()));
      e.I = Math.max(e.I, maxAbsDiff(s.I.dataSync(), c.I.flat()));
      e.gMu = Math.max(e.gMu, gradOf((f, m, sg) => dcemStep(f, m, sg, eps, opts).mu, th, c.mu, c.sigma, c.w, c.grad_mu_new));
      e.gSigma = Math.max(e.gSigma, gradOf((f, m, sg) => dcemStep(f, m, sg, eps, opts).sigma, th, c.mu, c.sigma, c.w_sigma, c.grad_sigma_new));
    });
  }
  for (const r of fixture.full_runs ?? []) {
    tf.tidy(() => {
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
      const th = r.theta as Theta;
      const res = dcem(fixtureObjective(tf.scalar(th.a), tf.scalar(th.c), tf.scalar(th.omega)), { mean: tf.tensor(r.init_mu), std: tf.tensor(r.init_sigma) }, opts);
      e.runMu = Math.max(e.runMu, maxAbsDiff(res.solution.dataSync(), r.mu_final.flat()));
      e.iters = Math.max(e.iters, Math.abs(res.info.iterations - r.noise_draws_used));
      e.breakAt = Math.max(e.breakAt, res.info.stoppedAt === r.early_break_at ? 0 : 1);
      e.runGrad = Math.max(e.runGrad, gradOf((f, m, sg) => dcem(f, { mean: m, std: sg }, opts).solution, th, r.init_mu, r.init_sigma, r.w, r.grad_mu_final));
    });
  }
  const row = (quantity: string, maxError: number, tolerance: number, note?: string) => ({
    quantity,
    maxError,
    tolerance,
    pass: maxError <= tolerance,
    ...(note ? { note } : {}),
  });
  const nSteps = (fixture.cases ?? []).length;
  const nRuns = (fixture.full_runs ?? []).length;
  return {
    cases: nSteps + nRuns,
    rows: [
      row('step mu_new', e.mu, 5e-4, `${nSteps} single steps`),
      row('step sigma_new', e.sigma, 5e-4),
      row('step I', e.I, 1e-4),
      row('step grad_mu_new (rel. to max(1,|g|))', e.gMu, 1e-3),
      row('step grad_sigma_new (rel. to max(1,|g|))', e.gSigma, 1e-3),
      row('run mu_final', e.runMu, 1e-3, `${nRuns} full runs`),
      row('run grad_mu_final (rel. to max(1,|g|))', e.runGrad, 5e-3),
      row('run iterations (|Δ count|)', e.iters, 0),
      row('run early break iteration (mismatches)', e.breakAt, 0),
    ],
  };
}

registerReferenceCheck({
  file: 'dcem_step.json',
  lists: ['cases', 'full_runs'],
  caseFields: { cases: ['n_elite', 'temp', 'normalize', 'lml_eps', 'eps', 'theta', 'mu', 'sigma', 'mu_new', 'sigma_new', 'I', 'w', 'grad_mu_new', 'w_sigma', 'grad_sigma_new'] },
  check: checkDcem,
});
