// `diffmpc train-dynamics`: model-based RL on a registered env. Collects episodes through the reactive loop,
// fits an MLP (ensemble) dynamics model, plans with MPC on it, refits; then evaluates the learned-model MPC
// on fresh seeds and identifies the twin's physical parameters from the same data. Writes runs/<name>/ with
// a checkpoint after every episode; `--resume` continues a killed run.
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
import { RUN_OPTIONS, defaultRunName, numericFlags } from '../lib/run-options.ts';
import { dynamicsSchema, type DynamicsConfig } from '../lib/schemas.ts';
import '../../envs/index.ts';
import '../../src/solvers/index.ts';

export async function trainDynamicsCommand(cfg: DynamicsConfig, run: RunDir): Promise<{ evalMean: number; files: string[] }> {
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
  if (cfg.evalEpisodes > 0) {
    const controller = buildController(env, { ...cfg, controller: 'mpc', episodes: cfg.evalEpisodes, gif: false }, { dynamics: result.model, cost: twin.cost });
    const evalEps = await runEpisodes(env, controller, { episodes: cfg.evalEpisodes, seed: 10_000 + cfg.seed, maxEpisodeSteps: cfg.episodeSteps });
    const s = returnStats(evalEps);
    evalMean = s.mean;
    logEpisodes(run, evalEps, { phase: 'eval' });
    run.log({ kind: 'eval', meanReturn: s.mean, stdReturn: s.std, episodes: evalEps.length, trainingEpisodes: cfg.episodes });
    console.log(`evaluation of MPC on the learned model: mean return ${s.mean.toFixed(1)} ± ${s.std.toFixed(1)} over ${evalEps.length} episodes (seeds ${10_000 + cfg.seed}…)`);
    files.push(...writeControlPlots(run, cfg.env, evalEps, []).map((f) => f));
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
  return { evalMean, files };
}

registerCommand({
  name: 'train-dynamics',
  summary: 'learn a dynamics model from rollouts (model-based RL with MPC), evaluate it, identify the twin',
  usage: '[--env Pendulum-v1] [--physics matter|analytic] [--episodes E] [--epochs K] [--ensemble M] [--config FILE] [--name NAME] [--resume]',
  options: {
    ...RUN_OPTIONS,
    env: { type: 'string' },
    physics: { type: 'string' },
    solver: { type: 'string' },
    episodes: { type: 'string' },
    epochs: { type: 'string' },
    ensemble: { type: 'string' },
    samples: { type: 'string' },
    iterations: { type: 'string' },
    horizon: { type: 'string' },
    'eval-episodes': { type: 'string' },
  },
  async run({ values }) {
    const flags = {
      ...numericFlags(values, ['episodes', 'epochs', 'ensemble', 'samples', 'iterations', 'horizon', 'seed']),
      ...numericFlags({ evalEpisodes: values['eval-episodes'] }, ['evalEpisodes']),
      env: values.env,
      physics: values.physics,
      solver: values.solver,
      backend: values.backend,
    };
    const cfg = resolveConfig(dynamicsSchema, { ...(values.config ? { file: String(values.config) } : {}), flags });
    console.log(describeBackend(await initBackend(cfg.backend)));
    const run = RunDir.open(String(values.out), String(values.name ?? defaultRunName('dynamics')), cfg, { resume: Boolean(values.resume), overwrite: Boolean(values.overwrite) });
    const { files } = await trainDynamicsCommand(cfg, run);
    console.log(`outputs in ${run.dir}:\n${files.map((f) => `  ${f}`).join('\n')}`);
    return 0;
  },
});
