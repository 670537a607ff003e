// `diffmpc sweep`: threads and inline record bit-identical results for the same seeds; a re-run skips every
// finished job and runs only what is missing (added seeds, failed jobs); a sweep killed with SIGKILL
// mid-run and re-run ends with every job recorded exactly once and the finished lines untouched; CLI
// input errors exit 2 naming the file/flag and write nothing.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/tensor/backend.ts';
import { planSweep, sweepSchema } from '../../scripts/lib/sweep-config.ts';
import { readSweepRecords, runSweep } from '../../scripts/lib/sweep-run.ts';
import '../../scripts/lib/sweep-jobs.ts';
import { REPO_ROOT } from '../helpers/reference.ts';

function cli(args: string[], onSpawn?: (p: ReturnType<typeof spawn>) => void): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const p = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts/diffmpc.ts'), ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  p.stdout!.on('data', (d) => (stdout += d));
  p.stderr!.on('data', (d) => (stderr += d));
  onSpawn?.(p);
  return new Promise((resolve) => p.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'diffmpc-sweep-'));
const small = (over: Record<string, unknown> = {}) => ({ grid: { env: 'Pendulum-v1', physics: 'analytic', solver: ['dcem', 'novas'], horizon: 5, samples: 40, iterations: 2, solverConfig: {} }, seeds: 2, maxEpisodeSteps: 15, ...over });
const plan = (cfg: unknown) => planSweep(sweepSchema.parse(cfg), '(test)');
const quiet = { log: () => {}, backend: 'wasm' } as const;

beforeAll(async () => {
  await initBackend('wasm');
});

