// Unrolled (projected) gradient descent and Adam on the objective: the gradient-based baseline `Solver`.
//
// Each of the B problems is minimized from init.mean by T steps on X `[B, 1, n]` (the objective is called
// with N = 1), with the inner gradient gₜ = ∂f/∂X(Xₜ) taken by `tf.grad` inside the solve:
//   gd:    Xₜ₊₁ = Π(Xₜ − α gₜ)
//   adam:  mₜ₊₁ = β₁mₜ + (1−β₁)gₜ,  vₜ₊₁ = β₂vₜ + (1−β₂)gₜ²,
//          Xₜ₊₁ = Π(Xₜ − α m̂ₜ₊₁ / √(v̂ₜ₊₁ + ε²)),  m̂ = m/(1−β₁ᵗ⁺¹), v̂ = v/(1−β₂ᵗ⁺¹)   (Kingma & Ba, 2015)
// where Π clips into the box bounds (projected gradient). √(v̂ + ε²) replaces Adam's √v̂ + ε so the update is
// smooth at g = 0 (the square root's derivative would be infinite there when differentiating the unroll).
//
// Differentiability (backward 'unroll'): tfjs records the ops of an inner `tf.grad` on the outer tape whenever
// an outer gradient (tf.grads / tf.variableGrads) is being taken, so the unrolled solution
// X_T(θ) is differentiated exactly, second-order terms ∂²f/∂X∂θ and ∂²f/∂X² included, as in unrolled
// optimization for meta-learning (Maclaurin et al., 2015; Finn et al., 2017). test/solvers/gd.test.ts checks
// this against finite differences. { truncated: k } detaches the iterate (and Adam moments) entering step
// T − k; 'none' returns a constant.
// Non-finite values (non-finite.ts): the box projection Π maps NaN onto a bound, so a NaN objective would
// "converge" silently. The start, every inner gradient and the value at the solution go into one reduction,
// read once per solve (the read that status needs anyway); when it is not finite the solve is replayed
// without a tape, reading each step, to name the first iteration whose value or gradient was not finite.
import * as tf from '@tensorflow/tfjs';
import { scoped } from '../tensor/memory.ts';
import { stopGradient } from '../tensor/stop-gradient.ts';
import {
  TraceRecorder,
  UNROLLED_BACKWARD_MODES,
  checkBackward,
  checkInit,
  clipToBounds,
  gateIterates,
  positiveInt,
  resolveBounds,
} from './common.ts';
import { NonFiniteObjectiveError, countNonFinite, finiteProbe, type NonFiniteReport } from './non-finite.ts';
import { registerSolver, type Objective, type SolveOptions, type SolveResult, type Solver, type SolveStatus } from './types.ts';

export type GdMethod = 'gd' | 'adam';

export interface GdConfig {
  /** Number of unrolled steps T (overridden per call by `opts.iterations`). Default 10. */
  steps?: number;
  /** Step size α. Default 0.1 for 'gd', 0.05 for 'adam'. */
  lr?: number;
  method?: GdMethod;
  /** Adam moment decay rates and ε. Defaults 0.9, 0.999, 1e-8. */
  beta1?: number;
  beta2?: number;
  eps?: number;
}

/** One update rule: state tensors in, the step direction and the next state out (pure, batched `[B, 1, n]`). */
interface UpdateRule {
  init(X: tf.Tensor): tf.Tensor[];
  step(g: tf.Tensor, state: tf.Tensor[], t: number): { direction: tf.Tensor; state: tf.Tensor[] };
}

const UPDATE_RULES: Record<GdMethod, (c: Required<GdConfig>) => UpdateRule> = {
  gd: () => ({
    init: () => [],
    step: (g) => ({ direction: g, state: [] }),
  }),
  adam: (c) => ({
    init: (X) => [tf.zerosLike(X), tf.zerosLike(X)],
    step: (g, [m, v], t) => {
      const m1 = tf.add(tf.mul(c.beta1, m!), tf.mul(1 - c.beta1, g));
      const v1 = tf.add(tf.mul(c.beta2, v!), tf.mul(1 - c.beta2, tf.square(g)));
      const mHat = tf.div(m1, 1 - Math.pow(c.beta1, t + 1));
      const vHat = tf.div(v1, 1 - Math.pow(c.beta2, t + 1));
      return { direction: tf.div(mHat, tf.sqrt(tf.add(vHat, c.eps * c.eps))), state: [m1, v1] };
    },
  }),
};

function finitePositive(name: string, v: unknown, fallback: number): number {
  const x = v === undefined ? fallback : v;
  if (typeof x !== 'number' || !Number.isFinite(x) || x <= 0) throw new Error(`${name}: expected a positive finite number (got ${String(v)})`);
  return x;
}

function unitInterval(name: string, v: unknown, fallback: number): number {
  const x = v === undefined ? fallback : v;
  if (typeof x !== 'number' || !(x >= 0 && x < 1)) throw new Error(`${name}: expected a number in [0, 1) (got ${String(v)})`);
  return x;
}

