// Turns the results of a controlled run into files of its run directory: per-step metrics, state/action
// traces with targets, cost per step, returns per episode, the pendulum phase portrait, planned-vs-executed
// trajectories and the rollout GIF. Used by `diffmpc run`, `diffmpc demo` and `diffmpc plot`.
import type { Episode } from '../../src/streams/collect-episodes.ts';
import { plotCostPerStep } from '../../src/plot/cost-per-step.ts';
import { plotEpisodeReturns } from '../../src/plot/episode-returns.ts';
import { pendulumPhase, plotPhasePortrait } from '../../src/plot/phase-portrait.ts';
import { plotPlannedVsExecuted } from '../../src/plot/planned-vs-executed.ts';
import { plotTraces } from '../../src/plot/traces.ts';
import type { ControlRunResult, PlanRecord } from '../../src/train/control-run.ts';
import type { RunDir } from '../../src/train/run-dir.ts';

/** Names of the observation entries of the built-in envs, for legends. */
const OBS_LABELS: Record<string, string[]> = {
  'Pendulum-v1': ['cos θ', 'sin θ', 'θ̇ (rad/s)'],
  'CartPole-v1': ['x (m)', 'ẋ (m/s)', 'θ (rad)', 'θ̇ (rad/s)'],
  'CartPoleSwingUp-v0': ['x (m)', 'ẋ (m/s)', 'cos θ', 'sin θ', 'θ̇ (rad/s)'],
  'MountainCarContinuous-v0': ['position', 'velocity'],
};

const isPendulum = (id: string) => id.startsWith('Pendulum');

/** Logs one line per step and per episode into metrics.jsonl. */
export function logEpisodes(run: RunDir, episodes: Episode[], prefix: Record<string, unknown> = {}): void {
  for (const ep of episodes) {
    ep.rewards.forEach((r, t) => run.log({ kind: 'step', ...prefix, episode: ep.episode, t, reward: r, action: Array.from(ep.actions[t]!), obs: Array.from(ep.states[t]!) }));
    run.log({ kind: 'episode', ...prefix, episode: ep.episode, return: ep.return, steps: ep.rewards.length });
  }
}

/** Writes the PNGs (and GIF) of a controlled run; returns the written paths. `dt`: the env's seconds per step (the time axes count steps without it). */
export function writeControlPlots(run: RunDir, envId: string, episodes: Episode[], plans: PlanRecord[], gif?: Uint8Array, dt?: number): string[] {
  const out: string[] = [];
  const ep = episodes[0];
  if (!ep) return out;
  const labels: string[] = OBS_LABELS[envId] ?? Array.from(ep.states[0]!, (_, i) => `obs[${i}]`);
  const T = ep.rewards.length;
  const obsSeries = labels.map((label, i) => ({ label, values: ep.states.slice(0, T).map((s) => s[i]!) }));
  const actSeries = Array.from(ep.actions[0]!, (_, i) => ({ label: `action[${i}]`, values: ep.actions.map((a) => a[i]!) }));
  const xLabel = dt !== undefined ? 'time (s)' : 'step';
  const targets = isPendulum(envId) ? [{ label: 'upright: cos θ = 1', value: 1 }] : [{ label: 'target 0', value: 0 }];
  out.push(run.writeArtifact('states.png', plotTraces({ series: obsSeries, dt, targets, title: `${envId}: observations, episode 0`, xLabel })));
  out.push(run.writeArtifact('actions.png', plotTraces({ series: actSeries, dt, title: `${envId}: actions, episode 0`, xLabel, yLabel: 'action' })));
  out.push(run.writeArtifact('cost.png', plotCostPerStep({ costs: episodes.map((e) => ({ label: `episode ${e.episode}`, values: e.rewards.map((r) => -r) })), dt, title: `${envId}: cost per step (−reward)` })));
  if (episodes.length > 1) out.push(run.writeArtifact('returns.png', plotEpisodeReturns({ returns: episodes.map((e) => e.return), title: `${envId}: return per episode` })));
  if (isPendulum(envId)) {
    out.push(run.writeArtifact('phase.png', plotPhasePortrait({ trajectories: episodes.slice(0, 5).map((e) => pendulumPhase(`episode ${e.episode}`, e.states)), title: 'Pendulum phase portrait' })));
    if (plans.length) {
      const theta = (s: ArrayLike<number>) => Math.atan2(s[1]!, s[0]!);
      out.push(
        run.writeArtifact(
          'planned-vs-executed.png',
          plotPlannedVsExecuted({ executed: ep.states.map(theta), plans: plans.map((p) => ({ start: p.t, values: p.states.map(theta) })), dt, label: 'θ', yLabel: 'θ (rad)', target: 0, period: 2 * Math.PI, title: 'Planned (MPC, every few steps) vs executed angle' }),
        ),
      );
    }
  }
  if (gif) out.push(run.writeArtifact('rollout.gif', gif));
  return out;
}

/** Writes the plots of a control run result. */
export function reportControlRun(run: RunDir, r: ControlRunResult): string[] {
  logEpisodes(run, r.episodes);
  return writeControlPlots(run, r.envId, r.episodes, r.plans, r.gif, r.dt);
}
