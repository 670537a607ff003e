// controlCharts: the data and labels handed to chart.js for each built-in env: the applied action in physical
// units (CartPole-v1's ±10 N, not its 0/1 action), each observation's true target, reward vs cost per step
// with the sign and title to match, 0-based episode indices, a mean ± std band for many episodes,
// evaluation-episode titles, and planned-vs-executed clipped to the episode.
import { describe, expect, it } from 'vitest';
import '../../../envs/index.ts';
import type { Episode } from '../../../src/streams/collect-episodes.ts';
import { controlCharts, type ChartFile } from '../../../scripts/lib/run-report.ts';

type Ds = { label: string; data: Array<{ x: number; y: number | null }> };

function episode(k: number, states: number[][], actions: number[][], rewards: number[]): Episode {
  return {
    episode: k,
    env: 0,
    states: states.map((s) => Float32Array.from(s)),
    actions: actions.map((a) => Float32Array.from(a)),
    rewards,
    return: rewards.reduce((a, b) => a + b, 0),
    terminated: false,
    truncated: true,
  };
}

/** An episode of T steps with a constant state row and the given action per step. */
function flat(k: number, T: number, state: number[], action: (t: number) => number[], reward: (t: number) => number): Episode {
  return episode(k, Array.from({ length: T + 1 }, () => state), Array.from({ length: T }, (_, t) => action(t)), Array.from({ length: T }, (_, t) => reward(t)));
}

const chart = (charts: ChartFile[], file: string) => {
  const c = charts.find((x) => x.file === file);
  if (!c) throw new Error(`no ${file} among ${charts.map((x) => x.file).join(', ')}`);
  return c.chart as unknown as { data: { datasets: Ds[] }; options: { scales: Record<string, { min?: number; max?: number; title: { text: string }; ticks: { precision?: number } }>; plugins: { title: { text: string } } } };
};
const ys = (d: Ds) => d.data.map((p) => p.y);

