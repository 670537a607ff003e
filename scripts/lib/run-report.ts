// Turns the results of a controlled run into files of its run directory: per-step metrics, state traces with
// each observation's target, the applied action in physical units, the per-step reward (or cost, for an env
// stated as a cost: c = −r), returns per episode, the pendulum phase portrait, planned-vs-executed
// trajectories and the rollout GIF. Labels, units, targets and the reward/cost choice come from the env's
// metadata (`env.meta`, envs/meta.ts). Used by `diffmpc run`, `diffmpc demo`, `diffmpc train-dynamics` and
// `diffmpc plot`.
import type { ChartConfiguration } from 'chart.js';
import { genericMeta, type EnvMeta } from '../../envs/meta.ts';
import { envSpec, make } from '../../envs/registry.ts';
import { costPerStepChart, summarizesSeries } from '../../src/plot/cost-per-step.ts';
import { episodeReturnsChart, movingAverage } from '../../src/plot/episode-returns.ts';
import { pendulumPhase, plotPhasePortrait } from '../../src/plot/phase-portrait.ts';
import { plannedVsExecutedChart } from '../../src/plot/planned-vs-executed.ts';
import { renderChart, type ChartSize } from '../../src/plot/renderer.ts';
import { colorAt, withAlpha } from '../../src/plot/style.ts';
import { tracesChart } from '../../src/plot/traces.ts';
import type { Episode } from '../../src/streams/collect-episodes.ts';
import type { ControlRunResult, PlanRecord } from '../../src/train/control-run.ts';
import type { RunDir } from '../../src/train/run-dir.ts';

const isPendulum = (id: string) => id.startsWith('Pendulum');

/** Window of the running mean drawn over a two-level (bang-bang) action. */
const BANG_MEAN_STEPS = 10;

export interface ControlPlotOptions {
  /** What the episodes are, for titles and legends: 'episode' (default) or e.g. 'evaluation episode'. */
  episodeKind?: string;
  /** The env's metadata (default: that of the registered env, or generic labels). */
  meta?: EnvMeta;
}

/** A chart and the run-directory file it goes to. */
export interface ChartFile {
  file: string;
  chart: ChartConfiguration;
  size?: ChartSize;
}

/** Logs one line per step and per episode into metrics.jsonl. */
export function logEpisodes(run: RunDir, episodes: Episode[], prefix: Record<string, unknown> = {}): void {
  for (const ep of episodes) {
    ep.rewards.forEach((r, t) => run.log({ kind: 'step', ...prefix, episode: ep.episode, t, reward: r, action: Array.from(ep.actions[t]!), obs: Array.from(ep.states[t]!) }));
    run.log({ kind: 'episode', ...prefix, episode: ep.episode, return: ep.return, steps: ep.rewards.length });
  }
}

/** The metadata of a registered env (built once to read it), or generic labels for `obsDim`/`actDim`. */
export function envMeta(envId: string, obsDim: number, actDim: number): EnvMeta {
  if (!envSpec(envId)) return genericMeta(obsDim, actDim);
  const env = make(envId);
  try {
    const meta = env.meta;
    if (!meta) return genericMeta(obsDim, actDim);
    if (meta.observations.length !== obsDim || meta.actions.length !== actDim) {
      throw new Error(`run report: ${envId}.meta describes ${meta.observations.length} observations and ${meta.actions.length} actions but the episodes have ${obsDim} and ${actDim}`);
    }
    return meta;
  } finally {
    env.close?.();
  }
}

/** Each observation's target as a dashed line in its own panel. */
function targetLines(meta: EnvMeta): Array<{ label: string; value: number; color: string; series: number }> {
  return meta.observations.flatMap((o, i) => (o.target ? [{ label: `target: ${o.target.label}`, value: o.target.value, color: '#555555', series: i }] : []));
}

