// Pendulum phase portrait: trajectories in the (θ, θ̇) plane. θ is wrapped to [−π, π) (θ = 0 upright, as in
// Pendulum-v1's obs [cos θ, sin θ, θ̇]); the line is broken where θ wraps so no false segment crosses the
// plot. Start points are circled, the goal (0, 0) is marked with a cross.
import type { ChartConfiguration } from 'chart.js';
import { renderChart, type ChartSize } from './renderer.ts';
import { axis, colorAt, plugins, series } from './style.ts';

export interface PhaseTrajectory {
  label: string;
  /** `[T]` angle θ in radians (any range; wrapped for display). */
  theta: ArrayLike<number>;
  /** `[T]` angular velocity θ̇ in rad/s. */
  thetaDot: ArrayLike<number>;
}

export interface PhasePortraitOptions extends ChartSize {
  trajectories: PhaseTrajectory[];
  /** Marked with a cross (default [0, 0], upright at rest); null for none. */
  goal?: [number, number] | null;
  title?: string;
}

/** θ wrapped to [−π, π). */
export function wrapAngle(theta: number): number {
  const twoPi = 2 * Math.PI;
  return ((((theta + Math.PI) % twoPi) + twoPi) % twoPi) - Math.PI;
}

/** Points of a trajectory with θ wrapped and a gap point (y = null) inserted wherever θ jumps across ±π. */
export function phasePoints(theta: readonly number[], thetaDot: readonly number[]): Array<{ x: number; y: number | null }> {
  const out: Array<{ x: number; y: number | null }> = [];
  for (let i = 0; i < theta.length; i++) {
    const x = wrapAngle(theta[i]!);
    if (i > 0 && Math.abs(x - wrapAngle(theta[i - 1]!)) > Math.PI) out.push({ x, y: null });
    out.push({ x, y: thetaDot[i]! });
  }
  return out;
}

/** θ and θ̇ from Pendulum-v1 observations [cos θ, sin θ, θ̇] `[T][3]`. */
export function pendulumPhase(label: string, obs: ArrayLike<ArrayLike<number>>): PhaseTrajectory {
  const rows = Array.from(obs);
  rows.forEach((r, i) => {
    if (r.length !== 3) throw new Error(`pendulumPhase: obs[${i}] has ${r.length} entries; expected Pendulum-v1 observations [cos θ, sin θ, θ̇]`);
  });
  return { label, theta: rows.map((r) => Math.atan2(r[1]!, r[0]!)), thetaDot: rows.map((r) => r[2]!) };
}

export function plotPhasePortrait(o: PhasePortraitOptions): Buffer {
  if (!Array.isArray(o.trajectories) || o.trajectories.length === 0) {
    throw new Error('plotPhasePortrait: trajectories must be a non-empty array of { label, theta, thetaDot }');
  }
  const datasets: Record<string, unknown>[] = [];
  o.trajectories.forEach((tr, i) => {
    const th = series(`plotPhasePortrait: trajectories[${i}].theta`, tr.theta);
    const om = series(`plotPhasePortrait: trajectories[${i}].thetaDot`, tr.thetaDot, { length: th.length });
    const color = colorAt(i);
    datasets.push({ label: tr.label, data: phasePoints(th, om), showLine: true, spanGaps: false, borderColor: color, backgroundColor: color, borderWidth: 2, pointRadius: 1.5 });
    if (th.length) {
      datasets.push({ label: `${tr.label} start`, data: [{ x: wrapAngle(th[0]!), y: om[0]! }], pointRadius: 8, pointStyle: 'circle', order: -1, borderColor: color, backgroundColor: 'rgba(255,255,255,0.9)', borderWidth: 2.5 });
    }
  });
  const goal = o.goal === undefined ? [0, 0] : o.goal;
  if (goal) datasets.push({ label: 'goal', data: [{ x: goal[0], y: goal[1] }], pointStyle: 'crossRot', pointRadius: 11, order: -1, borderWidth: 3, borderColor: '#000000', backgroundColor: '#000000' });
  const config = {
    type: 'scatter',
    data: { datasets },
    options: {
      scales: {
        x: { ...axis({ title: 'θ  [rad]  (0 = upright)', min: -Math.PI, max: Math.PI }), ticks: { font: { size: 13 }, stepSize: Math.PI / 2, callback: (v: number) => piLabel(v) } },
        y: axis({ title: 'θ̇  [rad/s]' }),
      },
      plugins: plugins(o.title ?? 'Phase portrait', (label) => !label.endsWith(' start')),
    },
  } as unknown as ChartConfiguration;
  return renderChart(config, o);
}

function piLabel(v: number): string {
  const k = Math.round((v / Math.PI) * 2);
  if (Math.abs(v - (k * Math.PI) / 2) > 1e-6) return '';
  return ({ [-2]: '−π', [-1]: '−π/2', 0: '0', 1: 'π/2', 2: 'π' } as Record<number, string>)[k] ?? '';
}
