// Benchmark of the reactive loop and its outputs: env steps per second of a plain `for` loop vs. `rollout()`
// (sync and async controller, with a typical operator pipeline) and `vectorRollout()` (8 sub-envs), on a
// trivial point mass (pure loop overhead) and on Pendulum-v1 with analytic physics; then the render time of
// every chart kind (900×500 PNG) and of GIF frames (400×400). Run: `npx tsx scripts/bench-streams.ts [--quick]`
// or `diffmpc bench streams`.
import { count, lastValueFrom } from 'rxjs';
import { pathToFileURL } from 'node:url';
import type { BoxSpace, Env, StepResult } from '../envs/types.ts';
import { PendulumEnv } from '../envs/pendulum.ts';
import * as plot from '../src/plot/index.ts';
import { episodeReturns, recordTo, rollout, throttledProgress, vectorRollout } from '../src/streams/index.ts';
import { ReplayBuffer } from '../policies/replay-buffer.ts';
import { Rng } from '../src/tensor/rng.ts';
import { registerBenchSuite } from './lib/bench-suites.ts';
import { formatTable, saveReport, timeMs, type Row } from './lib/report.ts';

const box = (n: number): BoxSpace => ({
  low: new Float32Array(n).fill(-Infinity),
  high: new Float32Array(n).fill(Infinity),
  shape: [n],
  sample: () => new Float32Array(n),
  contains: () => true,
});

/** x'' = u with Euler steps, 200-step episodes: costs almost nothing, so the loop overhead shows. */
class PointMass implements Env {
  readonly id = 'PointMass-bench';
  readonly observationSpace = box(2);
  readonly actionSpace = box(1);
  private x = 0;
  private v = 0;
  private t = 0;
  reset(o?: { seed?: number }) {
    this.x = new Rng(o?.seed ?? 0).uniformIn(-1, 1);
    this.v = 0;
    this.t = 0;
    return { obs: Float32Array.of(this.x, this.v), info: {} };
  }
  step(a: Float32Array): StepResult {
    const r = -this.x * this.x;
    this.x += 0.1 * this.v;
    this.v += 0.1 * a[0]!;
    return { obs: Float32Array.of(this.x, this.v), reward: r, terminated: false, truncated: ++this.t >= 200, info: {} };
  }
}

class PendulumTL extends PendulumEnv {
  private t = 0;
  override reset(o?: { seed?: number }) {
    this.t = 0;
    return super.reset(o);
  }
  override step(a: Float32Array): StepResult {
    const r = super.step(a);
    return { ...r, truncated: ++this.t >= 200 };
  }
}

const pd = { act: (s: Float32Array) => Float32Array.of(-s[0]! - 1.5 * s[s.length - 1]!) };

function plainLoop(env: Env, steps: number): void {
  let obs = env.reset({ seed: 0 }).obs;
  let ep = 0;
  for (let i = 0; i < steps; i++) {
    const r = env.step(pd.act(obs));
    obs = r.terminated || r.truncated ? env.reset({ seed: ++ep }).obs : r.obs;
  }
}

