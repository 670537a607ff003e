// `diffmpc run --resume`: a run of 2 episodes extended to 3 with `--name X --resume --episodes 3` ends with
// the same metrics as an uninterrupted 3-episode run (ignoring timestamps and timings); --resume of a run
// that does not exist is an error that names the folder and leaves nothing behind; an unknown env or solver
// leaves no run directory behind.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonlRecords } from '../../src/tensor/files.ts';
import { REPO_ROOT } from '../helpers/reference.ts';

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts/diffmpc.ts'), ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  p.stdout.on('data', (d) => (stdout += d));
  p.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => p.on('exit', (code) => resolve({ code, stdout, stderr })));
}

const comparable = (f: string) => readJsonlRecords<Record<string, unknown>>(f).records.map((r) => JSON.stringify({ ...r, time: undefined, actMsMedian: undefined }));

describe('run --resume', () => {
  it('extends a finished run to more episodes exactly as an uninterrupted run', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'diffmpc-run-resume-'));
    const base = ['run', '--backend', 'cpu', '--physics', 'analytic', '--samples', '60', '--iterations', '1', '--horizon', '3', '--max-episode-steps', '15', '--no-gif', '--out', out];
    const [ref, short] = await Promise.all([cli([...base, '--episodes', '3', '--name', 'ref']), cli([...base, '--episodes', '2', '--name', 'a'])]);
    expect(ref.code, ref.stderr).toBe(0);
    expect(short.code, short.stderr).toBe(0);
    const again = await cli(['run', '--out', out, '--name', 'a']);
    expect(again.code).not.toBe(0);
    const more = await cli(['run', '--out', out, '--name', 'a', '--resume', '--episodes', '3']);
    expect(more.code, more.stderr).toBe(0);
    expect(more.stdout).toMatch(/resuming after 2 finished episode\(s\) of 3/);
    expect(comparable(path.join(out, 'a', 'metrics.jsonl'))).toEqual(comparable(path.join(out, 'ref', 'metrics.jsonl')));
    const fewer = await cli(['run', '--out', out, '--name', 'a', '--resume', '--episodes', '1']);
    expect(fewer.stderr).toMatch(/episodes: 3 \(run\) vs 1 \(now\)/);

    const missing = await cli(['run', '--out', out, '--name', 'nope', '--resume']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no run to resume in .*nope.*drop --resume/);
    expect(fs.existsSync(path.join(out, 'nope'))).toBe(false);
    const badEnv = await cli(['run', '--out', out, '--name', 'bad', '--env', 'Nope-v0']);
    expect(badEnv.stderr).toMatch(/--env: unknown env "Nope-v0"/);
    const badSolver = await cli(['run', '--out', out, '--name', 'bad', '--solver', 'nope']);
    expect(badSolver.stderr).toMatch(/unknown solver "nope"/);
    expect(fs.existsSync(path.join(out, 'bad'))).toBe(false);
    fs.rmSync(out, { recursive: true, force: true });
  }, 240_000);
});
