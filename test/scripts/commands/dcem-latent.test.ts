// `diffmpc dcem-latent --quick` through the CLI into a temp dir, on both tasks: the JSON table (finite
// planned costs, improvement factors and returns for the expert, the full-space baseline and both decoders),
// the rows per update (with the scheduler's rate) and the PNGs (with drawn content) are written; a rerun with
// the same config resumes from done.jsonl; flags are validated by name.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCanvas, loadImage } from '../../../src/plot/canvas.ts';
import { getCommand, parseCommandArgs } from '../../../scripts/cli.ts';
import '../../../scripts/commands/dcem-latent.ts';
import { improvementFactor } from '../../../scripts/dcem-latent.ts';
import { REPO_ROOT } from '../../helpers/reference.ts';

/** Fraction of pixels that are not (near) white. */
async function inked(file: string): Promise<number> {
  const img = await loadImage(fs.readFileSync(file));
  const c = createCanvas(img.width, img.height);
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const d = ctx.getImageData(0, 0, img.width, img.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i]! < 200 || d[i + 1]! < 200 || d[i + 2]! < 200) n++;
  return n / (img.width * img.height);
}

const cli = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts/diffmpc.ts'), 'dcem-latent', ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 240_000,
    env: { ...process.env, DIFFMPC_BACKEND: 'cpu' },
  });

describe('dcem-latent', () => {
  it('validates its flags by name', () => {
    const c = getCommand('dcem-latent')!;
    expect(() => parseCommandArgs(c, ['--steps', '0'])).toThrow(/--steps/);
    expect(() => parseCommandArgs(c, ['--expert-sample', '100'])).toThrow(/--expert-samples/);
    expect(() => parseCommandArgs(c, ['--lr', 'x'])).toThrow(/--lr/);
    expect(() => parseCommandArgs(c, ['--task', 'cartpole'])).toThrow(/--task: unknown value "cartpole"; expected one of cartpole-dx, swingup/);
    expect(parseCommandArgs(c, ['--quick', '--seeds', '2']).values).toMatchObject({ quick: true, seeds: 2, task: 'cartpole-dx' });
  });

  it('defines the improvement factor only for negative costs (the paper\'s sign)', () => {
    expect(improvementFactor(-11, -10)).toBeCloseTo(1.1, 12);
    expect(improvementFactor(-9, -10)).toBeCloseTo(0.9, 12);
    expect(improvementFactor(1, -10)).toBeNaN();
    expect(improvementFactor(-1, 0)).toBeNaN();
  });

  it('--quick writes the table, the rows per update and the PNGs, and resumes', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'diffmpc-dcem-latent-'));
    const r = cli(['--quick', '--task', 'swingup', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^backend: cpu/m);
    expect(r.stdout).toMatch(/improvement factor \(planned cost \/ expert's, 1 seeds\): trained \d/);
    const saved = JSON.parse(fs.readFileSync(path.join(out, 'dcem-latent.json'), 'utf8'));
    const pcaRow = 'PCA plane of code-expert plans, min over 8² grid';
    expect(saved.rows.map((x: { planner: string }) => x.planner)).toEqual(['expert (full CEM, N 60)', 'full CEM, N 20', 'full CEM, N 20, 4 iterations', pcaRow, 'latent, untrained', 'latent, trained']);
    for (const row of saved.rows) {
      const keys = row.planner === pcaRow ? ['planned_cost', 'pca_variance_share'] : ['planned_cost', 'closed_loop_return', 'return_over_expert'];
      for (const k of keys) expect(Number.isFinite(row[k]), `${row.planner} ${k}`).toBe(true);
    }
    // The exhaustive grid searches, the notebook's factor and the best decoder's file are there.
    const trained = saved.rows.at(-1);
    for (const k of ['grid_best_cost', 'val_improvement_factor_code', 'val_cost_best']) expect(Number.isFinite(trained[k]), k).toBe(true);
    for (const k of ['trained', 'untrained', 'trainedOverUntrained', 'trainedOverCodeExpert', 'notebook', 'trainedGridBest']) expect(saved.meta.improvementFactor[k].every(Number.isFinite), k).toBe(true);
    const decoder = JSON.parse(fs.readFileSync(path.join(out, 'seed-0-decoder.json'), 'utf8'));
    expect(decoder).toMatchObject({ seed: 0, latentDim: 2, horizon: 6, hidden: 16 });
    expect(decoder.weights.flat().every(Number.isFinite)).toBe(true);
    const rows = fs.readFileSync(path.join(out, 'epochs.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((x) => x.epoch)).toEqual([0, 2, 4]);
    for (const x of rows) expect(Number.isFinite(x.val_cost) && x.lr === 1e-3).toBe(true);
    for (const png of ['curves', 'factor', 'decoded-untrained', 'decoded-trained', 'closed-loop']) expect(await inked(path.join(out, `dcem-latent-${png}.png`)), png).toBeGreaterThan(0.01);
    const again = cli(['--quick', '--task', 'swingup', '--out', out]);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout.match(/finished in an earlier run/g)).toHaveLength(4);
    expect(again.stdout).not.toMatch(/grid .* best planned cost/); // the searches are read back too
    const other = cli(['--quick', '--task', 'swingup', '--steps', '5', '--out', out]);
    expect(other.status).toBe(2);
    expect(other.stderr).toMatch(/--out .* another config \(steps: 4 → 5\)/);
    fs.rmSync(out, { recursive: true, force: true });
  }, 400_000);

  it("--quick on the paper's task (the default) plans mpc.pytorch's cart-pole", () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'diffmpc-dcem-latent-dx-'));
    const r = cli(['--quick', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const saved = JSON.parse(fs.readFileSync(path.join(out, 'dcem-latent.json'), 'utf8'));
    expect(saved.meta.task).toBe('cartpole-dx');
    for (const row of saved.rows) expect(Number.isFinite(row.planned_cost) && (row.planner.startsWith('PCA') || Number.isFinite(row.closed_loop_return)), row.planner).toBe(true);
    // Full-space CEM with 3× the samples plans at least as well on the same starts and noise.
    expect(saved.rows[0].planned_cost).toBeLessThanOrEqual(saved.rows[1].planned_cost + 1e-6);
    fs.rmSync(out, { recursive: true, force: true });
  }, 240_000);
});