describe('sweep', () => {
  it('threads (2 workers) records the same results as inline, bit for bit', async () => {
    const p = plan(small());
    const [a, b] = [tmp(), tmp()];
    await runSweep(p, a, { ...quiet, executor: 'inline' });
    await runSweep(p, b, { ...quiet, executor: 'threads', workers: 2 });
    const results = (d: string) => Object.fromEntries(readSweepRecords(d).map((r) => [r.id, r.result]));
    expect(Object.keys(results(a)).sort()).toEqual(p.jobs.map((j) => j.id).sort());
    expect(results(b)).toEqual(results(a));
    for (const r of Object.values(results(a))) expect(r!.episodes[0]!.steps).toBe(15);
  }, 120_000);

  it('a re-run runs only what is missing: nothing when finished, the added seed when seeds grow', async () => {
    const d = tmp();
    const first = await runSweep(plan(small()), d, { ...quiet, executor: 'inline' });
    expect([first.ran, first.skipped]).toEqual([4, 0]);
    const again = await runSweep(plan(small()), d, { ...quiet, executor: 'inline' });
    expect([again.ran, again.skipped]).toEqual([0, 4]);
    const more = await runSweep(plan(small({ seeds: 3 })), d, { ...quiet, executor: 'inline' });
    expect([more.ran, more.skipped]).toEqual([2, 4]);
    const recs = readSweepRecords(d);
    expect(recs).toHaveLength(6);
    expect(new Set(recs.map((r) => r.id)).size).toBe(6);
    expect(more.cells.map((c) => [c.finished, c.stats!.n])).toEqual([[3, 3], [3, 3]]);
    expect(fs.readdirSync(path.join(d, 'cells'))).toHaveLength(6);
    const summary = JSON.parse(fs.readFileSync(path.join(d, 'summary.json'), 'utf8'));
    expect(summary.cells[0].stats.ci95).toHaveLength(2);
    expect(fs.statSync(path.join(d, 'summary.png')).size).toBeGreaterThan(1000);
  }, 120_000);

  it('refuses a second process on the same sweep directory; a stale lock (dead pid) is taken over', async () => {
    const d = tmp();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      fs.writeFileSync(path.join(d, 'sweep.lock'), String(other.pid));
      await expect(runSweep(plan(small()), d, { ...quiet, executor: 'inline' })).rejects.toThrow(`another sweep (pid ${other.pid}) is running`);
    } finally {
      other.kill('SIGKILL');
    }
    await new Promise((r) => other.on('exit', r));
    const r = await runSweep(plan(small({ seeds: 1 })), d, { ...quiet, executor: 'inline' });
    expect(r.ran).toBe(2);
    expect(fs.existsSync(path.join(d, 'sweep.lock'))).toBe(false);
  }, 120_000);

  it('marks a failing cell failed (not hung) and retries it on the next run', async () => {
    const d = tmp();
    // dcem with 40 samples and 50 elites fails at its first plan, novas runs
    const bad = { cells: [{ env: 'Pendulum-v1', physics: 'analytic', solver: 'dcem', horizon: 5, samples: 40, iterations: 2, solverConfig: { elites: 50 } }, { env: 'Pendulum-v1', physics: 'analytic', solver: 'novas', horizon: 5, samples: 40, iterations: 2 }], seeds: 1, maxEpisodeSteps: 15 };
    const r = await runSweep(plan(bad), d, { ...quiet, executor: 'threads', workers: 2, retries: 1 });
    expect(r.failed.map((f) => f.error!.message)).toEqual([expect.stringMatching(/elites/)]);
    expect(r.cells.map((c) => [c.finished, c.failed])).toEqual([[0, 1], [1, 0]]);
    expect(readSweepRecords(d).find((x) => !x.ok)!.attempts).toBe(2);
    const again = await runSweep(plan(bad), d, { ...quiet, executor: 'inline', retries: 0 });
    expect([again.ran, again.skipped, again.failed.length]).toEqual([1, 1, 1]);
  }, 120_000);

  it('after SIGKILL mid-sweep, a re-run keeps the finished lines, runs the rest, and records each job once', async () => {
    const d = tmp();
    const cfg = path.join(d, 'kill.json');
    fs.writeFileSync(cfg, JSON.stringify({ grid: { env: 'Pendulum-v1', physics: 'analytic', solver: 'novas', horizon: 5, samples: 40, iterations: 2 }, seeds: 8, maxEpisodeSteps: 60 }));
    const jsonl = path.join(d, 'out', 'kill', 'sweep.jsonl');
    const args = ['sweep', cfg, '--out', path.join(d, 'out'), '--backend', 'wasm'];
    const killed = await cli(args, (p) => {
      const t = setInterval(() => {
        if (fs.existsSync(jsonl) && fs.readFileSync(jsonl, 'utf8').split('\n').length > 2) {
          clearInterval(t);
          p.kill('SIGKILL');
        }
      }, 20);
      p.on('exit', () => clearInterval(t));
    });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    const before = fs.readFileSync(jsonl, 'utf8');
    const finishedBefore = readSweepRecords(path.dirname(jsonl)).length;
    expect(finishedBefore).toBeGreaterThanOrEqual(2);
    expect(finishedBefore).toBeLessThan(8);
    const rerun = await cli(args);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toContain(`${finishedBefore} already finished, ${8 - finishedBefore} to run`);
    const after = fs.readFileSync(jsonl, 'utf8');
    expect(after.startsWith(before.slice(0, before.lastIndexOf('\n') + 1))).toBe(true);
    const recs = readSweepRecords(path.dirname(jsonl));
    expect(recs).toHaveLength(8);
    expect(new Set(recs.map((r) => r.id)).size).toBe(8);
    expect(recs.every((r) => r.ok)).toBe(true);
  }, 180_000);
});

