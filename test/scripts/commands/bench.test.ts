// `diffmpc bench`: a bad --backends entry is named as --backends (the flag the user typed), before any
// benchmark runs.
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
});