describe('controlCharts', () => {
  it('CartPole-v1 actions are the applied force ±10 N, with the unit, and rewards are titled reward', () => {
    const ep = flat(0, 6, [0, 0, 0, 0], (t) => [t % 2 ? 0.7 : 0.3], () => 1);
    const charts = controlCharts('CartPole-v1', [ep], [], 0.02);
    const act = chart(charts, 'actions.png');
    expect(ys(act.data.datasets[0]!)).toEqual([-10, 10, -10, 10, -10, 10]);
    expect(act.data.datasets[0]!.label).toBe('applied force F (N)');
    expect(act.options.scales.y!.title.text).toMatch(/\(N\)/);
    // a long bang-bang episode also gets its running mean (here 0 N once the window is full)
    const long = chart(controlCharts('CartPole-v1', [flat(0, 40, [0, 0, 0, 0], (t) => [t % 2 ? 0.7 : 0.3], () => 1)], [], 0.02), 'actions.png');
    expect(long.data.datasets.map((d) => d.label)).toEqual(['applied force F (N)', 'mean of the last 10 steps']);
    expect(ys(long.data.datasets[1]!).slice(9)).toEqual(new Array(31).fill(0));
    const rew = chart(charts, 'reward.png');
    expect(ys(rew.data.datasets[0]!)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(rew.options.plugins.title.text).toMatch(/reward per step/);
    expect(rew.options.plugins.title.text).not.toMatch(/cost/);
    expect(charts.some((c) => c.file === 'cost.png')).toBe(false);
  });

  it('Pendulum-v1 plots its cost c = −r (positive) under "cost", torque in N·m, cos θ aimed at 1', () => {
    const ep = flat(0, 4, [-1, 0, 0], () => [1.5], (t) => -(9 - t));
    const charts = controlCharts('Pendulum-v1', [ep], [], 0.05);
    const cost = chart(charts, 'cost.png');
    expect(ys(cost.data.datasets[0]!)).toEqual([9, 8, 7, 6]);
    expect(cost.options.plugins.title.text).toMatch(/cost per step/);
    expect(cost.options.scales.y!.title.text).toMatch(/cost/);
    const act = chart(charts, 'actions.png');
    expect(act.data.datasets[0]!.label).toBe('torque u (N·m)');
    expect(ys(act.data.datasets[0]!)).toEqual([1.5, 1.5, 1.5, 1.5]);
    const targets = chart(charts, 'states.png').data.datasets.filter((d) => d.label.startsWith('target'));
    const cosLine = targets.find((d) => /cos θ/.test(d.label))!;
    expect(ys(cosLine)).toEqual([1, 1]);
    expect(targets.find((d) => /sin θ/.test(d.label))!.data[0]!.y).toBe(0);
  });

  it('MountainCarContinuous-v0 states aim at the goal position 0.45, CartPoleSwingUp-v0 at cos θ = 1; forces carry units', () => {
    const mc = controlCharts('MountainCarContinuous-v0', [flat(0, 3, [-0.5, 0], () => [2], () => -0.1)], [], undefined);
    const mcTargets = chart(mc, 'states.png').data.datasets.filter((d) => d.label.startsWith('target'));
    expect(mcTargets.map((d) => d.data[0]!.y)).toEqual([0.45]);
    expect(mcTargets[0]!.label).toMatch(/goal p = 0\.45/);
    // one stacked panel per observation (velocity ~0.01 would be a flat line on the position's axis); the goal sits in the position panel
    const states = chart(mc, 'states.png') as unknown as { data: { datasets: Array<{ label: string; yAxisID?: string }> }; options: { scales: Record<string, { stack?: string; title: { text: string } }> } };
    expect(states.data.datasets.map((d) => d.yAxisID)).toEqual(['y0', 'y1', 'y0']);
    expect(['y0', 'y1'].map((k) => [states.options.scales[k]!.stack, states.options.scales[k]!.title.text])).toEqual([['panels', 'position p (m)'], ['panels', 'velocity v (m/step)']]);
    expect(ys(chart(mc, 'actions.png').data.datasets[0]!)).toEqual([1, 1, 1]); // clipped as the env applies it
    expect(chart(mc, 'actions.png').data.datasets[0]!.label).toMatch(/force .*unitless/);
    expect(chart(mc, 'reward.png').options.plugins.title.text).toMatch(/reward per step/);

    const su = controlCharts('CartPoleSwingUp-v0', [flat(0, 3, [0, 0, -1, 0, 0], () => [-0.5], () => 0.2)], [], 0.02);
    const suTargets = chart(su, 'states.png').data.datasets.filter((d) => d.label.startsWith('target'));
    expect(suTargets.find((d) => /cos θ = 1/.test(d.label))!.data[0]!.y).toBe(1);
    expect(ys(chart(su, 'actions.png').data.datasets[0]!)).toEqual([-5, -5, -5]);
    expect(chart(su, 'actions.png').data.datasets[0]!.label).toBe('applied force F (N)');
  });

  it('many episodes: per-step mean and percentile band, said in the title; returns on 0-based integer episodes', () => {
    const eps = Array.from({ length: 25 }, (_, k) => flat(k, 4, [0, 0, 0, 0], () => [1], (t) => (k % 2 ? 2 : 0) + t));
    const charts = controlCharts('CartPole-v1', eps, [], 0.02);
    const rew = chart(charts, 'reward.png');
    expect(rew.options.plugins.title.text).toMatch(/mean and 10–90 % band over 25 episodes/);
    const mean = rew.data.datasets.find((d) => /^mean over 25 episodes/.test(d.label))!;
    // episodes alternate +0 / +2 (13 even k, 12 odd): mean 24/25 + t
    ys(mean).forEach((y, t) => expect(y).toBeCloseTo(24 / 25 + t, 6));
    expect(rew.data.datasets.length).toBe(3);
    const ret = chart(charts, 'returns.png');
    expect(ret.data.datasets[0]!.data.map((p) => p.x)).toEqual(Array.from({ length: 25 }, (_, k) => k));
    expect([ret.options.scales.x!.min, ret.options.scales.x!.max, ret.options.scales.x!.ticks.precision]).toEqual([0, 24, 0]);
  });

  it('titles evaluation episodes as such; planned-vs-executed stops at the end of the episode', () => {
    const T = 200;
    const ep = flat(0, T, [1, 0, 0], () => [0], () => -1);
    const plans = [0, 190].map((t) => ({ t, states: Array.from({ length: 31 }, () => [1, 0, 0]) }));
    const charts = controlCharts('Pendulum-v1', [ep, flat(1, T, [1, 0, 0], () => [0], () => -2)], plans, 0.05, { episodeKind: 'evaluation episode' });
    expect(chart(charts, 'states.png').options.plugins.title.text).toMatch(/evaluation episode 0$/);
    expect(chart(charts, 'actions.png').options.plugins.title.text).toMatch(/evaluation episode 0$/);
    expect(chart(charts, 'cost.png').data.datasets.map((d) => d.label)).toEqual(['evaluation episode 0', 'evaluation episode 1']);
    expect(chart(charts, 'returns.png').options.plugins.title.text).toMatch(/per evaluation episode/);
    const pve = chart(charts, 'planned-vs-executed.png');
    expect(pve.options.scales.x!.max).toBeCloseTo(T * 0.05, 9);
    const xs = pve.data.datasets.flatMap((d) => d.data.map((p) => p.x));
    expect(Math.max(...xs)).toBeLessThanOrEqual(T * 0.05 + 1e-9);
  });
});
