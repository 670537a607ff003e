// `diffmpc train-dynamics`: model-based RL on a registered env. Collects episodes through the reactive loop,
// fits an MLP (ensemble) dynamics model, plans with MPC on it, refits; then evaluates the learned-model MPC
// on fresh seeds and identifies the twin's physical parameters from the same data. Writes runs/<name>/ with
// a checkpoint after every episode; `--resume` continues a killed run.
// Planner settings (horizon, samples, iterations, solverConfig) start from the tuned preset of the env and
// solver (controllers/presets.ts), under the config file and flags, as in `diffmpc run`.
// Evaluation: `evalEpisodes` episodes from reset seeds 10000 + 1000·seed + k, never a training seed (those
// are 1000·seed + e, e < 1000) and disjoint between runs of different --seed for up to 1000 evaluation
// episodes. The same planner on the env's exact twin is run from the same starts as a reference: returns of
// single episodes depend strongly on the start (a pendulum hanging at rest needs extra swings and costs
// about −250 to −390 even with the true model, a start near upright about 0), so the learned model is judged
// against the twin's return on identical starts.
import * as tf from '@tensorflow/tfjs';
import { make } from '../../envs/registry.ts';
import { PendulumDynamics } from '../../src/models/pendulum.ts';
import { plotEpisodeReturns } from '../../src/plot/episode-returns.ts';
import { plotTraces } from '../../src/plot/traces.ts';
import { describeBackend, initBackend } from '../../src/tensor/backend.ts';
import { resolveConfig } from '../../src/train/config.ts';
import { buildController } from '../../src/train/control-run.ts';
import { returnStats, runEpisodes } from '../../src/train/episodes.ts';
import { trainModelBased } from '../../src/train/model-based.ts';
import { RunDir } from '../../src/train/run-dir.ts';
import { identifySystem } from '../../src/train/system-id.ts';
import { registerCommand } from '../cli.ts';
import { Progress } from '../lib/progress.ts';
import { logEpisodes, writeControlPlots } from '../lib/run-report.ts';
import { RUN_OPTIONS, controlPreset, defaultRunName, numericFlags } from '../lib/run-options.ts';
import { dynamicsSchema, type DynamicsConfig } from '../lib/schemas.ts';
import '../../envs/index.ts';
import '../../src/solvers/index.ts';

/** First reset seed of the evaluation episodes of a run with this --seed. */
export function evalSeed(seed: number): number {
  return 10_000 + 1000 * seed;
}

export interface TrainDynamicsOutcome {
  /** Mean return of MPC on the learned model over the evaluation episodes (NaN when evalEpisodes = 0). */
  evalMean: number;
  /** Mean return of the same planner on the env's exact twin from the same starts (NaN when not run). */
  twinEvalMean: number;
  files: string[];
}

