// `diffmpc plot RUN_DIR`: re-renders the plots of a finished (or interrupted) run from its metrics.jsonl,
// without re-running anything: control runs get traces, cost, returns and phase portrait; model-based runs
// their training returns; imitation runs their loss and parameter curves.
import fs from 'node:fs';
import path from 'node:path';
import { plotEpisodeReturns } from '../../src/plot/episode-returns.ts';
import { plotLearningCurve } from '../../src/plot/learning-curve.ts';
import { plotTraces } from '../../src/plot/traces.ts';
import type { Episode } from '../../src/streams/collect-episodes.ts';
import { readJsonl } from '../../src/tensor/files.ts';
import { RunDir } from '../../src/train/run-dir.ts';
import { UsageError, registerCommand } from '../cli.ts';
import { writeControlPlots } from '../lib/run-report.ts';
import { envSpec, make } from '../../envs/registry.ts';
import '../../envs/index.ts';

interface StepLine {
  kind: 'step';
  phase?: string;
  episode: number;
  t: number;
  reward: number;
  action: number[];
  obs: number[];
}

/** Rebuilds episodes from the per-step metric lines (next states are the following step's obs). */
export function episodesFromSteps(lines: StepLine[]): Episode[] {
  const byEp = new Map<number, StepLine[]>();
  for (const l of lines) {
    if (!byEp.has(l.episode)) byEp.set(l.episode, []);
    byEp.get(l.episode)!.push(l);
  }
  return [...byEp.entries()].map(([episode, steps]) => {
    steps.sort((a, b) => a.t - b.t);
    return {
      episode,
      env: 0,
      states: steps.map((s) => Float32Array.from(s.obs)),
      actions: steps.map((s) => Float32Array.from(s.action)),
      rewards: steps.map((s) => s.reward),
      return: steps.reduce((a, s) => a + s.reward, 0),
      terminated: false,
      truncated: true,
    };
  });
}

export function replot(dir: string): string[] {
  const cfgFile = path.join(dir, 'config.json');
  const metricsFile = path.join(dir, 'metrics.jsonl');
  if (!fs.existsSync(cfgFile) || !fs.existsSync(metricsFile)) {
    throw new Error(`diffmpc plot: ${dir} is not a run directory (needs config.json and metrics.jsonl)`);
  }
  let cfg: Record<string, unknown>;
  try {
    cfg = JSON.parse(fs.readFileSync(cfgFile, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`diffmpc plot: ${cfgFile} is not valid JSON (${(e as Error).message}); repair it (the run's options) and retry`);
  }
  const lines = readJsonl<Record<string, any>>(metricsFile);
  // Any existing folder (its name need not be a valid --name); nothing but the plots is written.
  const run = RunDir.attach(dir);
  const files: string[] = [];
  const steps = lines.filter((l) => l.kind === 'step') as StepLine[];
  if (steps.length) {
    const evaluation = steps.some((s) => s.phase === 'eval');
    const eps = episodesFromSteps(steps.filter((s) => s.phase === undefined || s.phase === 'eval'));
    files.push(...writeControlPlots(run, String(cfg.env ?? 'env'), eps, [], undefined, envDt(cfg.env), evaluation ? { episodeKind: 'evaluation episode' } : {}));
  }
  const training = lines.filter((l) => l.kind === 'episode' && l.controller !== undefined);
  if (training.length) {
    files.push(run.writeArtifact('training-returns.png', plotEpisodeReturns({ returns: training.map((l) => Number(l.return)), title: 'Return per training episode', window: 1 })));
  }
  const iters = lines.filter((l) => l.kind === 'iteration');
  if (iters.length) {
    files.push(run.writeArtifact('imitation-loss.png', plotLearningCurve({ curves: [{ label: 'imitation loss', seeds: [iters.map((l) => Math.log10(Math.max(Number(l.loss), 1e-12)))] }], title: 'Imitation loss', xLabel: 'iteration', yLabel: 'log10 loss' })));
    files.push(run.writeArtifact('imitation-params.png', plotTraces({ series: [{ label: 'mass', values: iters.map((l) => Number(l.mass)) }, { label: 'length', values: iters.map((l) => Number(l.length)) }], targets: [{ label: 'expert value 1', value: 1 }], title: 'Learned pendulum parameters', xLabel: 'iteration' })));
  }
  if (files.length === 0) throw new Error(`diffmpc plot: ${metricsFile} has no step, episode or iteration records to plot`);
  return files;
}

/** Seconds per step of a registered env (undefined for an unknown id or an env without a physical step). */
function envDt(id: unknown): number | undefined {
  if (typeof id !== 'string' || !envSpec(id)) return undefined;
  const env = make(id);
  const dt = env.dt;
  env.close?.();
  return dt;
}

registerCommand({
  name: 'plot',
  summary: 're-render the plots of a run directory from its metrics.jsonl',
  positionals: 'RUN_DIR',
  maxPositionals: 1,
  async run({ positionals }) {
    const dir = positionals[0];
    if (!dir) throw new UsageError('diffmpc plot: pass the run directory, e.g. diffmpc plot runs/demo/pendulum');
    if (!fs.existsSync(path.join(path.resolve(dir), 'config.json'))) throw new UsageError(`diffmpc plot: ${path.resolve(dir)} is not a run directory (needs config.json and metrics.jsonl)`);
    const files = replot(path.resolve(dir));
    console.log(`re-rendered:\n${files.map((f) => `  ${f}`).join('\n')}`);
    return 0;
  },
});