/** Validates a config object (from code or the registry) and fills defaults. */
export function resolveGdConfig(config: GdConfig = {}): Required<GdConfig> {
  const method = (config.method ?? 'gd') as GdMethod;
  if (!(method in UPDATE_RULES)) throw new Error(`gd: method must be one of ${Object.keys(UPDATE_RULES).join(', ')} (got "${String(config.method)}")`);
  return {
    method,
    steps: positiveInt('gd: steps', config.steps, 10),
    lr: finitePositive('gd: lr', config.lr, method === 'adam' ? 0.05 : 0.1),
    beta1: unitInterval('gd: beta1', config.beta1, 0.9),
    beta2: unitInterval('gd: beta2', config.beta2, 0.999),
    eps: finitePositive('gd: eps', config.eps, 1e-8),
  };
}

/** Inner gradient ∂(Σ f)/∂X for X `[B, 1, n]`; recorded on any outer tape, hence differentiable again. */
function objectiveGradient(f: Objective, X: tf.Tensor): tf.Tensor {
  return tf.grad((x: tf.Tensor) => tf.sum(checkedValues(f, x)))(X);
}

function checkedValues(f: Objective, X: tf.Tensor): tf.Tensor {
  const v = f(X);
  const [B, N] = X.shape;
  if (v.rank !== 2 || v.shape[0] !== B || v.shape[1] !== N) {
    throw new Error(`objective: must map X [B, N, n] = [${X.shape}] to values [B, N] = [${B}, ${N}] (got [${v.shape}])`);
  }
  return v;
}

export class GradientDescent implements Solver {
  readonly name: string;
  readonly backwardModes = UNROLLED_BACKWARD_MODES;
  readonly usesGradient = true;
  readonly config: Required<GdConfig>;
  private readonly rule: UpdateRule;

  constructor(config: GdConfig = {}) {
    this.config = resolveGdConfig(config);
    this.rule = UPDATE_RULES[this.config.method](this.config);
    this.name = this.config.method === 'adam' ? 'adam' : 'gd';
  }

  /** init.mean `[B, n]` → solution `[B, n]`, value `[B]`; init.std, samples and noise are not used. */
  solve(f: Objective, init: { mean: tf.Tensor; std?: tf.Tensor }, opts: SolveOptions = {}): SolveResult {
    const { B, n } = checkInit(init);
    const T = positiveInt('iterations', opts.iterations, this.config.steps);
    const mode = checkBackward(opts.backward, T, this.name);
    const lr = this.config.lr;
    const recorder = opts.trace ? new TraceRecorder() : undefined;
    const out = tf.tidy(() => {
      const bounds = resolveBounds(opts.bounds, B, n);
      let X = clipToBounds(init.mean.reshape([B, 1, n]), bounds);
      let state = this.rule.init(X);
      const gradients: tf.Tensor[] = [];
      for (let t = 0; t < T; t++) {
        [X, ...state] = gateIterates(mode, t, T, [X, ...state]);
        const g = objectiveGradient(f, X);
        gradients.push(g);
        const upd = this.rule.step(g, state, t);
        X = clipToBounds(tf.sub(X, tf.mul(lr, upd.direction)), bounds);
        state = upd.state;
        if (recorder) tf.tidy(() => recorder.record(checkedValues(f, stopGradient(X))));
      }
      if (mode === 'none') X = stopGradient(X);
      const value = checkedValues(f, X).reshape([B]);
      if (!Number.isFinite(finiteProbe([value, init.mean, ...gradients]).dataSync()[0]!)) throw this.diagnose(f, init.mean, T, bounds);
      return { solution: X.reshape([B, n]), value };
    });
    const status: SolveStatus[] = new Array(B).fill('max-iter');
    return { ...out, info: { status, iterations: T, backward: mode, ...(recorder ? { trace: recorder.trace } : {}) } };
  }

  /** Failure path: replays the solve reading every step; the error names the first non-finite quantity. */
  private diagnose(f: Objective, mean: tf.Tensor, T: number, bounds: ReturnType<typeof resolveBounds>): Error {
    return scoped(() => {
      const [B, n] = mean.shape as [number, number];
      const report = (r: Omit<NonFiniteReport, 'solver' | 'iterations'>) => new NonFiniteObjectiveError({ solver: this.name, iterations: T, ...r });
      const start = countNonFinite(mean);
      if (start.count > 0) return report({ what: 'start', iteration: 0, ...start });
      let X = clipToBounds(stopGradient(mean).reshape([B, 1, n]), bounds);
      let state = this.rule.init(X);
      for (let t = 0; t <= T; t++) {
        const v = countNonFinite(checkedValues(f, X));
        if (v.count > 0) return report({ what: 'objective', iteration: t === T ? 'solution' : t + 1, ...v });
        if (t === T) break;
        const g = objectiveGradient(f, X);
        const c = countNonFinite(g.reshape([B, n]));
        if (c.count > 0) return report({ what: 'gradient', iteration: t + 1, ...c });
        const upd = this.rule.step(g, state, t);
        X = clipToBounds(tf.sub(X, tf.mul(this.config.lr, upd.direction)), bounds);
        state = upd.state;
      }
      return report({ what: 'update', iteration: T, ...countNonFinite(X.reshape([B, n])) });
    });
  }
}

registerSolver('gd', (config) => new GradientDescent(config as GdConfig), 'unrolled (projected) gradient descent on the objective, differentiable through the unroll');
registerSolver(
  'adam',
  (config) => new GradientDescent({ ...(config as GdConfig), method: 'adam' }),
  'unrolled (projected) Adam on the objective, differentiable through the unroll',
);
