// Differentiable paths in a FRESH process, where nothing has registered the boolean kernels' zero gradients
// by accident (issue 14): `diffmpc run --controller lqr` (the cost Hessian differentiates through clipping),
// `train-imitation --solver gd` (unrolled GD differentiated again) and `MPC.plan(…, { backward: 'unroll' })` with
// gd. Each used to die with "gradient function not found for LogicalAnd" unless the SQP planner had run first.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonl } from '../../src/tensor/files.ts';
import { REPO_ROOT } from '../helpers/reference.ts';

/** Runs `node --import tsx <args>` in the repository; resolves with the exit code and output (bounded time). */
function run(args: string[], timeoutMs = 150_000): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout!.on('data', (d) => (out += d));
    p.stderr!.on('data', (d) => (out += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, out });
    });
  });
}

const cli = path.join(REPO_ROOT, 'scripts/diffmpc.ts');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'diffmpc-fresh-'));

describe('differentiable paths in a fresh process', () => {
  for (const env of ['Pendulum-v1', 'CartPoleSwingUp-v0', 'CartPole-v1']) {
    it(`diffmpc run --controller lqr --env ${env} completes an episode`, async () => {
      const out = tmp();
      const r = await run([cli, 'run', '--controller', 'lqr', '--env', env, '--physics', 'analytic', '--episodes', '1', '--max-episode-steps', '50', '--no-gif', '--out', out, '--name', 'r']);
      expect(r.out).not.toMatch(/gradient function not found|Cannot compute gradient/);
      expect(r.code, r.out).toBe(0);
      const episodes = readJsonl<{ kind: string; steps: number; return: number }>(path.join(out, 'r', 'metrics.jsonl')).filter((m) => m.kind === 'episode');
      expect(episodes).toHaveLength(1);
      expect(Number.isFinite(episodes[0]!.return)).toBe(true);
    }, 180_000);
  }

  it('diffmpc train-imitation --solver gd runs its Adam steps', async () => {
    const out = tmp();
    const r = await run([cli, 'train-imitation', '--solver', 'gd', '--steps', '2', '--states', '2', '--horizon', '4', '--iterations', '2', '--out', out, '--name', 'r']);
    expect(r.out).not.toMatch(/gradient function not found/);
    expect(r.code, r.out).toBe(0);
    const iters = readJsonl<{ kind: string; loss: number }>(path.join(out, 'r', 'metrics.jsonl')).filter((m) => m.kind === 'iteration');
    expect(iters).toHaveLength(2);
    for (const it of iters) expect(Number.isFinite(it.loss)).toBe(true);
  }, 180_000);

  it("MPC.plan(x0, { backward: 'unroll' }) with gd gives finite parameter gradients", async () => {
    // Plain ES module code (no type annotations) evaluated by tsx from the repository root.
    const code = [
      `import * as tf from '@tensorflow/tfjs';`,
      `import { MPC } from './controllers/mpc.ts';`,
      `import { compileSystem } from './src/models/system/compile.ts';`,
      `import { pendulumSystem } from './envs/pendulum.ts';`,
      `import './src/solvers/gd.ts';`,
      `const { dynamics: model, cost } = compileSystem(pendulumSystem, { trainable: ['mass', 'length'] });`,
      `const mpc = new MPC({ model, cost, horizon: 5, solver: 'gd', bounds: [-2, 2], iterations: 3 });`,
      `const x0 = tf.tensor([[Math.cos(0.5), Math.sin(0.5), 0.2]]);`,
      `const { grads } = tf.variableGrads(() => tf.sum(tf.square(mpc.plan(x0, { backward: 'unroll' }).actions)), model.variables());`,
      `console.log('GRADS ' + JSON.stringify(Object.values(grads).map((g) => g.dataSync()[0])));`,
    ].join('\n');
    const r = await run(['--input-type=module', '--eval', code]);
    expect(r.out).not.toMatch(/gradient function not found/);
    expect(r.code, r.out).toBe(0);
    const grads = JSON.parse(/GRADS (.*)/.exec(r.out)![1]!) as number[];
    expect(grads).toHaveLength(2);
    for (const g of grads) expect(Number.isFinite(g)).toBe(true);
  }, 180_000);
});
