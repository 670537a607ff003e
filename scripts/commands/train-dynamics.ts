// `diffmpc train-dynamics`: model-based RL on a registered env. Collects episodes through the reactive loop,
// fits an MLP (ensemble) dynamics model, plans with MPC on it, refits; then evaluates the learned-model MPC
// on fresh seeds and identifies the twin's physical parameters from the same data. Writes runs/<name>/ with
// a checkpoint after every episode; `--resume` continues a killed or interrupted run (Ctrl-C stops it within a
// step and prints the command), starting from the run's saved options: flags given with --resume must match
// them, except a larger --episodes, which extends the run.
// Planner settings (horizon, samples, iterations, solverConfig) start from the tuned preset of the env and
// solver (controllers/presets.ts), under the config file and flags, as in `diffmpc run`.
// Evaluation: `evalEpisodes` episodes from reset seeds 10000 + 1000·seed + k (each with its own MPC seeded the
// same, one piece per episode run through the executor: --workers N, --executor), never a training seed (those
// are 1000·seed + e, e < 1000) and disjoint between runs of different --seed for up to 1000 evaluation
// episodes. The same planner on the env's exact twin is run from the same starts as a reference: returns of
// single episodes depend strongly on the start (a pendulum hanging at rest needs extra swings and costs
// about −250 to −390 even with the true model, a start near upright about 0), so the learned model is judged
// against the twin's return on identical starts.
import * as tf from '@tensorflow/tfjs';
import { modelBasedControllers } from '../../controllers/build-controller.ts';
import { envSpec, make } from '../../envs/registry.ts';
import { compileSystem } from '../../src/models/system/compile.ts';
import { pendulumSystem } from '../../envs/pendulum.ts';
import { plotEpisodeReturns } from '../../src/plot/episode-returns.ts';
import { plotTraces } from '../../src/plot/traces.ts';
import { describeBackend, initBackend } from '../../src/tensor/backend.ts';
import { runAll } from '../../src/exec/collect.ts';
import type { JobSpec } from '../../src/exec/job.ts';
import { returnStats } from '../../src/train/episodes.ts';
import { trainModelBased } from '../../src/train/model-based.ts';
import { RunDir, noRunToResume } from '../../src/train/run-dir.ts';
import { identifySystem } from '../../src/train/system-id.ts';
import { registerCommand, type FlagSpec, type ParsedArgs } from '../cli.ts';
import { episodeOf, type EvalEpisodeConfig, type EvalEpisodeResult } from '../lib/eval-jobs.ts';
import { EXECUTOR_FLAGS, INLINE, createExecutor, executorChoice, type ExecutorChoice } from '../lib/executor-options.ts';
import { physicsUsed } from '../lib/physics-used.ts';
import { onInterruptPrint, resumeCommand, stopSignal } from '../lib/interrupt.ts';
import { formatMeanStd, standardError } from '../lib/mean-format.ts';
import { Progress } from '../lib/progress.ts';
import { logEpisodes, writeControlPlots } from '../lib/run-report.ts';
import { PRESET_NOTE, RESUME_FLAG, RUN_FLAGS, plannerFlags, checkEnvId, checkPlanFlags, checkSolverName, controlPreset, defaultRunName, envActionDim, fieldSource, checkSolverConfig, resolveRunConfig, resumePreset } from '../lib/run-options.ts';
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

