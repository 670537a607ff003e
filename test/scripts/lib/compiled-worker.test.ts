// The pool threads' worker bundle: built into a temporary folder, it runs the built-in runners bit for bit
// like the sources inline; it is used only when fresh (every input unchanged), for the built-in runners'
// entry alone and a bundled backend, else the threads load the modules as given.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_RUNNERS_ENTRY } from '../../../scripts/api/jobs.ts';
import { buildWorkerBundle, bundleStaleness, packageRoot, threadCode } from '../../../scripts/lib/compiled-worker.ts';
import { planSweep, sweepSchema } from '../../../scripts/lib/sweep-config.ts';
import { runAll } from '../../../src/exec/collect.ts';
import { InlineExecutor } from '../../../src/exec/inline.ts';
import { PING_COMMAND } from '../../../src/exec/ping.ts';
import { ThreadsExecutor } from '../../../src/exec/threads.ts';
import { initBackend } from '../../../src/tensor/backend.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'compiled-worker-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A fake bundle folder: the bundle file and an input list naming one input file. */
function fakeBundle(name: string): { dir: string; input: string } {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  const input = path.join(dir, 'input.ts');
  fs.writeFileSync(input, 'export {};\n');
  fs.writeFileSync(path.join(dir, 'thread-worker.js'), '// bundle\n');
  fs.writeFileSync(path.join(dir, 'thread-worker.inputs.json'), JSON.stringify(['input.ts']));
  const old = new Date(Date.now() - 60_000);
  fs.utimesSync(input, old, old);
  return { dir, input };
}

describe('worker bundle freshness', () => {
  it('is fresh while no input changed; stale when one is newer, gone, or the bundle is missing', () => {
    const { dir, input } = fakeBundle('fresh');
    expect(bundleStaleness(dir)).toBeUndefined();
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(input, later, later);
    expect(bundleStaleness(dir)).toMatch(/input\.ts changed after the worker bundle was built \(npm run build\)/);
    fs.rmSync(input);
    expect(bundleStaleness(dir)).toMatch(/input\.ts \(an input of the worker bundle\) is gone/);
    expect(bundleStaleness(path.join(tmp, 'none'))).toMatch(/no worker bundle at .*npm run build writes it/);
  });

  it('stands in only for the built-in runners entry alone under wasm or cpu, and only when fresh', () => {
    const { dir, input } = fakeBundle('choice');
    const bundle = pathToFileURL(path.join(dir, 'thread-worker.js')).href;
    expect(threadCode([JOB_RUNNERS_ENTRY], 'wasm', dir)).toEqual({ entry: bundle, modules: [] });
    expect(threadCode([JOB_RUNNERS_ENTRY], 'cpu', dir)).toEqual({ entry: bundle, modules: [] });
    const user = pathToFileURL(path.join(tmp, 'my-env.mjs')).href;
    expect(threadCode([JOB_RUNNERS_ENTRY, user], 'wasm', dir)).toEqual({ modules: [JOB_RUNNERS_ENTRY, user] });
    expect(threadCode([JOB_RUNNERS_ENTRY], 'tensorflow', dir)).toEqual({ modules: [JOB_RUNNERS_ENTRY] });
    const was = process.env.DIFFMPC_WORKER_BUNDLE;
    process.env.DIFFMPC_WORKER_BUNDLE = 'off';
    try {
      expect(threadCode([JOB_RUNNERS_ENTRY], 'wasm', dir)).toEqual({ modules: [JOB_RUNNERS_ENTRY] });
    } finally {
      if (was === undefined) delete process.env.DIFFMPC_WORKER_BUNDLE;
      else process.env.DIFFMPC_WORKER_BUNDLE = was;
    }
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(input, later, later);
    expect(threadCode([JOB_RUNNERS_ENTRY], 'wasm', dir)).toEqual({ modules: [JOB_RUNNERS_ENTRY] });
  });
});

describe('worker bundle', () => {
  // inside the package, where the bundle finds its external packages and the wasm binaries (node_modules), and
  // in dist/worker, which a rebuild by another test (npm pack) leaves in place
  fs.mkdirSync(path.join(packageRoot(), 'dist', 'worker'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(packageRoot(), 'dist', 'worker', 'test-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  beforeAll(async () => {
    await initBackend('wasm');
    await buildWorkerBundle({ dir });
  }, 120_000);

  it('lists its inputs (the sources it holds) and is fresh right after the build', () => {
    const inputs = JSON.parse(fs.readFileSync(path.join(dir, 'thread-worker.inputs.json'), 'utf8')) as string[];
    const abs = inputs.map((f) => path.resolve(dir, f));
    expect(abs.some((f) => f.endsWith(path.join('scripts', 'lib', 'sweep-jobs.ts')))).toBe(true);
    expect(abs.some((f) => f.endsWith(path.join('src', 'exec', 'thread-worker.ts')))).toBe(true);
    expect(abs.some((f) => f.endsWith('package-lock.json'))).toBe(true);
    expect(bundleStaleness(dir)).toBeUndefined();
  });

  it('runs the built-in runners in pool threads bit for bit like the sources inline', async () => {
    const plan = planSweep(sweepSchema.parse({ grid: { env: 'Pendulum-v1', physics: 'analytic', solver: ['dcem', 'novas'], horizon: 5, samples: 30, iterations: 2, solverConfig: {} }, seeds: 2, maxEpisodeSteps: 12 }), '(test)');
    const jobs = [...plan.jobs, { id: 'ping', command: PING_COMMAND, config: { a: 1 }, seed: 3 }];
    const inline = await runAll(new InlineExecutor(), jobs);
    const threads = await runAll(new ThreadsExecutor({ workers: 2, entry: pathToFileURL(path.join(dir, 'thread-worker.js')), modules: [], backend: 'wasm' }), jobs);
    expect(threads).toEqual(inline);
    expect(inline.at(-1)).toEqual({ config: { a: 1 }, seed: 3 });
  }, 120_000);
});