/** The charts of a controlled run (states, applied actions, reward or cost per step, returns, planned vs executed). */
export function controlCharts(envId: string, episodes: Episode[], plans: PlanRecord[], dt: number | undefined, opts: ControlPlotOptions = {}): ChartFile[] {
  const ep = episodes[0];
  if (!ep) return [];
  const meta = opts.meta ?? envMeta(envId, ep.states[0]!.length, ep.actions[0]?.length ?? 0);
  const kind = opts.episodeKind ?? 'episode';
  const out: ChartFile[] = [];
  const T = ep.rewards.length;
  const xLabel = dt !== undefined ? 'time (s)' : 'step';
  const obsSeries = meta.observations.map((o, i) => ({ label: o.label, values: ep.states.slice(0, T).map((s) => s[i]!) }));
  // one panel per observation: a position in m and a velocity of 0.01 m/step each fill their own axis
  out.push({
    file: 'states.png',
    chart: tracesChart({ series: obsSeries, dt, targets: targetLines(meta), panels: true, title: `${envId}: observations, ${kind} ${ep.episode}`, xLabel }),
    size: { width: 900, height: 150 + 130 * obsSeries.length },
  });
  const applied = ep.actions.map((a) => meta.applied(a));
  const actSeries = meta.actions.flatMap((label, i) => {
    const values = applied.map((a) => a[i]!);
    // a bang-bang action (two levels, e.g. ±10 N) chatters into a solid block: draw it faint, with its running mean on top
    if (new Set(values).size !== 2 || values.length < 2 * BANG_MEAN_STEPS) return [{ label, values, color: colorAt(i) }];
    return [
      { label, values, color: withAlpha(colorAt(i), 0.3) },
      { label: `mean of the last ${BANG_MEAN_STEPS} steps`, values: movingAverage(values, BANG_MEAN_STEPS), color: colorAt(meta.actions.length + i) },
    ];
  });
  const actName = meta.actions.length === 1 ? meta.actions[0]! : 'applied action';
  out.push({ file: 'actions.png', chart: tracesChart({ series: actSeries, dt, title: `${envId}: ${actName}, ${kind} ${ep.episode}`, xLabel, yLabel: actName }) });

  const cost = meta.signal === 'cost';
  const noun = cost ? 'cost' : 'reward';
  const summarized = summarizesSeries(episodes.length);
  const over = summarized ? `, mean and 10–90 % band over ${episodes.length} ${kind}s` : '';
  out.push({
    file: `${noun}.png`,
    chart: costPerStepChart({
      costs: episodes.map((e) => ({ label: `${kind} ${e.episode}`, values: e.rewards.map((r) => (cost ? -r : r)) })),
      dt,
      title: `${envId}: ${noun} per step${cost ? ' (c = −reward)' : ''}${over}`,
      yLabel: cost ? 'cost per step  c = −r' : 'reward per step  r',
      seriesNoun: `${kind}s`,
    }),
  });
  if (episodes.length > 1) {
    out.push({
      file: 'returns.png',
      chart: episodeReturnsChart({ returns: episodes.map((e) => e.return), title: `${envId}: return per ${kind}`, yLabel: cost ? 'return  Σ r = −Σ c' : 'return  Σ r' }),
    });
  }
  if (isPendulum(envId) && plans.length) {
    const theta = (s: ArrayLike<number>) => Math.atan2(s[1]!, s[0]!);
    const every = plans.length > 1 ? plans[1]!.t - plans[0]!.t : undefined;
    out.push({
      file: 'planned-vs-executed.png',
      chart: plannedVsExecutedChart({
        executed: ep.states.map(theta),
        plans: plans.map((p) => ({ start: p.t, values: p.states.map(theta) })),
        dt,
        label: 'θ',
        yLabel: 'θ (rad)',
        target: 0,
        period: 2 * Math.PI,
        title: `Planned (MPC${every ? `, every ${every} steps` : ''}) vs executed angle, ${kind} ${ep.episode}`,
      }),
    });
  }
  return out;
}

/**
 * Writes the PNGs (and GIF) of a controlled run; returns the written paths. `dt`: the env's seconds per step
 * (the time axes count steps without it).
 */
export function writeControlPlots(run: RunDir, envId: string, episodes: Episode[], plans: PlanRecord[], gif?: Uint8Array, dt?: number, opts: ControlPlotOptions = {}): string[] {
  const out = controlCharts(envId, episodes, plans, dt, opts).map((c) => run.writeArtifact(c.file, renderChart(c.chart, c.size)));
  if (isPendulum(envId) && episodes.length) {
    const kind = opts.episodeKind ?? 'episode';
    out.push(run.writeArtifact('phase.png', plotPhasePortrait({ trajectories: episodes.slice(0, 5).map((e) => pendulumPhase(`${kind} ${e.episode}`, e.states)), title: `Pendulum phase portrait${episodes.length > 5 ? ` (first 5 of ${episodes.length} ${kind}s)` : ''}` })));
  }
  if (gif) out.push(run.writeArtifact('rollout.gif', gif));
  return out;
}

/** Writes the plots of a control run result. */
export function reportControlRun(run: RunDir, r: ControlRunResult): string[] {
  logEpisodes(run, r.episodes);
  return writeControlPlots(run, r.envId, r.episodes, r.plans, r.gif, r.dt);
}