/** `signal` stops the run between env steps / fitting epochs (rejecting with its reason). */
export async function trainDynamicsCommand(cfg: DynamicsConfig, run: RunDir, opts: { signal?: AbortSignal; executor?: ExecutorChoice } = {}): Promise<TrainDynamicsOutcome> {
  const { signal } = opts;
  const hasPhysics = envSpec(cfg.env)?.defaults.physics !== undefined;
  const env = make(cfg.env, { ...(hasPhysics ? { physics: cfg.physics } : {}), maxEpisodeSteps: cfg.episodeSteps });
  const twin = env.model?.();
  if (!twin) throw new Error(`train-dynamics: env ${cfg.env} has no model() to take the planning cost from`);
  console.log(`train-dynamics ${cfg.env} (${physicsUsed(cfg.env, cfg.physics)} physics): ${cfg.episodes} training episodes, ${cfg.evalEpisodes} evaluation episodes (+ as many on the exact twin)`);
  // Progress counts episodes: training, then the evaluation on the learned model and on the twin.
  const bar = new Progress(`train-dynamics ${cfg.env}`, cfg.episodes + 2 * cfg.evalEpisodes);
  const result = await trainModelBased(
    env,
    modelBasedControllers(env, twin.cost, cfg),
    cfg,
    run,
    (r) => {
      bar.update(r.episode + 1, `return ${r.return.toFixed(0)}`);
      console.log(`episode ${r.episode} (${r.controller}): return ${r.return.toFixed(1)}, transitions ${r.transitions}, fit loss ${r.fitLoss.toExponential(2)}, one-step MSE ${r.oneStepMse.toExponential(2)}`);
    },
    signal ? { signal } : {},
  );
  // The evaluation episodes, learned model and twin, are independent pieces (scripts/lib/eval-jobs.ts) run
  // through the executor; results are taken in episode order, so every executor logs the same returns.
  const evalJobs = (model: EvalEpisodeConfig['model'], label: string): JobSpec[] =>
    Array.from({ length: cfg.evalEpisodes }, (_, k): JobSpec => {
      const config: EvalEpisodeConfig = { env: cfg.env, physics: cfg.physics, episodeSteps: cfg.episodeSteps, solver: cfg.solver, solverConfig: cfg.solverConfig ?? {}, horizon: cfg.horizon, samples: cfg.samples, iterations: cfg.iterations, model };
      return { id: `${label}/${k}`, command: 'eval-episode', config: config as never, seed: evalSeed(cfg.seed) + k };
    });
  const files: string[] = [];
  files.push(run.writeArtifact('training-returns.png', plotEpisodeReturns({ returns: result.reports.map((r) => r.return), title: `${cfg.env}: return per training episode (first ${cfg.randomEpisodes} random)`, window: 1 })));
  let evalMean = Number.NaN;
  let twinEvalMean = Number.NaN;
  if (cfg.evalEpisodes > 0) {
    const seeds = `reset seeds ${evalSeed(cfg.seed)}…${evalSeed(cfg.seed) + cfg.evalEpisodes - 1}`;
    const fmt = (r: number[]) => r.map((x) => x.toFixed(1)).join(', ');
    const jobs = [...evalJobs(result.model.toJSON() as never, 'evaluation'), ...evalJobs(null, 'twin reference')];
    let evalDone = 0;
    const executor = createExecutor(opts.executor ?? INLINE, { backend: tf.getBackend(), ...(signal ? { signal } : {}) });
    const results = (await runAll(executor, jobs, { what: 'evaluation episode', onResult: (r) => bar.update(cfg.episodes + ++evalDone, r.id) })) as unknown as EvalEpisodeResult[];
    const evalEps = results.slice(0, cfg.evalEpisodes).map((r, k) => episodeOf(r, k));
    const refEps = results.slice(cfg.evalEpisodes).map((r, k) => episodeOf(r, k));
    const s = returnStats(evalEps);
    evalMean = s.mean;
    logEpisodes(run, evalEps, { phase: 'eval' });
    // Returns vary strongly with the start (std ≈ 90 on the pendulum), so the mean's standard error is printed too.
    const se = standardError(s.std, evalEps.length);
    const n = evalEps.length;
    console.log(`evaluation of MPC on the learned model: ${n > 1 ? 'mean ' : ''}return ${formatMeanStd(s, n)} over ${n} episode${n > 1 ? 's' : ''}${se !== undefined ? `, standard error of the mean ${se.toFixed(1)}` : ''} (${seeds}: ${fmt(evalEps.map((e) => e.return))})`);
    const ref = returnStats(refEps);
    twinEvalMean = ref.mean;
    console.log(`reference, the same planner on the exact twin from the same starts: ${n > 1 ? 'mean ' : ''}return ${formatMeanStd(ref, n)} (${fmt(refEps.map((e) => e.return))})`);
    run.log({
      kind: 'eval',
      meanReturn: s.mean,
      stdReturn: s.std,
      ...(se !== undefined ? { stderrReturn: se } : {}),
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
    signal?.throwIfAborted();
    const sys = compileSystem(pendulumSystem, { params: { mass: 1.3, length: 0.8 }, trainable: ['mass', 'length'] }).dynamics;
    const curve: number[][] = [[], []];
    const id = identifySystem(sys, result.buffer, {
      iterations: 300,
      learningRate: 0.02,
      onIteration: () => {
        const p = sys.values();
        curve[0]!.push(p.mass);
        curve[1]!.push(p.length);
      },
    });
    const { mass, length } = sys.values();
    run.log({ kind: 'system-id', mass, length, finalLoss: id.losses[id.losses.length - 1] });
    console.log(`system identification from the same ${result.buffer.size} transitions: mass ${mass.toFixed(4)} (true 1), length ${length.toFixed(4)} (true 1), from 1.3 / 0.8`);
    files.push(run.writeArtifact('system-id.png', plotTraces({ series: [{ label: 'mass', values: curve[0]! }, { label: 'length', values: curve[1]! }], targets: [{ label: 'true value 1', value: 1 }], title: 'System identification of the pendulum twin', xLabel: 'Adam iteration', yLabel: 'parameter' })));
    sys.dispose();
  }
  env.close?.();
  return { evalMean, twinEvalMean, files };
}

/** The flags of `diffmpc train-dynamics` (help, parsing and the config mapping derive from this table). */
export const TRAIN_DYNAMICS_FLAGS: readonly FlagSpec[] = [
  { name: 'env', type: 'string', key: 'env', placeholder: 'ID', description: 'registered env id with a differentiable twin (its cost is used)' },
  { name: 'physics', type: 'string', key: 'physics', description: 'simulation: matter-js rigid bodies or the analytic step' },
  { name: 'solver', type: 'string', key: 'solver', placeholder: 'NAME', description: 'MPC inner solver on the learned model (dcem, novas, gd, qp or one loaded with --import)' },
  { name: 'episodes', type: 'int', key: 'episodes', description: 'training episodes (the first --random-episodes act randomly)' },
  { name: 'random-episodes', type: 'int', key: 'randomEpisodes', description: 'initial episodes with random actions' },
  { name: 'episode-steps', type: 'int', key: 'episodeSteps', description: 'steps per episode' },
  { name: 'epochs', type: 'int', key: 'epochs', description: 'passes over the replay buffer per refit' },
  { name: 'min-steps', type: 'int', key: 'minSteps', description: 'minimum Adam steps per refit' },
  { name: 'ensemble', type: 'int', key: 'ensemble', description: 'dynamics models in the ensemble' },
  { name: 'lr', type: 'number', key: 'learningRate', description: 'Adam learning rate of the model fit' },
  ...plannerFlags(PRESET_NOTE),
  { name: 'eval-episodes', type: 'int', key: 'evalEpisodes', description: 'evaluation episodes of the learned-model MPC (0 skips)' },
  ...RUN_FLAGS,
  RESUME_FLAG,
  ...EXECUTOR_FLAGS,
];

/** Parses and validates `diffmpc train-dynamics`: user modules, config, names, plan size; writes nothing. */
export async function resolveTrainDynamicsArgs({ values }: ParsedArgs): Promise<DynamicsConfig> {
  const cfg = await resolveRunConfig(dynamicsSchema, TRAIN_DYNAMICS_FLAGS, values, resumePreset(values) ?? controlPreset(dynamicsSchema.parse({})));
  checkEnvId(cfg.env, fieldSource(values, 'env', 'env'));
  checkSolverName(cfg.solver, fieldSource(values, 'solver', 'solver'));
  checkPlanFlags({ batch: 1, samples: cfg.samples, horizon: cfg.horizon, actionDim: envActionDim(cfg.env) });
  checkSolverConfig(cfg, values);
  executorChoice(values);
  return cfg;
}

registerCommand({
  name: 'train-dynamics',
  summary: 'learn a dynamics model from rollouts (model-based RL with MPC), evaluate it, identify the twin',
  flags: TRAIN_DYNAMICS_FLAGS,
  schema: dynamicsSchema,
  maxPositionals: 0,
  resolve: resolveTrainDynamicsArgs,
  async run({ values, positionals }) {
    const cfg = await resolveTrainDynamicsArgs({ values, positionals });
    const executor = executorChoice(values);
    const out = String(values.out);
    const name = String(values.name ?? defaultRunName('dynamics'));
    console.log(describeBackend(await initBackend(cfg.backend)));
    const run = RunDir.open(out, name, cfg, { resume: Boolean(values.resume), overwrite: Boolean(values.overwrite), extendable: ['episodes'] });
    onInterruptPrint(`${run.dir} keeps every finished episode; continue with: ${resumeCommand('train-dynamics', run.dir, out)}`);
    const { files } = await trainDynamicsCommand(cfg, run, { signal: stopSignal, executor });
    console.log(`outputs in ${run.dir}:\n${files.map((f) => `  ${f}`).join('\n')}`);
    return 0;
  },
});
