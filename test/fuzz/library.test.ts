// Property-based fuzzing of the library's public entry points with generated bad (and good) inputs: make,
// env.step, the MPC constructor / act / plan, makeSolver(…).solve, qpLayer and lml. For every case the call
// must either throw an Error whose message names the argument at fault (and no raw tfjs / JS internals such
// as "Invalid typed array length", "ragged array?", "Cannot read properties"), or return finite results;
// never a silent NaN. Sizes stay small so each case runs in milliseconds. FUZZ_RUNS scales the runs per
// property (`FUZZ_RUNS=2000 npx vitest run test/fuzz`); FUZZ_SEED replays a reported seed.
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../controllers/index.ts';
import { MPC } from '../../controllers/mpc.ts';
import '../../envs/index.ts';
import { listEnvs, make } from '../../envs/registry.ts';
import { compileSystem } from '../../src/models/system/compile.ts';
import { pendulumSystem } from '../../envs/pendulum.ts';
import '../../src/solvers/index.ts';
import { lml } from '../../src/solvers/lml.ts';
import { qpLayer } from '../../src/solvers/qp/layer.ts';
import { makeSolver, type Objective } from '../../src/solvers/types.ts';
import { useTestBackend } from '../helpers/backend.ts';

beforeAll(useTestBackend);

const RUNS = Number(process.env.FUZZ_RUNS) > 0 ? Math.floor(Number(process.env.FUZZ_RUNS)) : 0;
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : undefined;
/** Runs per property: the default keeps the whole file within ~30 s on a loaded 2-core machine. */
const runs = (n: number) => ({ numRuns: RUNS || n, ...(SEED !== undefined ? { seed: SEED } : {}) });

const counts: Record<string, { cases: number; threw: number }> = {};
afterAll(() => {
  const total = Object.values(counts).reduce((a, c) => a + c.cases, 0);
  const lines = Object.entries(counts).map(([k, c]) => `  ${k}: ${c.cases} cases (${c.threw} refused with a named error)`);
  console.log(`fuzz: ${total} generated cases${RUNS ? ` (FUZZ_RUNS=${RUNS})` : ''}\n${lines.join('\n')}`);
});

/** Messages that leak internals instead of naming the argument. */
const INTERNALS = /Invalid typed array length|ragged array\?|Cannot read propert|is not a function|is not iterable|undefined is not|null is not|Maximum call stack|out of memory|Aborted|Cannot convert|Invalid array length|Unexpected token/i;

/**
 * Runs `fn`: a throw must be an Error naming one of `names` (regex) without internals; a return must pass
 * `finite`. Counts the case under `entry`.
 */
function outcome<T>(entry: string, names: RegExp, fn: () => T, finite: (r: T) => boolean): void {
  const c = (counts[entry] ??= { cases: 0, threw: 0 });
  c.cases++;
  let r: T;
  try {
    r = fn();
  } catch (e) {
    c.threw++;
    expect(e, `${entry} threw a non-Error`).toBeInstanceOf(Error);
    const msg = (e as Error).message;
    expect(msg, `${entry}: message leaks internals`).not.toMatch(INTERNALS);
    expect(msg, `${entry}: message does not name the argument`).toMatch(names);
    return;
  }
  expect(finite(r), `${entry} returned a non-finite result`).toBe(true);
}

const finiteArray = (a: ArrayLike<number>) => Array.from(a).every(Number.isFinite);
const finiteTensor = (t: tf.Tensor) => finiteArray(t.dataSync());

