// Crash consistency of run directories: `diffmpc train-dynamics` is SIGKILLed at random points (a random
// number of metrics lines written, plus a random delay) and continued with --resume, over and over, until it
// finishes. After each kill the metrics file must read cleanly (only a torn last line is tolerated) and
// every record present at a kill must be in the finished file exactly once (ignoring timestamps: records
// logged after the last checkpoint are re-logged by the resumed run, identically since every draw is
// seeded); the finished run must equal an uninterrupted one with the same seed record for record.
// Cost: bounded by KILLS (default 20, env DIFFMPC_CRASH_KILLS) and a time budget; tiny settings.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonlRecords } from '../../src/tensor/files.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { REPO_ROOT } from '../helpers/reference.ts';

const KILLS = Number(process.env.DIFFMPC_CRASH_KILLS ?? 20);
const BUDGET_MS = 60_000;
const ARGS = ['--backend', 'cpu', '--physics', 'analytic', '--episodes', '6', '--epochs', '3', '--min-steps', '0', '--samples', '8', '--iterations', '1', '--horizon', '3', '--eval-episodes', '1', '--seed', '5'];

function start(out: string, name: string, extra: string[]): ChildProcess {
  const cfg = path.join(out, 'tiny.json');
  if (!fs.existsSync(cfg)) fs.writeFileSync(cfg, JSON.stringify({ episodeSteps: 30, hidden: [16] }));
  return spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts/diffmpc.ts'), 'train-dynamics', ...ARGS, '--config', cfg, '--out', out, '--name', name, ...extra], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

function exited(p: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = '';
  p.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve) => p.on('exit', (code, signal) => resolve({ code, signal, stderr })));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const lineCount = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8').split('\n').length - 1 : 0);
/** A record without its timestamp, as a comparable string. */
const key = (r: Record<string, unknown>) => JSON.stringify({ ...r, time: undefined });

describe('run directory crash consistency', () => {
  it('SIGKILL at random points + --resume loses no metrics line, repeats none, and ends as an uninterrupted run', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'diffmpc-crash-'));
    const refDone = exited(start(out, 'ref', []));
    const metrics = path.join(out, 'k', 'metrics.jsonl');
    const rng = new Rng(2026);
    const seen: string[][] = [];
    let kills = 0;
    let finished = false;
    const t0 = Date.now();
    // The uninterrupted run writes 6 episode lines + 31 eval lines + 1 eval + 1 system-id line.
    const expectedLines = 39;
    for (let attempt = 0; attempt < 40 && !finished; attempt++) {
      const killing = kills < KILLS && Date.now() - t0 < BUDGET_MS;
      const p = start(out, 'k', attempt === 0 ? [] : ['--resume']);
      const done = exited(p);
      if (killing) {
        const target = rng.int(expectedLines + 1);
        const extraMs = rng.int(120);
        let ended = false;
        done.then(() => (ended = true));
        const w0 = Date.now();
        while (!ended && lineCount(metrics) < target && Date.now() - w0 < 30_000) await sleep(3);
        await sleep(extraMs);
        if (!ended) {
          p.kill('SIGKILL');
          kills++;
        }
      }
      const r = await done;
      if (r.signal === 'SIGKILL') {
        // The file reads strictly (a torn last line at most), and never holds more than one copy of a record.
        const { records } = readJsonlRecords<Record<string, unknown>>(metrics);
        const keys = records.map(key);
        expect(new Set(keys).size).toBe(keys.length);
        seen.push(keys);
        continue;
      }
      if (r.code !== 0) throw new Error(`run exited with ${r.code}:\n${r.stderr}`);
      finished = true;
    }
    expect(finished).toBe(true);
    const ref = await refDone;
    if (ref.code !== 0) throw new Error(`reference run exited with ${ref.code}:\n${ref.stderr}`);
    const final = readJsonlRecords<Record<string, unknown>>(metrics).records.map(key);
    const reference = readJsonlRecords<Record<string, unknown>>(path.join(out, 'ref', 'metrics.jsonl')).records.map(key);
    expect(reference).toHaveLength(expectedLines);
    for (const keys of seen) for (const k of keys) expect(final.filter((f) => f === k)).toHaveLength(1);
    expect(final).toEqual(reference);
    const ck = JSON.parse(fs.readFileSync(path.join(out, 'k', 'checkpoint.json'), 'utf8'));
    expect(ck.step).toBe(6);
    console.log(`crash consistency: ${kills} SIGKILLs, ${seen.reduce((a, s) => a + s.length, 0)} records checked, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    expect(kills).toBeGreaterThan(0);
    fs.rmSync(out, { recursive: true, force: true });
  }, 240_000);
});
