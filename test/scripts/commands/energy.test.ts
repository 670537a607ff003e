// `diffmpc energy`: $DIFFMPC_BACKEND is honoured (no --backend), progress is reported while training, and
// a one-seed table prints no "± 0" spread; --workers is validated by name; `--protocol` writes its rows,
// result, table and PNGs, and refuses the quick benchmark's flags.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/reference.ts';

describe('energy', () => {
  it('uses $DIFFMPC_BACKEND and reports progress per finished training run', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'diffmpc-energy-'));
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts/diffmpc.ts'), 'energy', '--epochs', '2', '--seeds', '1', '--only', 'gd-1,gd-5', '--out', out, '--run-dir', out], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, DIFFMPC_BACKEND: 'cpu' },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^backend: cpu/m);
    expect(r.stderr).toMatch(/energy \(2 solvers × 1 seeds × 2 epochs\): 50%/);
    expect(r.stderr.match(/100%/g)).toHaveLength(1);
    expect(r.stdout).not.toMatch(/±/);
    fs.rmSync(out, { recursive: true, force: true });
  }, 150_000);

  it('--workers 0 and --workers with --executor inline are usage errors naming the flag', () => {
    const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts/diffmpc.ts'), 'energy', ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
    const zero = run('--workers', '0');
    expect(zero.status).toBe(2);
    expect(zero.stderr).toMatch(/--workers: must be at least 1 \(got 0\)/);
    const both = run('--workers', '2', '--executor', 'inline');
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/--workers: applies to --executor threads only \(got --executor inline\)/);
    const typo = run('--executor', 'thread');
    expect(typo.status).toBe(2);
    expect(typo.stderr).toMatch(/--executor: unknown executor "thread"; registered: bullmq, inline, threads\. Did you mean threads\?/);
  }, 120_000);

  const cli = (args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts/diffmpc.ts'), 'energy', ...args], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 400_000,
      env: { ...process.env, DIFFMPC_BACKEND: 'cpu' },
    });

  it('--protocol dcem writes the rows, the per-seed result, the table and both PNGs', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'diffmpc-energy-protocol-'));
    const r = cli(['--protocol', 'dcem', '--updates', '3', '--only', 'gd-10', '--out', out, '--run-dir', out]);
    expect(r.status, r.stderr).toBe(0);
    const rows = fs.readFileSync(path.join(out, 'rows.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((x) => [x.protocol, x.method, x.update])).toEqual([['dcem', 'gd-10', 3]]);
    const result = JSON.parse(fs.readFileSync(path.join(out, 'result-gd-10-0.json'), 'utf8'));
    expect(result.ablation).toHaveLength(20);
    const table = JSON.parse(fs.readFileSync(path.join(out, 'energy-dcem.json'), 'utf8'));
    expect(table.rows[0]).toMatchObject({ method: 'gd-10', updates: 3 });
    for (const png of ['curves.png', 'ablation.png']) expect(fs.statSync(path.join(out, png)).size).toBeGreaterThan(1000);
    expect(r.stdout).toMatch(/gd-10 seed 0: 3 updates, train MSE .* ms\/update/);
    fs.rmSync(out, { recursive: true, force: true });
  }, 420_000);

  it('refuses flags that do not go with --protocol, and unknown protocols or methods', () => {
    expect(cli(['--protocol', 'dcem', '--epochs', '3']).stderr).toMatch(/--epochs: not used with --protocol/);
    expect(cli(['--updates', '3']).stderr).toMatch(/--updates: only used with --protocol dcem\|novas/);
    expect(cli(['--protocol', 'adam']).stderr).toMatch(/--protocol: unknown value "adam"; expected one of dcem, novas/);
    expect(cli(['--protocol', 'novas', '--only', 'gd-5']).stderr).toMatch(/--only: unknown method "gd-5"/);
  }, 420_000);
});
