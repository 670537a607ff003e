// Every registered env with a differentiable twin, checked generically: from seeded resets and random in-box
// actions, the twin's step equals the env's (analytic) step and the twin's cost equals −reward; when the twin
// is a compiled system definition, checkSystem (generated kernel values and gradients vs the tfjs twin and
// finite differences) passes from states of the env's own reset distribution. Envs with matter-js physics
// run their 'analytic' option. Every built-in env's twin is a compiled definition (checked below). Documented
// departures of a definition from its env's Gymnasium semantics (stated in the env files' head comments) are
// listed in KNOWN and checked to still depart, so the list cannot go stale.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useTestBackend } from '../helpers/backend.ts';
import { listEnvs, make, type Env } from '../../envs/index.ts';
import { SystemDynamics } from '../../src/models/system/compile.ts';
import { checkSystem } from '../../src/models/system/check.ts';
import { Rng } from '../../src/tensor/rng.ts';

beforeAll(async () => {
  await useTestBackend();
});

const specs = listEnvs();
const build = (id: string, defaults: Record<string, unknown>): Env => make(id, 'physics' in defaults ? { physics: 'analytic' } : {});
const withModel = specs.filter((s) => {
  const env = build(s.id, s.defaults);
  const ok = typeof env.model === 'function';
  env.close?.();
  return ok;
});

/**
 * Definitions that by design do not mirror their env's Gymnasium semantics exactly, because those give a planner
 * no gradient: `corners` = the env quantizes the action before the definition's transition (Discrete(2)), so the
 * twin (the linear relaxation) equals the env only at the action box's corners; `shapedCost` = the reward is
 * piecewise constant in the state, so the definition's cost is a smooth planning surrogate, not −reward (the
 * env's reward is Gymnasium's).
 */
const KNOWN: Record<string, { corners?: string; shapedCost?: string }> = {
  'CartPole-v1': { corners: 'linear relaxation of Discrete(2), exact at u ∈ {0, 1}', shapedCost: '−reward is the constant −1; the cost is a distance-to-threshold surrogate' },
  'MountainCarContinuous-v0': { shapedCost: '+100 is a jump at the goal; the cost has a smooth goal bonus plus a (0.45 − p)₊² shaping term' },
};
const BUILT_IN = ['Pendulum-v1', 'CartPole-v1', 'CartPoleSwingUp-v0', 'MountainCarContinuous-v0', 'PlanarQuadrotor-v0', 'AcrobotSwingUp-v0'];

/** |a − b| ≤ 1e-4 (1 + |b|), elementwise, with the failing index in the message. */
function expectClose(what: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  expect(a.length, `${what} length`).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!), `${what}[${i}]: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(b[i]!)));
}

describe('registered envs with a twin', () => {
  it('include the hand-written and the system-defined ones', () => {
    const ids = withModel.map((s) => s.id);
    for (const id of BUILT_IN) expect(ids).toContain(id);
  });

  it('every built-in env is defined once: its twin is a compiled system definition (generated kernel, no hand-written twin)', () => {
    for (const id of BUILT_IN) {
      const spec = withModel.find((s) => s.id === id)!;
      const env = build(id, spec.defaults);
      const { dynamics } = env.model!();
      expect(dynamics, id).toBeInstanceOf(SystemDynamics);
      (dynamics as SystemDynamics<string>).dispose();
      env.close?.();
    }
  });

  describe.each(withModel.map((s) => [s.id, s.defaults] as const))('%s', (id, defaults) => {
    it('twin step = env step and twin cost = −reward (3 seeds × 10 steps)', () => {
      const env = build(id, defaults);
      const { dynamics, cost } = env.model!();
      const rng = new Rng(7);
      const known = KNOWN[id] ?? {};
      const { low, high } = env.actionSpace;
      const action = () => (known.corners ? Float32Array.from(low, (l, i) => (rng.uniformIn(0, 1) < 0.5 ? l : high[i]!)) : env.actionSpace.sample(rng));
      let costMismatch = false;
      try {
        for (const seed of [0, 1, 2]) {
          let { obs } = env.reset({ seed });
          for (let t = 0; t < 10; t++) {
            const a = action();
            const r = env.step(a);
            const [next, c] = tf.tidy(() => {
              const x = tf.tensor2d(obs, [1, obs.length]);
              const u = tf.tensor2d(a, [1, a.length]);
              return [dynamics.step(x, u).dataSync(), cost.cost(x, u, t).dataSync()[0]!] as const;
            });
            expectClose(`${id} seed ${seed} step ${t} next obs`, next, r.obs);
            if (known.shapedCost) costMismatch ||= Math.abs(c + r.reward) > 1e-3 * (1 + Math.abs(r.reward));
            else expectClose(`${id} seed ${seed} step ${t} cost vs −reward`, [c], [-r.reward]);
            if (r.terminated || r.truncated) break;
            obs = r.obs;
          }
        }
        if (known.shapedCost) expect(costMismatch, `${id}: listed in KNOWN as a shaped cost (${known.shapedCost}) but cost = −reward; remove it from KNOWN`).toBe(true);
      } finally {
        tf.dispose(dynamics.variables());
        env.close?.();
      }
    });

    it('a compiled system passes checkSystem from reset states', () => {
      const env = build(id, defaults);
      const sys = env.model!();
      if (!(sys.dynamics instanceof SystemDynamics)) {
        tf.dispose(sys.dynamics.variables());
        return; // hand-written twin: no generated kernel to check
      }
      const sampleState = (rng: Rng) => env.reset({ seed: Math.floor(rng.uniformIn(0, 1e6)) }).obs;
      expect(checkSystem({ dynamics: sys.dynamics, cost: sys.cost }, { sampleState })).toEqual([]);
      sys.dynamics.dispose();
      env.close?.();
    });
  });
});