/** Numbers a user may pass: ordinary, boundary and non-finite. */
const anyNumber = fc.oneof(
  fc.double({ min: -10, max: 10, noNaN: true }),
  fc.constantFrom(NaN, Infinity, -Infinity, 0, -0, 1e30, -1e30, 1e-30),
  fc.integer({ min: -5, max: 5 }),
);
/** Anything that is not what was asked for. */
const junk = fc.oneof(fc.string({ maxLength: 4 }), fc.constant(undefined), fc.constant(null), fc.boolean(), fc.constant({}), fc.constant([]), fc.constant(() => 1));
const numArray = (min: number, max: number) => fc.array(anyNumber, { minLength: min, maxLength: max });
const arrayWithJunk = (min: number, max: number) => fc.array(fc.oneof(anyNumber, junk), { minLength: min, maxLength: max });
/** Mostly `good`, sometimes `bad` (so that valid calls, which must return finite results, are exercised too). */
const mostly = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>, weight = 3) => fc.oneof({ arbitrary: good, weight }, { arbitrary: bad, weight: 1 });
const moderate = fc.double({ min: -3, max: 3, noNaN: true });
const moderateArray = (n: number) => fc.array(moderate, { minLength: n, maxLength: n });

describe('fuzz: public entry points', () => {
  it('make(id, options)', () => {
    const ids = listEnvs().map((s) => s.id);
    fc.assert(
      fc.property(
        mostly(fc.constantFrom(...ids), fc.oneof(fc.string({ maxLength: 12 }), junk)),
        fc.oneof(
          fc.constant(undefined),
          fc.constant({ physics: 'analytic' }),
          fc.record({ physics: fc.oneof(fc.constantFrom('analytic', 'matter'), junk) }, { requiredKeys: [] }),
          fc.record({ maxEpisodeSteps: fc.oneof(anyNumber, junk) }, { requiredKeys: [] }),
          fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(anyNumber, junk), { maxKeys: 2 }),
        ),
        (id, options) => {
          outcome('make', /make|option|physics|maxEpisodeSteps|env id|Pendulum|CartPole|MountainCar/, () => make(id as string, options as never), (env) => {
            const ok = typeof env.step === 'function' && env.actionSpace.low.length > 0;
            (env as { close?: () => void }).close?.();
            return ok;
          });
        },
      ),
      runs(400),
    );
  });

  it('env.step(action) after reset', () => {
    const specs = new Map(listEnvs().map((s) => [s.id, s]));
    const envs = [...specs.keys()];
    fc.assert(
      fc.property(fc.constantFrom(...envs), fc.oneof(moderateArray(1), numArray(1, 1), arrayWithJunk(0, 3), numArray(0, 3), anyNumber, junk), fc.boolean(), (id, action, typed) => {
        const env = make(id, 'physics' in specs.get(id)!.defaults ? { physics: 'analytic' } : {});
        env.reset({ seed: 1 });
        const a = typed && Array.isArray(action) && action.every((v) => typeof v === 'number') ? Float32Array.from(action as number[]) : action;
        outcome('env.step', /action|step/, () => env.step(a as Float32Array), (r) => finiteArray(r.obs) && Number.isFinite(r.reward));
        (env as { close?: () => void }).close?.();
      }),
      runs(400),
    );
  });

  it('new MPC(config), act(obs), plan(x0, opts)', () => {
    const horizon = mostly(fc.integer({ min: 1, max: 6 }), fc.oneof(fc.constantFrom(0, -1, 2.5, NaN, 1e6, 100_001), junk), 5);
    const samples = mostly(fc.oneof(fc.integer({ min: 2, max: 24 }), fc.constant(undefined)), fc.constantFrom(0, 1.5, NaN, 1e12, 100_000_000), 5); // over-limit sizes only: 10⁷ at H = 3 is legal and takes a minute
    const bounds = mostly(
      fc.tuple(fc.double({ min: -3, max: -0.1, noNaN: true }), fc.double({ min: 0.1, max: 3, noNaN: true })),
      fc.tuple(fc.oneof(anyNumber, numArray(0, 2), junk), fc.oneof(anyNumber, numArray(0, 2), junk)),
      5,
    );
    const state = fc.tuple(fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }), fc.double({ min: -8, max: 8, noNaN: true })).map(([th, w]) => [Math.cos(th), Math.sin(th), w]);
    const obs = mostly(fc.oneof(state, fc.array(state, { minLength: 1, maxLength: 2 })), fc.oneof(numArray(2, 4), arrayWithJunk(3, 3), fc.array(numArray(3, 3), { minLength: 1, maxLength: 2 }), junk), 2);
    const planSamples = mostly(fc.oneof(fc.constant(undefined), fc.integer({ min: 2, max: 8 })), fc.constantFrom(0, 1e12, -1, 1.5));
    const twin = compileSystem(pendulumSystem);
    fc.assert(
      fc.property(mostly(fc.constantFrom('dcem', 'novas', 'gd', 'qp'), fc.constantFrom('nope', ''), 8), horizon, samples, bounds, obs, planSamples, (solver, H, N, bounds, o, planSamples) => {
        const names = /MPC|horizon|samples|bounds|solver|observation|elites|iterations|actionDim/;
        let mpc: MPC | undefined;
        outcome('MPC constructor', names, () => (mpc = new MPC({ model: twin.dynamics, cost: twin.cost, horizon: H as number, solver, bounds: bounds as [number, number], iterations: 2, ...(N !== undefined ? { samples: N } : {}), ...(solver === 'dcem' ? { solverConfig: { elites: 1 } } : {}) })), (m) => m instanceof MPC);
        if (!mpc) return;
        outcome('MPC.act', names, () => (Array.isArray(o) && Array.isArray(o[0]) ? mpc!.actBatch(o as number[][]) : mpc!.act(o as number[])), finiteArray);
        const rows = Array.isArray(o) && Array.isArray(o[0]) ? (o as unknown[][]) : [o];
        const numeric = rows.every((r) => Array.isArray(r) && r.length === 3 && r.every((v) => typeof v === 'number'));
        const x0 = numeric ? tf.tensor(rows as number[][]) : (o as unknown as tf.Tensor);
        outcome('MPC.plan', names, () => {
          const p = mpc!.plan(x0, { backward: 'none', ...(planSamples !== undefined ? { samples: planSamples, iterations: Number.isInteger(planSamples) && planSamples > 0 ? 2 : 1 } : {}) });
          return [p.actions, p.value];
        }, (ts) => ts.every(finiteTensor));
        if (x0 instanceof tf.Tensor) x0.dispose();
      }),
      runs(200),
    );
  });

  it('makeSolver(name, config).solve(f, init, opts)', () => {
    const objectives: Record<string, Objective> = {
      quadratic: (X) => tf.sum(tf.square(tf.sub(X, 0.2)), 2),
      nan: (X) => tf.add(tf.sum(X, 2), NaN),
      inf: (X) => tf.add(tf.sum(X, 2), Infinity),
      nanAbove: (X) => tf.where(tf.greater(tf.sum(X, 2), 0.5), tf.fill(X.shape.slice(0, 2) as [number, number], NaN), tf.sum(tf.square(X), 2)),
      wrongShape: (X) => tf.sum(X),
    };
    fc.assert(
      fc.property(
        mostly(fc.constantFrom('dcem', 'novas', 'gd', 'adam'), fc.string({ maxLength: 5 }), 6),
        mostly(fc.constant('quadratic'), fc.constantFrom(...Object.keys(objectives)), 1),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        mostly(moderate, anyNumber),
        fc.record({ iterations: mostly(fc.integer({ min: 1, max: 3 }), fc.constantFrom(0, -1, 1.5, NaN)), samples: mostly(fc.integer({ min: 12, max: 16 }), fc.constantFrom(1, 0, NaN)) }, { requiredKeys: [] }),
        fc.option(mostly(fc.tuple(fc.constant(-1), fc.constant(1)), fc.tuple(anyNumber, anyNumber), 1)),
        mostly(fc.constant(undefined), fc.dictionary(fc.constantFrom('elites', 'temp', 'lr', 'kappa', 'bogus'), fc.oneof(anyNumber, junk), { maxKeys: 2 })),
        (name, obj, B, n, fill, opts, bounds, config) => {
          outcome('makeSolver().solve', /makeSolver|solver|iterations|samples|elites|bounds|objective|init|temp|lr|kappa|dcem|novas|gd|adam|start/, () => {
            const cfg = config ?? (name === 'dcem' ? { elites: 3 } : undefined);
            const s = makeSolver(name, cfg as Record<string, unknown> | undefined);
            const mean = tf.fill([B, n], fill);
            try {
              const r = s.solve(objectives[obj]!, { mean, std: tf.onesLike(mean) }, { ...opts, ...(bounds ? { bounds } : {}) });
              return [r.solution, r.value];
            } finally {
              mean.dispose();
            }
          }, (ts) => ts.every(finiteTensor));
        },
      ),
      runs(400),
    );
  });

  it('qpLayer({Q, p, G, h, A, b})', () => {
    const entry = mostly(moderate, anyNumber, 8);
    const mat = (r: number, c: number) => fc.array(fc.array(entry, { minLength: c, maxLength: c }), { minLength: r, maxLength: r });
    const vec = (n: number) => fc.array(entry, { minLength: n, maxLength: n });
    const problem = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 2 })).chain(([nz, nineq, neq]) =>
      fc.record({
        nz: fc.constant(nz),
        nineq: fc.constant(nineq),
        neq: fc.constant(neq),
        M: mat(nz, nz),
        p: vec(nz),
        G: mat(nineq, nz),
        h: vec(nineq),
        A: mat(neq, nz),
        b: vec(neq),
        kind: mostly(fc.constant('psd'), fc.constantFrom('random', 'plain', 'junk'), 2),
        dropH: mostly(fc.constant(false), fc.constant(true), 5),
      }),
    );
    fc.assert(
      fc.property(problem, ({ nz, nineq, neq, M, p, G, h, A, b, kind, dropH }) => {
        // psd: Q = MᵀM + I from clipped finite entries; otherwise the raw (maybe indefinite, maybe NaN) matrix.
        const fin = M.map((r) => r.map((v) => (Number.isFinite(v) ? Math.max(-10, Math.min(10, v)) : 1)));
        const Q = kind === 'psd' ? tf.tidy(() => tf.add(tf.matMul(tf.tensor(fin), tf.tensor(fin), true, false), tf.eye(nz))) : tf.tensor(M.flat(), [nz, nz]);
        const t = (v: number[] | number[][], shape: number[]) => tf.tensor(v.flat(), shape);
        const params =
          kind === 'plain'
            ? { Q: M, p, G, h }
            : kind === 'junk'
              ? { Q, p: 'p', G: t(G, [nineq, nz]) }
              : { Q, p: t(p, [nz]), G: t(G, [nineq, nz]), ...(dropH ? {} : { h: t(h, [nineq]) }), ...(neq ? { A: t(A, [neq, nz]), b: t(b, [neq]) } : {}) };
        outcome('qpLayer', /qpLayer|\b[QpGhAb]\b|problems not solved/, () => qpLayer(params as never), finiteTensor);
        tf.dispose([Q, ...Object.values(params).filter((v): v is tf.Tensor => v instanceof tf.Tensor)]);
      }),
      runs(400),
    );
  });

  it('lml(x, k)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(mostly(fc.double({ min: -20, max: 20, noNaN: true }), anyNumber, 10), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 3 }), mostly(fc.integer({ min: 1, max: 4 }), fc.oneof(fc.integer({ min: -1, max: 7 }), fc.constantFrom(1.5, NaN, Infinity), junk)), (rows, k) => {
        const n = rows[0]!.length;
        const x = tf.tensor(rows.map((r) => Array.from({ length: n }, (_, i) => r[i] ?? 0)));
        outcome('lml', /lml|\bk\b|\bx\b/, () => lml(x, k as number), (y) => {
          const d = y.dataSync();
          // Each row of y lies in [0, 1] and sums to k.
          for (let r = 0; r < rows.length; r++) {
            let s = 0;
            for (let i = 0; i < n; i++) s += d[r * n + i]!;
            if (!(Math.abs(s - (k as number)) < 1e-3 * n)) return false;
          }
          return finiteArray(d);
        });
        x.dispose();
      }),
      runs(400),
    );
  });
});
