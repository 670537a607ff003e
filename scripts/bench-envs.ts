// Benchmark of environment stepping throughput: steps per second of each registered env with both physics
// backends ('analytic' ODE vs 'matter' rigid bodies), as a single env and as a VectorEnv of N = 64 copies
// (env-steps/s counts every copy), with random actions and resets at episode ends. Env stepping is plain
// JavaScript (no tensors), so the tensor backend does not matter here.
// Run: `npx tsx scripts/bench-envs.ts [--quick]` or `diffmpc bench envs`.
import { pathToFileURL } from 'node:url';
import { envSpec, listEnvs, make, makeVec } from '../envs/index.ts';
import { Rng } from '../src/tensor/rng.ts';
import { registerBenchSuite } from './lib/bench-suites.ts';
import { formatTable, saveReport, type Row } from './lib/report.ts';

const PHYSICS = ['analytic', 'matter'] as const;

/** `{ physics }` for envs that have the option, `{}` otherwise. */
function physicsOption(id: string, physics: string): Record<string, unknown> {
  return 'physics' in (envSpec(id)?.defaults ?? {}) ? { physics } : {};
}

/** Steps/s of one env over `steps` steps (actions pre-sampled, resets at episode ends). */
function benchSingle(id: string, physics: string, steps: number, rng: Rng): number {
  const env = make(id, physicsOption(id, physics));
  const actions = Array.from({ length: 256 }, () => env.actionSpace.sample(rng));
  env.reset({ seed: 0 });
  const t0 = performance.now();
  for (let t = 0; t < steps; t++) {
    const r = env.step(actions[t & 255]!);
    if (r.terminated || r.truncated) env.reset();
  }
  const ms = performance.now() - t0;
  env.close?.();
  return (steps / ms) * 1000;
}

/** Env-steps/s of a VectorEnv of n copies over `iters` lockstep steps. */
function benchVector(id: string, physics: string, n: number, iters: number, rng: Rng): number {
  const vec = makeVec(id, n, physicsOption(id, physics));
  const batches = Array.from({ length: 16 }, () => {
    const a = new Float32Array(n * vec.actDim);
    for (let i = 0; i < n; i++) a.set(vec.singleActionSpace.sample(rng), i * vec.actDim);
    return a;
  });
  vec.reset({ seed: 0 });
  const t0 = performance.now();
  for (let t = 0; t < iters; t++) vec.step(batches[t & 15]!);
  const ms = performance.now() - t0;
  vec.close();
  return ((n * iters) / ms) * 1000;
}

export async function benchEnvs(quick = false, outDir = 'bench-results'): Promise<string> {
  const rng = new Rng(0);
  const rows: Row[] = [];
  const N = 64;
  for (const { id, defaults } of listEnvs()) {
    // envs without a `physics` option (MountainCarContinuous-v0) have a single, analytic model
    for (const physics of 'physics' in defaults ? PHYSICS : (['analytic'] as const)) {
      const heavy = physics === 'matter';
      const steps = (quick ? 2_000 : 20_000) / (heavy ? 4 : 1);
      const iters = (quick ? 50 : 400) / (heavy ? 4 : 1);
      benchSingle(id, physics, Math.min(2_000, steps), rng); // warm-up (JIT)
      const single = benchSingle(id, physics, steps, rng);
      const vec = benchVector(id, physics, N, iters, rng);
      rows.push({ env: id, physics, 'single steps/s': Math.round(single), [`vec N=${N} env-steps/s`]: Math.round(vec), 'µs/step (single)': 1e6 / single });
    }
  }
  console.log(formatTable(rows));
  const file = saveReport('envs', rows, { quick, N, node: process.version }, outDir);
  console.log(`saved ${file}`);
  return file;
}

registerBenchSuite({
  name: 'envs',
  summary: 'env steps/s per registered env, analytic vs matter-js, single and vectorized (N = 64)',
  run: ({ quick, outDir }) => benchEnvs(quick, outDir),
});

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchEnvs(process.argv.includes('--quick'));
}
