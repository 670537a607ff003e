// `diffmpc train-dynamics` evaluation through the executor: the same small run with `--workers 2` logs the
// same evaluation record (learned model and twin, every episode's return) and the same per-episode metrics as
// inline; flag errors name the flag before anything is written.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonl } from '../../src/tensor/files.ts';
import { REPO_ROOT } from '../helpers/reference.ts';

const ARGS = ['--backend', 'wasm', '--physics', 'analytic', '--episodes', '2', '--random-episodes', '1', '--episode-steps', '15', '--epochs', '2', '--min-steps', '0', '--samples', '16', '--iterations', '1', '--horizon', '5', '--eval-episodes', '2', '--seed', '3'];

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts/diffmpc.ts'), 'train-dynamics', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  p.stdout!.on('data', (d) => (stdout += d));
  p.stderr!.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => p.kill('SIGKILL'), 240_000);
  return new Promise((resolve) => p.on('exit', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr }))));
}

type Rec = Record<string, unknown> & { kind?: string; phase?: string };

describe('train-dynamics evaluation pieces', () => {
  it('--workers 2 logs the same evaluation as inline, bit for bit', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'diffmpc-td-workers-'));
    const [a, b] = await Promise.all([cli([...ARGS, '--out', out, '--name', 'inline']), cli([...ARGS, '--out', out, '--name', 'threads', '--workers', '2'])]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const recs = (name: string) => readJsonl<Rec>(path.join(out, name, 'metrics.jsonl'));
    const evalOf = (name: string) => recs(name).find((r) => r.kind === 'eval')!;
    const episodes = (name: string) => recs(name).filter((r) => r.phase === 'eval').map(({ time: _, ...r }) => r);
    expect(evalOf('threads').returns).toEqual(evalOf('inline').returns);
    expect(evalOf('threads').twinReturns).toEqual(evalOf('inline').twinReturns);
    expect(evalOf('inline').returns).toHaveLength(2);
    expect((evalOf('inline').returns as number[])[0]).not.toBe((evalOf('inline').returns as number[])[1]); // two starts
    expect(episodes('threads')).toEqual(episodes('inline'));
    expect(episodes('inline')).toHaveLength(2 * 15 + 2); // per episode: 15 step records and its summary
    fs.rmSync(out, { recursive: true, force: true });
  }, 300_000);

  it('--workers with --executor inline is a usage error naming the flag, and nothing is written', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'diffmpc-td-flags-'));
    const r = await cli([...ARGS, '--out', out, '--name', 'x', '--workers', '2', '--executor', 'inline']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--workers: applies to --executor threads only \(got --executor inline\)/);
    expect(fs.readdirSync(out)).toEqual([]);
    fs.rmSync(out, { recursive: true, force: true });
  }, 120_000);
});
