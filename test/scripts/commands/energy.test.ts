// `diffmpc energy`: $DIFFMPC_BACKEND is honoured (no --backend), progress is reported while training, and
// a one-seed table prints no "± 0" spread.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/reference.ts';

describe('energy', () => {
  it('uses $DIFFMPC_BACKEND and reports progress', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'diffmpc-energy-'));
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts/diffmpc.ts'), 'energy', '--epochs', '2', '--seeds', '1', '--only', 'gd-1', '--out', out, '--run-dir', out], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, DIFFMPC_BACKEND: 'cpu' },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^backend: cpu/m);
    expect(r.stderr).toMatch(/energy \(1 solvers × 1 seeds × 2 epochs\): 50%/);
    expect(r.stderr.match(/100%/g)).toHaveLength(1);
    expect(r.stdout).not.toMatch(/±/);
    fs.rmSync(out, { recursive: true, force: true });
  }, 150_000);
});