export async function benchStreams(quick = false, outDir = 'bench-results'): Promise<string> {
  const steps = quick ? 10_000 : 40_000;
  const reps = quick ? 3 : 5;
  const rows: Row[] = [];
  const rate = (ms: number, n: number) => Math.round((n / ms) * 1000);
  for (const [name, mk] of [['point mass', () => new PointMass()], ['Pendulum-v1 analytic', () => new PendulumTL({ physics: 'analytic' })]] as const) {
    const env = mk();
    const obsDim = env.observationSpace.shape[0]!;
    const cases: Array<[string, () => Promise<unknown> | unknown]> = [
      ['plain for loop', () => plainLoop(env, steps)],
      ['rollout (sync act)', () => lastValueFrom(rollout(env, pd, { steps, seed: 0 }).pipe(count()))],
      ['rollout (async act)', () => lastValueFrom(rollout(env, { act: async (s) => pd.act(s) }, { steps, seed: 0 }).pipe(count()))],
      [
        'rollout + recordTo + episodeReturns + throttledProgress',
        () => {
          const buf = new ReplayBuffer(steps, obsDim, 1);
          return lastValueFrom(rollout(env, pd, { steps, seed: 0 }).pipe(recordTo(buf), throttledProgress(500, () => {}), episodeReturns(), count()), { defaultValue: 0 });
        },
      ],
      [
        'vectorRollout, 8 envs (batched act)',
        () => {
          const envs: Env[] = Array.from({ length: 8 }, () => mk());
          return lastValueFrom(vectorRollout(envs, { actBatch: (o) => o.map((s) => pd.act(s)) }, { steps: steps / 8, seed: 0 }).pipe(count()));
        },
      ],
    ];
    let base = 0;
    for (const [impl, fn] of cases) {
      const ms = await timeMs(fn, reps);
      if (impl === 'plain for loop') base = ms;
      rows.push({ bench: 'loop', env: name, impl, steps, 'ms': ms, 'steps/s': rate(ms, steps), 'µs/step over plain': ((ms - base) * 1000) / steps });
    }
  }
  console.log(formatTable(rows));

  const rng = new Rng(0);
  const T = 200;
  const y = Array.from({ length: T }, (_, t) => Math.exp(-t / 40) * Math.cos(t / 6));
  const seeds = Array.from({ length: 5 }, () => Array.from({ length: 100 }, (_, k) => -1000 * Math.exp(-k / 20) + 40 * rng.normal()));
  const trace = { mean: y.slice(0, 10).map((v) => [v + 2]), std: y.slice(0, 10).map(() => [0.3]), best: y.slice(0, 10).map((v) => [v + 1]) };
  const charts: Array<[string, () => Buffer]> = [
    ['plotTraces (3 × 200)', () => plot.plotTraces({ series: [0, 1, 2].map((i) => ({ label: `x${i}`, values: y.map((v) => v * (i + 1)) })), targets: [{ label: 'goal', value: 0 }] })],
    ['plotCostPerStep (200, log)', () => plot.plotCostPerStep({ costs: y.map((v) => v * v + 1e-3), logY: true })],
    ['plotEpisodeReturns (100)', () => plot.plotEpisodeReturns({ returns: seeds[0]! })],
    ['plotLearningCurve (5 seeds × 100)', () => plot.plotLearningCurve({ curves: [{ label: 'a', seeds }] })],
    ['plotPhasePortrait (200)', () => plot.plotPhasePortrait({ trajectories: [{ label: 'a', theta: y.map((v) => 3 * v), thetaDot: y.map((v, t) => v * Math.sin(t)) }] })],
    ['plotPlannedVsExecuted (200, 10 plans)', () => plot.plotPlannedVsExecuted({ executed: y, plans: Array.from({ length: 10 }, (_, k) => ({ start: 20 * k, values: y.slice(20 * k, 20 * k + 21) })) })],
    ['plotSolverTrace (10 iters)', () => plot.plotSolverTrace({ traces: [{ label: 'dcem', trace }] })],
  ];
  const plotRows: Row[] = [];
  for (const [name, fn] of charts) {
    const ms = await timeMs(fn, reps);
    plotRows.push({ bench: 'plot', what: name, size: '900×500', ms, bytes: fn().length });
  }
  const pend = new PendulumEnv({ physics: 'analytic' });
  pend.reset({ seed: 0 });
  const frames = 20;
  const gifMs = await timeMs(() => plot.renderRolloutGif(Array.from({ length: frames }, () => (ctx: plot.CanvasLike, w: number, h: number) => pend.render(ctx, w, h)), { width: 400, height: 400 }), Math.min(reps, 3));
  plotRows.push({ bench: 'plot', what: `GIF, ${frames} Pendulum-v1 frames`, size: '400×400', ms: gifMs, bytes: null });
  plotRows.push({ bench: 'plot', what: 'GIF, per frame', size: '400×400', ms: gifMs / frames, bytes: null });
  console.log(formatTable(plotRows));
  const file = saveReport('streams', [...rows, ...plotRows], { quick, steps }, outDir);
  console.log(`saved ${file}`);
  return file;
}

registerBenchSuite({
  name: 'streams',
  summary: 'rollout loop overhead (plain loop vs rollout / vectorRollout) and chart / GIF render times',
  run: ({ quick, outDir }) => benchStreams(quick, outDir),
});

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchStreams(process.argv.includes('--quick'));
}