describe('sweep stop signals', () => {
  it.each([
    ['SIGTERM', 143, /terminated: .* keeps every finished job; continue with: diffmpc sweep/],
    ['SIGINT', 130, /interrupted: .* keeps every finished job; continue with: diffmpc sweep/],
  ] as const)('%s stops a threads sweep (exit %i) keeping finished jobs; the re-run completes it', async (sig, code, msg) => {
    const d = tmp();
    const cfg = path.join(d, 'stop.json');
    fs.writeFileSync(cfg, JSON.stringify({ grid: { env: 'Pendulum-v1', physics: 'analytic', solver: 'novas', horizon: 5, samples: 40, iterations: 2 }, seeds: 8, maxEpisodeSteps: 60 }));
    const jsonl = path.join(d, 'out', 'stop', 'sweep.jsonl');
    const args = ['sweep', cfg, '--out', path.join(d, 'out'), '--backend', 'wasm', '--executor', 'threads', '--workers', '2'];
    const stopped = await cli(args, (p) => {
      const t = setInterval(() => {
        if (fs.existsSync(jsonl)) {
          clearInterval(t);
          p.kill(sig);
        }
      }, 20);
      p.on('exit', () => clearInterval(t));
    });
    expect(stopped.code, stopped.stderr).toBe(code);
    expect(stopped.stderr).toMatch(msg);
    const n = readSweepRecords(path.dirname(jsonl)).length;
    const rerun = await cli(args);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toContain(`${n} already finished, ${8 - n} to run`);
    expect(new Set(readSweepRecords(path.dirname(jsonl)).map((r) => r.id)).size).toBe(8);
    expect(readSweepRecords(path.dirname(jsonl))).toHaveLength(8);
  }, 180_000);
});

describe('sweep CLI errors', () => {
  it('a bad config exits 2 naming the file and field, and writes nothing', async () => {
    const d = tmp();
    const cfg = path.join(d, 'bad.json');
    fs.writeFileSync(cfg, JSON.stringify({ grid: { horizon: 0 } }));
    const r = await cli(['sweep', cfg, '--out', path.join(d, 'out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/diffmpc sweep: config .*bad\.json: grid\.horizon/);
    expect(fs.existsSync(path.join(d, 'out'))).toBe(false);
  }, 60_000);

  it('flags: an unknown executor, --workers under inline, a missing CONFIG, --seed', async () => {
    const [exec, workers, none, seed] = await Promise.all([cli(['sweep', 'x.json', '--executor', 'gpu']), cli(['sweep', 'x.json', '--workers', '2', '--executor', 'inline']), cli(['sweep']), cli(['sweep', 'x.json', '--seed', '3'])]);
    expect(seed.code).toBe(2);
    expect(seed.stderr).toMatch(/--seed: a sweep takes its seeds from the config/);
    expect(exec.code).toBe(2);
    expect(exec.stderr).toMatch(/--executor.*bullmq, inline, threads/);
    expect(workers.code).toBe(2);
    expect(workers.stderr).toMatch(/--workers: applies to --executor threads only/);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/give the sweep config file/);
  }, 60_000);
});

describe('sweep --import', () => {
  it('a user env registered by the config\'s import key runs in the pool threads', async () => {
    const d = tmp();
    fs.writeFileSync(path.join(d, 'pend.mjs'), `import { register } from ${JSON.stringify(path.join(REPO_ROOT, 'envs/registry.ts'))};\nimport { PendulumEnv } from ${JSON.stringify(path.join(REPO_ROOT, 'envs/pendulum.ts'))};\nregister('SweepPendulum-v0', (o) => new PendulumEnv(o), { maxEpisodeSteps: 100, physics: 'analytic', g: 10, m: 1, l: 1, substeps: 4 });\n`);
    const cfg = path.join(d, 'user.json');
    fs.writeFileSync(cfg, JSON.stringify({ import: './pend.mjs', grid: { env: 'SweepPendulum-v0', solver: 'novas', horizon: 5, samples: 40, iterations: 2 }, seeds: 2, maxEpisodeSteps: 10 }));
    const r = await cli(['sweep', cfg, '--out', path.join(d, 'out'), '--backend', 'wasm', '--executor', 'threads', '--workers', '2']);
    expect(r.code, r.stderr).toBe(0);
    const recs = readSweepRecords(path.join(d, 'out', 'user'));
    expect(recs.map((x) => [x.ok, x.result?.episodes[0]!.steps])).toEqual([[true, 10], [true, 10]]);
  }, 120_000);
});
