// `diffmpc bench`: a bad --backends entry is named as --backends (the flag the user typed), before any
// benchmark runs; --workers/--executor are refused by name for a suite without independent pieces, and the
// help lists which suites take them.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/reference.ts';

describe('bench', () => {
  it('names --backends for an unknown backend', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts/diffmpc.ts'), 'bench', 'linalg', '--backends', 'cpu,nonsense'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^--backends: unknown backend "nonsense"/m);
    expect(r.stderr).not.toMatch(/--backend:/);
  }, 90_000);

  it('refuses --workers for a suite that runs in this process only; the help marks the suites that take it', () => {
    const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts/diffmpc.ts'), 'bench', ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
    const r = run('linalg', '--workers', '2');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--workers: suite "linalg" runs in this process only; suites with independent pieces: l2o, quality/);
    const bad = run('quality', '--executor', 'gpu');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--executor: unknown executor "gpu"; registered: bullmq, inline, threads/);
    const help = run('--help');
    expect(help.stdout).toMatch(/^  quality .*\[--workers: episodes/m);
    expect(help.stdout).toMatch(/^  --workers N .*implies --executor threads/m);
  }, 150_000);
});
