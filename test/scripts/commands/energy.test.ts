// `diffmpc energy`: $DIFFMPC_BACKEND is honoured (no --backend), progress is reported while training, and
// a one-seed table prints no "± 0" spread; --workers is validated by name.
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
    expect(typo.stderr).toMatch(/--executor: unknown executor "thread"; registered: inline, threads\. Did you mean threads\?/);
  }, 120_000);
});
