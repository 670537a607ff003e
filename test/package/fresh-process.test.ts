// What a fresh process gets from the package's root entry (scripts/api/index.ts), each check in its own
// process so no earlier import can have registered anything: every built-in registered, the backend chosen
// in the auto order and announced, and second-order gradients through the GD planner on the built-in pendulum
// (they need the zero gradients of tfjs's boolean kernels, once registered only by the SQP planner's first run).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ENTRY = path.join(ROOT, 'scripts/api/index.ts');

function fresh(code: string, env: Record<string, string | undefined> = {}): { out: string; err: string; status: number | null } {
  const e: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete e[k];
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `const d = await import(${JSON.stringify(ENTRY)});\n${code}`], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    env: e,
  });
  return { out: r.stdout, err: r.stderr, status: r.status };
}

describe('the root entry in a fresh process', () => {
  it('registers every built-in env, solver, planner and preset, and picks and announces the backend', () => {
    const r = fresh(
      `console.log(JSON.stringify({ envs: d.listEnvs().map((s) => s.id), planners: d.listPlannerNames(), presets: d.presetRegistry.list().length, backend: d.tf.getBackend() }));`,
      { DIFFMPC_BACKEND: undefined },
    );
    expect(r.status, r.err).toBe(0);
    const got = JSON.parse(r.out.trim().split('\n').at(-1)!);
    expect(got.envs).toEqual(expect.arrayContaining(['Pendulum-v1', 'CartPole-v1', 'CartPoleSwingUp-v0', 'MountainCarContinuous-v0', 'PlanarQuadrotor-v0', 'AcrobotSwingUp-v0']));
    expect(got.planners).toEqual(expect.arrayContaining(['adam', 'dcem', 'gd', 'novas', 'qp']));
    expect(got.presets).toBeGreaterThanOrEqual(5);
    expect(got.backend).toBe('wasm');
    expect(r.err).toMatch(/diffmpc: tensor backend wasm \(auto; skipped tensorflow-gpu, tensorflow\); initBackend\(name\) or \$DIFFMPC_BACKEND chooses another/);
  });

  it('follows $DIFFMPC_BACKEND', () => {
    const r = fresh(`console.log(d.tf.getBackend());`, { DIFFMPC_BACKEND: 'cpu' });
    expect(r.status, r.err).toBe(0);
    expect(r.out.trim()).toBe('cpu');
  });

  it('differentiates a GD plan on the built-in pendulum (second-order gradients through tf.clipByValue)', () => {
    const r = fresh(`
      const env = d.make('Pendulum-v1', { physics: 'analytic' });
      const { dynamics, cost } = env.model();
      const mpc = new d.MPC({ model: dynamics, cost, horizon: 5, solver: 'gd', bounds: [-2, 2], iterations: 3 });
      const x0 = d.tf.tensor([[Math.cos(2.5), Math.sin(2.5), 0.3]]);
      const { grads } = d.tf.variableGrads(() => d.tf.sum(mpc.plan(x0, { backward: 'unroll' }).actions), dynamics.variables());
      console.log(JSON.stringify(Object.values(grads).map((g) => g.dataSync()[0])));`);
    expect(r.status, r.err).toBe(0);
    const g = JSON.parse(r.out.trim().split('\n').at(-1)!) as number[];
    expect(g.length).toBeGreaterThan(0);
    expect(g.every(Number.isFinite)).toBe(true);
    expect(g.some((v) => Math.abs(v) > 1e-4)).toBe(true);
  });
});