export async function trainDynamicsCommand(cfg: DynamicsConfig, run: RunDir): Promise<TrainDynamicsOutcome> {
  const env = make(cfg.env, { physics: cfg.physics, maxEpisodeSteps: cfg.episodeSteps });
  const twin = env.model?.();
  if (!twin) throw new Error(`train-dynamics: env ${cfg.env} has no model() to take the planning cost from`);
  const bar = new Progress(`train-dynamics ${cfg.env}`, cfg.episodes);
  const result = await trainModelBased(env, twin.cost, cfg, run, (r) => {
    bar.update(r.episode + 1, `return ${r.return.toFixed(0)}`);
    console.log(`episode ${r.episode} (${r.controller}): return ${r.return.toFixed(1)}, transitions ${r.transitions}, fit loss ${r.fitLoss.toExponential(2)}, one-step MSE ${r.oneStepMse.toExponential(2)}`);
  });
  const files: string[] = [];
  files.push(run.writeArtifact('training-returns.png', plotEpisodeReturns({ returns: result.reports.map((r) => r.return), title: `${cfg.env}: return per training episode (first ${cfg.randomEpisodes} random)`, window: 1 })));
  let evalMean = Number.NaN;
  let twinEvalMean = Number.NaN;
  if (cfg.evalEpisodes > 0) {
    const evalRun = { ...cfg, controller: 'mpc' as const, episodes: cfg.evalEpisodes, gif: false };
    const seeds = `reset seeds ${evalSeed(cfg.seed)}…${evalSeed(cfg.seed) + cfg.evalEpisodes - 1}`;
    const fmt = (r: number[]) => r.map((x) => x.toFixed(1)).join(', ');
    const controller = buildController(env, evalRun, { dynamics: result.model, cost: twin.cost });
    const evalEps = await runEpisodes(env, controller, { episodes: cfg.evalEpisodes, seed: evalSeed(cfg.seed), maxEpisodeSteps: cfg.episodeSteps });
    const s = returnStats(evalEps);
    evalMean = s.mean;
    logEpisodes(run, evalEps, { phase: 'eval' });
    // Returns vary strongly with the start (std ≈ 90 on the pendulum), so the mean's standard error is printed too.
    const se = s.std / Math.sqrt(Math.max(1, evalEps.length));
    console.log(`evaluation of MPC on the learned model: mean return ${s.mean.toFixed(1)} ± ${s.std.toFixed(1)} over ${evalEps.length} episodes, standard error of the mean ${se.toFixed(1)} (${seeds}: ${fmt(evalEps.map((e) => e.return))})`);
    const refEps = await runEpisodes(env, buildController(env, evalRun, twin), { episodes: cfg.evalEpisodes, seed: evalSeed(cfg.seed), maxEpisodeSteps: cfg.episodeSteps });
    const ref = returnStats(refEps);
    twinEvalMean = ref.mean;
    console.log(`reference, the same planner on the exact twin from the same starts: mean return ${ref.mean.toFixed(1)} ± ${ref.std.toFixed(1)} (${fmt(refEps.map((e) => e.return))})`);
    run.log({
      kind: 'eval',
      meanReturn: s.mean,
      stdReturn: s.std,
      stderrReturn: se,
      returns: evalEps.map((e) => e.return),
      twinMeanReturn: ref.mean,
      twinReturns: refEps.map((e) => e.return),
      episodes: evalEps.length,
      firstSeed: evalSeed(cfg.seed),
      trainingEpisodes: cfg.episodes,
    });
    files.push(...writeControlPlots(run, cfg.env, evalEps, [], undefined, env.dt, { episodeKind: 'evaluation episode' }).map((f) => f));
  }
  if (cfg.env.startsWith('Pendulum')) {
    const sys = new PendulumDynamics({ mass: 1.3, length: 0.8, trainable: ['mass', 'length'] });
    const curve: number[][] = [[], []];
    const id = identifySystem(sys, result.buffer, {
      iterations: 300,
      learningRate: 0.02,
      onIteration: () => {
        curve[0]!.push(sys.mass.dataSync()[0]!);
        curve[1]!.push(sys.length.dataSync()[0]!);
      },
    });
    const mass = sys.mass.dataSync()[0]!;
    const length = sys.length.dataSync()[0]!;
    run.log({ kind: 'system-id', mass, length, finalLoss: id.losses[id.losses.length - 1] });
    console.log(`system identification from the same ${result.buffer.size} transitions: mass ${mass.toFixed(4)} (true 1), length ${length.toFixed(4)} (true 1), from 1.3 / 0.8`);
    files.push(run.writeArtifact('system-id.png', plotTraces({ series: [{ label: 'mass', values: curve[0]! }, { label: 'length', values: curve[1]! }], targets: [{ label: 'true value 1', value: 1 }], title: 'System identification of the pendulum twin', xLabel: 'Adam iteration', yLabel: 'parameter' })));
    tf.dispose(sys.variables());
  }
  env.close?.();
  return { evalMean, twinEvalMean, files };
}

registerCommand({
  name: 'train-dynamics',
  summary: 'learn a dynamics model from rollouts (model-based RL with MPC), evaluate it, identify the twin',
  usage: '[--env Pendulum-v1] [--physics matter|analytic] [--episodes E] [--epochs K] [--min-steps S] [--ensemble M] [--config FILE] [--name NAME] [--resume]',
  options: {
    ...RUN_OPTIONS,
    env: { type: 'string' },
    physics: { type: 'string' },
    solver: { type: 'string' },
    episodes: { type: 'string' },
    epochs: { type: 'string' },
    'min-steps': { type: 'string' },
    ensemble: { type: 'string' },
    samples: { type: 'string' },
    iterations: { type: 'string' },
    horizon: { type: 'string' },
    'eval-episodes': { type: 'string' },
  },
  async run({ values }) {
    const flags = {
      ...numericFlags(values, ['episodes', 'epochs', 'ensemble', 'samples', 'iterations', 'horizon', 'seed']),
      ...numericFlags({ evalEpisodes: values['eval-episodes'], minSteps: values['min-steps'] }, ['evalEpisodes', 'minSteps']),
      env: values.env,
      physics: values.physics,
      solver: values.solver,
      backend: values.backend,
    };
    const cfg = resolveConfig(dynamicsSchema, { ...(values.config ? { file: String(values.config) } : {}), flags, preset: controlPreset(dynamicsSchema.parse({})) });
    console.log(describeBackend(await initBackend(cfg.backend)));
    const run = RunDir.open(String(values.out), String(values.name ?? defaultRunName('dynamics')), cfg, { resume: Boolean(values.resume), overwrite: Boolean(values.overwrite) });
    const { files } = await trainDynamicsCommand(cfg, run);
    console.log(`outputs in ${run.dir}:\n${files.map((f) => `  ${f}`).join('\n')}`);
    return 0;
  },
});
