// Model-free DDPG (policies/ddpg.ts) on the Gymnasium Pendulum-v1 swing-up: trains for a budget of env
// samples, then reports the mean return of the deterministic policy over 10 evaluation episodes (seeds
// 1000…1009, 200 steps each) and the number of env samples used for training.
//
// Pendulum-v1 (Gymnasium): θ̈ = 3g/(2l) sin θ + 3/(m l²) u, g = 10, m = l = 1, dt = 0.05, |u| ≤ 2, |θ̇| ≤ 8,
//   reward = −(angle_normalize(θ)² + 0.1 θ̇² + 0.001 u²), obs = [cos θ, sin θ, θ̇], 200 steps per episode.
// The env is envs/pendulum.ts ("Pendulum-v1"), by default with its 'analytic' physics (Gymnasium's
// semi-implicit Euler step exactly); --physics matter trains on the matter-js rigid-body version.
//
// Run: npx tsx scripts/train-ddpg-pendulum.ts [--steps 15000] [--seed 0] [--backend wasm] [--physics analytic|matter]
//      [--out runs/ddpg-pendulum]
import { parseArgs } from 'node:util';
import path from 'node:path';
import fs from 'node:fs';
import { make } from '../envs/registry.ts';
import '../envs/pendulum.ts';
import type { Env } from '../envs/types.ts';
import { pathToFileURL } from 'node:url';
import { DDPG } from '../policies/ddpg.ts';
import { initBackend, describeBackend } from '../src/tensor/backend.ts';
import { Rng } from '../src/tensor/rng.ts';
import { appendJsonl, writeJsonAtomic } from '../src/tensor/files.ts';

/** The subset of the Env interface the trainer needs. */
export type PendulumLike = Pick<Env, 'reset' | 'step'>;

/** Pendulum-v1 from envs/pendulum.ts, 200-step episodes; physics 'analytic' is Gymnasium's step exactly. */
export function makePendulum(physics: 'analytic' | 'matter' = 'analytic'): { env: PendulumLike; source: string } {
  return { env: make('Pendulum-v1', { maxEpisodeSteps: 200, physics }), source: `envs/pendulum.ts (physics: ${physics})` };
}

export interface TrainResult {
  meanReturn: number;
  stdReturn: number;
  returns: number[];
  envSamples: number;
  seconds: number;
  envSource: string;
}

/** Runs the deterministic policy for `episodes` episodes; returns their returns. */
export function evaluate(agent: DDPG, env: PendulumLike, episodes: number, seed0: number): number[] {
  const out: number[] = [];
  for (let e = 0; e < episodes; e++) {
    let { obs } = env.reset({ seed: seed0 + e });
    let ret = 0;
    for (;;) {
      const r = env.step(agent.act(obs, false));
      ret += r.reward;
      obs = r.obs;
      if (r.terminated || r.truncated) break;
    }
    out.push(ret);
  }
  return out;
}

export async function trainDdpgPendulum(opts: {
  steps: number;
  seed: number;
  outDir: string;
  warmup?: number;
  physics?: 'analytic' | 'matter';
}): Promise<TrainResult> {
  const { env, source } = makePendulum(opts.physics);
  const evalEnv = makePendulum(opts.physics).env;
  const agent = new DDPG({
    obsDim: 3,
    actDim: 1,
    actionLow: -2,
    actionHigh: 2,
    actorHidden: [64, 64],
    criticHidden: [64, 64],
    gamma: 0.98,
    tau: 0.005,
    actorLr: 1e-3,
    criticLr: 1e-3,
    batchSize: 128,
    noise: 'gaussian',
    noiseSigma: 0.2,
    seed: opts.seed,
  });
  const rng = new Rng(opts.seed + 17);
  const warmup = opts.warmup ?? 1000;
  const metrics = path.join(opts.outDir, 'metrics.jsonl');
  fs.rmSync(metrics, { force: true });
  const t0 = performance.now();
  let obs = env.reset({ seed: rng.nextSeed() }).obs;
  let ret = 0;
  let episode = 0;
  for (let t = 0; t < opts.steps; t++) {
    const action = t < warmup ? Float32Array.from([rng.uniformIn(-2, 2)]) : agent.act(obs, true);
    const r = env.step(action);
    agent.observe({ obs, action, reward: r.reward, nextObs: r.obs, done: r.terminated });
    ret += r.reward;
    obs = r.obs;
    if (t >= warmup) agent.update();
    if (r.terminated || r.truncated) {
      episode++;
      appendJsonl(metrics, { episode, step: t + 1, return: ret, seconds: (performance.now() - t0) / 1000 });
      if (episode % 5 === 0) console.log(`episode ${episode}  samples ${t + 1}  return ${ret.toFixed(1)}`);
      ret = 0;
      obs = env.reset({ seed: rng.nextSeed() }).obs;
      agent.noise.reset();
    }
  }
  const returns = evaluate(agent, evalEnv, 10, 1000);
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  const std = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / returns.length);
  const result = { meanReturn: mean, stdReturn: std, returns, envSamples: opts.steps, seconds: (performance.now() - t0) / 1000, envSource: source };
  writeJsonAtomic(path.join(opts.outDir, 'result.json'), result);
  agent.dispose();
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      steps: { type: 'string', default: '15000' },
      seed: { type: 'string', default: '0' },
      backend: { type: 'string', default: 'wasm' },
      physics: { type: 'string', default: 'analytic' },
      out: { type: 'string', default: 'runs/ddpg-pendulum' },
    },
  });
  console.log(describeBackend(await initBackend(values.backend)));
  const r = await trainDdpgPendulum({ steps: Number(values.steps), seed: Number(values.seed), outDir: values.out!, physics: values.physics as 'analytic' | 'matter' });
  console.log(`env: ${r.envSource}`);
  console.log(`evaluation over 10 episodes: mean return ${r.meanReturn.toFixed(1)} ± ${r.stdReturn.toFixed(1)}; env samples used ${r.envSamples}; ${r.seconds.toFixed(0)} s`);
}
