// checkEnv(env): an environment checker in the spirit of Gymnasium's `utils.env_checker.check_env`. It
// exercises a custom env through its public interface and returns the problems found as readable strings
// (empty list = passed); it never throws for a broken env. Checks:
//   spaces      observationSpace/actionSpace are Boxes (low, high, shape, sample, contains) and the action
//               space's own samples lie in it
//   reset       returns { obs, info }; obs is a Float32Array of observationSpace's size, finite, inside it
//   seeding     reset({ seed: s }) twice gives the same obs; different seeds give different obs; the same
//               seed and actions reproduce the first steps
//   step        obs as above; reward a finite number; terminated/truncated booleans; info an object
//   actions     a NaN or wrong-length action raises; an out-of-range action does not produce NaN
//   episode end stepping after terminated or truncated raises (checked when an episode ends within
//               `maxSteps` steps)
//   model       if `model()` exists, its dynamics' stateDim/actionDim match the spaces
import type { BoxSpace, Env } from './types.ts';
import { Rng } from '../src/tensor/rng.ts';

export interface CheckEnvOptions {
  /** Steps to run looking for an episode end (default 1000). */
  maxSteps?: number;
  seed?: number;
}

function spaceProblems(name: string, s: BoxSpace | undefined): string[] {
  if (!s || typeof s !== 'object') return [`${name} is missing; declare it as a Box (envs/spaces.ts)`];
  const out: string[] = [];
  for (const k of ['low', 'high', 'shape', 'sample', 'contains'] as const) {
    if (!(k in s)) out.push(`${name}.${k} is missing; use a Box from envs/spaces.ts`);
  }
  if (out.length === 0 && s.low.length !== s.high.length) out.push(`${name}: low has ${s.low.length} entries but high has ${s.high.length}`);
  return out;
}

function obsProblems(where: string, obs: unknown, space: BoxSpace): string[] {
  if (!(obs instanceof Float32Array)) {
    return [`${where}: obs must be a Float32Array (got ${obs === null ? 'null' : Array.isArray(obs) ? 'a plain array' : typeof obs})`];
  }
  const n = space.low.length;
  if (obs.length !== n) return [`${where}: obs has length ${obs.length} but observationSpace has ${n} entries`];
  const bad = Array.from(obs).findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) return [`${where}: obs[${bad}] is ${obs[bad]}; observations must be finite`];
  if (!space.contains(obs)) {
    const i = Array.from(obs).findIndex((v, k) => v < space.low[k]! || v > space.high[k]!);
    return [`${where}: obs[${i}] = ${obs[i]} is outside observationSpace [${space.low[i]}, ${space.high[i]}]`];
  }
  return [];
}

function stepProblems(where: string, r: unknown, space: BoxSpace): string[] {
  if (!r || typeof r !== 'object') return [`${where}: step must return { obs, reward, terminated, truncated, info }`];
  const s = r as Record<string, unknown>;
  const out = obsProblems(where, s.obs, space);
  if (typeof s.reward !== 'number' || !Number.isFinite(s.reward)) out.push(`${where}: reward is ${String(s.reward)}; it must be a finite number`);
  if (typeof s.terminated !== 'boolean') out.push(`${where}: terminated must be a boolean (got ${typeof s.terminated})`);
  if (typeof s.truncated !== 'boolean') out.push(`${where}: truncated must be a boolean (got ${typeof s.truncated})`);
  if (!s.info || typeof s.info !== 'object') out.push(`${where}: info must be an object`);
  return out;
}

function same(a: unknown, b: unknown): boolean {
  if (!(a instanceof Float32Array) || !(b instanceof Float32Array) || a.length !== b.length) return false;
  return a.every((v, i) => Object.is(v, b[i]));
}

