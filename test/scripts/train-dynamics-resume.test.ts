// Killing `diffmpc train-dynamics` mid-run and re-running it with --resume continues from the last
// checkpoint: every episode appears exactly once in metrics.jsonl and the final checkpoint covers them all.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonl } from '../../src/tensor/files.ts';
import { REPO_ROOT } from '../helpers/reference.ts';

const ARGS = ['--backend', 'cpu', '--physics', 'analytic', '--episodes', '4', '--epochs', '2', '--min-steps', '0', '--samples', '16', '--iterations', '1', '--horizon', '5', '--eval-episodes', '0', '--seed', '3'];

function start(out: string, extra: string[] = []) {
  return spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts/diffmpc.ts'), 'train-dynamics', ...ARGS, '--out', out, '--name', 'r', ...extra], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

const exit = (p: ReturnType<typeof start>) =>
  new Promise<number>((resolve) => {
    let err = '';
    p.stderr!.on('data', (d) => (err += d));
    p.on('exit', (code, signal) => {
      if (code !== 0 && signal === null) console.error(err);
      resolve(code ?? -1);
    });
  });

describe('train-dynamics --resume', () => {
  it('continues a killed run from its last checkpoint without losing or repeating episodes', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'diffmpc-resume-'));
    const ckFile = path.join(out, 'r', 'checkpoint.json');
    const first = start(out);
    const done = exit(first);
    // Kill as soon as the first checkpoint (after episode 0) exists.
    const t0 = Date.now();
    while (!fs.existsSync(ckFile) && Date.now() - t0 < 90_000) await new Promise((r) => setTimeout(r, 50));
    expect(fs.existsSync(ckFile)).toBe(true);
    first.kill('SIGKILL');
    await done;
    const before = JSON.parse(fs.readFileSync(ckFile, 'utf8')).step as number;
    expect(before).toBeGreaterThanOrEqual(1);
    expect(before).toBeLessThan(4);

    expect(await exit(start(out, ['--resume']))).toBe(0);
    const ck = JSON.parse(fs.readFileSync(ckFile, 'utf8'));
    expect(ck.step).toBe(4);
    const episodes = readJsonl<{ kind: string; episode: number }>(path.join(out, 'r', 'metrics.jsonl')).filter((m) => m.kind === 'episode' && 'controller' in m);
    expect(episodes.map((e) => e.episode)).toEqual([0, 1, 2, 3]);
    expect(ck.state.buffer.transitions.length).toBe(4 * 200);

    // Without --resume the finished run is not overwritten.
    expect(await exit(start(out))).not.toBe(0);
  }, 180_000);
});
