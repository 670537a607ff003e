// Ctrl-C (SIGINT) stops `diffmpc train-dynamics` between steps: exit code 130, a hint with the exact
// command that continues the run, and a metrics file that reads cleanly and matches the checkpoint; the
// printed command then finishes the run with every episode logged once.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonlRecords } from '../../src/tensor/files.ts';
import { REPO_ROOT } from '../helpers/reference.ts';

const EPISODES = 20;

function start(args: string[]) {
  const p = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts/diffmpc.ts'), ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  p.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) => p.on('exit', (code) => resolve({ code, stderr })));
  return { p, done };
}

describe('SIGINT', () => {
  it('stops train-dynamics, prints how to resume, exits 130 and keeps the metrics intact', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'diffmpc-sigint-'));
    const cfg = path.join(out, 'tiny.json');
    fs.writeFileSync(cfg, JSON.stringify({ episodeSteps: 30, hidden: [16] }));
    const args = ['train-dynamics', '--backend', 'cpu', '--physics', 'analytic', '--episodes', String(EPISODES), '--epochs', '3', '--min-steps', '0', '--samples', '8', '--iterations', '1', '--horizon', '3', '--eval-episodes', '0', '--seed', '2', '--config', cfg, '--out', out, '--name', 'r'];
    const run = start(args);
    const ckFile = path.join(out, 'r', 'checkpoint.json');
    const t0 = Date.now();
    while (!fs.existsSync(ckFile) && Date.now() - t0 < 90_000) await new Promise((r) => setTimeout(r, 20));
    run.p.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(130);
    const hint = r.stderr.match(/continue with: (diffmpc train-dynamics .*--resume)/);
    expect(hint, r.stderr).not.toBeNull();
    expect(hint![1]).toBe(`diffmpc train-dynamics --name r --out ${out} --resume`);
    const ck = JSON.parse(fs.readFileSync(ckFile, 'utf8'));
    expect(ck.step).toBeLessThan(EPISODES);
    const m = readJsonlRecords<{ episode: number }>(path.join(out, 'r', 'metrics.jsonl'));
    expect(m.tornBytes).toBe(0);
    expect(m.records.map((x) => x.episode)).toEqual(Array.from({ length: ck.step }, (_, i) => i));

    // The printed command (plus the test's backend) continues the run to the end.
    const resumed = start(['train-dynamics', '--name', 'r', '--out', out, '--resume']);
    const rr = await resumed.done;
    expect(rr.code, rr.stderr).toBe(0);
    const all = readJsonlRecords<{ kind: string; episode: number }>(path.join(out, 'r', 'metrics.jsonl')).records.filter((x) => x.kind === 'episode');
    expect(all.map((x) => x.episode)).toEqual(Array.from({ length: EPISODES }, (_, i) => i));
    fs.rmSync(out, { recursive: true, force: true });
  }, 240_000);
});