/** Runs the checks above on `env` and returns the problems found (empty when the env passes). */
export function checkEnv(env: Env, opts: CheckEnvOptions = {}): string[] {
  const problems: string[] = [];
  const maxSteps = opts.maxSteps ?? 1000;
  const seed = opts.seed ?? 123;
  const attempt = (what: string, fn: () => void): void => {
    try {
      fn();
    } catch (e) {
      problems.push(`${what} threw: ${(e as Error).message}`);
    }
  };
  const obsSpace = env.observationSpace;
  const actSpace = env.actionSpace;
  const sp = [...spaceProblems('observationSpace', obsSpace), ...spaceProblems('actionSpace', actSpace)];
  if (sp.length) return sp;
  const rng = new Rng(seed);
  const nAct = actSpace.low.length;

  attempt('actionSpace.sample', () => {
    for (let i = 0; i < 5; i++) {
      const a = actSpace.sample(rng);
      if (!actSpace.contains(a)) {
        problems.push(`actionSpace.sample() returned [${Array.from(a)}], which actionSpace.contains() rejects`);
        break;
      }
    }
  });

  // reset and seeding
  let first: unknown;
  attempt('reset({ seed })', () => {
    const r = env.reset({ seed });
    if (!r || typeof r !== 'object' || !('obs' in r)) {
      problems.push('reset() must return { obs, info }');
      return;
    }
    if (!r.info || typeof r.info !== 'object') problems.push('reset(): info must be an object');
    problems.push(...obsProblems('reset()', r.obs, obsSpace));
    first = r.obs;
  });
  if (problems.length) return problems;
  attempt('reset with a repeated seed', () => {
    const again = env.reset({ seed }).obs;
    if (!same(first, again)) problems.push(`reset({ seed: ${seed} }) twice gave different observations; the seed must fully determine the initial state (draw from an Rng seeded in reset)`);
    const others = [seed + 1, seed + 2].map((s) => env.reset({ seed: s }).obs);
    if (others.every((o) => same(o, first))) problems.push(`reset with seeds ${seed}, ${seed + 1}, ${seed + 2} gave identical observations; reset must use the seed (is the initial state random at all?)`);
  });

  // trajectories reproduce with the same seed and actions
  const actions = Array.from({ length: 5 }, () => actSpace.sample(rng));
  attempt('seeded rollout', () => {
    const run = () => {
      env.reset({ seed });
      const out: Float32Array[] = [];
      for (const a of actions) {
        const r = env.step(a);
        out.push(r.obs);
        if (r.terminated || r.truncated) break;
      }
      return out;
    };
    const a = run();
    const b = run();
    if (a.length !== b.length || a.some((o, i) => !same(o, b[i]))) problems.push('the same seed and actions gave different trajectories; step() must not use unseeded randomness');
  });

  // bad actions
  const expectThrow = (what: string, action: unknown) => {
    env.reset({ seed });
    let threw = false;
    try {
      env.step(action as Float32Array);
    } catch {
      threw = true;
    }
    if (!threw) problems.push(`step(${what}) did not raise; validate actions (validateAction in envs/action.ts)`);
  };
  expectThrow(`an action of length ${nAct + 1}`, new Float32Array(nAct + 1));
  expectThrow('a NaN action', new Float32Array(nAct).fill(NaN));
  attempt('step(out-of-range action)', () => {
    env.reset({ seed });
    const big = Float32Array.from(actSpace.high, (h, i) => (Number.isFinite(h) ? h + 10 * (1 + Math.abs(h)) : 1e6 + i));
    const r = env.step(big);
    if (r && r.obs instanceof Float32Array && r.obs.some((v) => Number.isNaN(v))) problems.push('step(out-of-range action) produced NaN in obs; clip actions into actionSpace');
  });

  // a random episode: step checks and the episode end
  attempt('random rollout', () => {
    env.reset({ seed });
    for (let t = 0; t < maxSteps; t++) {
      const r = env.step(actSpace.sample(rng));
      const p = stepProblems(`step ${t}`, r, obsSpace);
      if (p.length) {
        problems.push(...p);
        return;
      }
      if (r.terminated || r.truncated) {
        let threw = false;
        try {
          env.step(actSpace.sample(rng));
        } catch {
          threw = true;
        }
        if (!threw) problems.push(`step() after ${r.terminated ? 'terminated' : 'truncated'} (step ${t}) did not raise; require reset() first`);
        return;
      }
    }
  });

  if (env.model) {
    attempt('model()', () => {
      const m = env.model!();
      if (m.dynamics.stateDim !== obsSpace.low.length) problems.push(`model().dynamics.stateDim is ${m.dynamics.stateDim} but observations have ${obsSpace.low.length} entries`);
      if (m.dynamics.actionDim !== nAct) problems.push(`model().dynamics.actionDim is ${m.dynamics.actionDim} but actions have ${nAct} entries`);
      const d = m.dynamics as { dispose?: () => void };
      if (typeof d.dispose === 'function') d.dispose();
      else for (const v of m.dynamics.variables()) v.dispose();
    });
  }
  attempt('reset after checks', () => env.reset({ seed }));
  return problems;
}
