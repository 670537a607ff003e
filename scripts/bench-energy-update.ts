// A/B timing of one training update of the energy regression (src/train/energy-protocol.ts) on the paper's
// network: the generic solvers against the fused ops (src/train/energy-dcem-fused.ts,
// src/train/energy-gd-fused.ts, src/train/energy-novas-fused.ts), alternating blocks in one process so all
// see the same machine load. An update is the protocol's: loss on B points (gd-10 and dcem: --batch, default
// 1 as the DCEM protocol; novas: --novas-batch, default 10 as the NOVAS protocol), tf.variableGrads, clip
// ‖g‖ ≤ 1, Adam. 'novas fused ×T' is the fused op with its network passes on T threads (src/train/energy-shards.ts);
// '(tfjs softplus)' is the fused op with the DiffmpcSoftplus kernel switched off (src/tensor/softplus-kernel.ts).
// Prints ms/update (median over blocks), tfjs kernels per update (this thread's) and the 1-minute load, and
// saves the table as bench-results/energy-update.json.
// Run: `npx tsx scripts/bench-energy-update.ts [--backend wasm] [--blocks 5] [--per-block 10] [--batch 1] [--novas-batch 10] [--threads 2] [--only novas]`.
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/tensor/backend.ts';
import { Rng } from '../src/tensor/rng.ts';
import { dcemPredict, gdPredict, novasPredict } from '../src/train/energy-protocol.ts';
import { EnergyNet } from '../src/train/energy-regression.ts';
import { EnergyShards } from '../src/train/energy-shards.ts';
import { SOFTPLUS_KERNEL_FLAG } from '../src/tensor/softplus-kernel.ts';
import { clipGlobalNorm } from '../src/train/grad-clip.ts';
import { machineLoad } from './lib/machine-load.ts';
import { formatTable, saveReport } from './lib/report.ts';

const { values } = parseArgs({
  options: { backend: { type: 'string', default: 'wasm' }, blocks: { type: 'string', default: '5' }, 'per-block': { type: 'string', default: '10' }, batch: { type: 'string', default: '1' }, 'novas-batch': { type: 'string', default: '10' }, threads: { type: 'string', default: '2' }, only: { type: 'string' }, out: { type: 'string', default: 'bench-results' } },
});
const info = await initBackend(values.backend);
const blocks = Number(values.blocks);
const perBlock = Number(values['per-block']);
const B = Number(values.batch);
const novasB = Number(values['novas-batch']);
const threads = Number(values.threads);
for (const [k, v] of [['--blocks', blocks], ['--per-block', perBlock], ['--batch', B], ['--novas-batch', novasB], ['--threads', threads]] as const) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${k}: expected a positive integer (got ${v})`);
}
const loadStart = machineLoad();
console.log(`backend ${info.name}; batch ${B} (novas ${novasB}); ${blocks} blocks × ${perBlock} updates per variant; load ${loadStart} at start`);
const shards = threads > 1 ? await EnergyShards.start({ threads, backend: info.name }) : undefined;

type Variant = { name: string; batch: number; predict: (net: EnergyNet, x: tf.Tensor, rng: Rng) => tf.Tensor; softplusKernel?: false };
const all: Variant[] = [
  { name: 'dcem generic', batch: B, predict: (net, x, rng) => dcemPredict(net, x, 10, rng, 100, { fused: false }) },
  { name: 'dcem fused (tfjs softplus)', batch: B, predict: (net, x, rng) => dcemPredict(net, x, 10, rng, 100), softplusKernel: false },
  { name: 'dcem fused', batch: B, predict: (net, x, rng) => dcemPredict(net, x, 10, rng, 100) },
  { name: 'gd-10 generic', batch: B, predict: (net, x) => gdPredict(net, x, 10, { fused: false }) },
  { name: 'gd-10 fused', batch: B, predict: (net, x) => gdPredict(net, x, 10) },
  { name: 'novas generic', batch: novasB, predict: (net, x, rng) => novasPredict(net, x, 10, rng, 100, { fused: false }) },
  { name: 'novas fused (tfjs softplus)', batch: novasB, predict: (net, x, rng) => novasPredict(net, x, 10, rng, 100), softplusKernel: false },
  { name: 'novas fused', batch: novasB, predict: (net, x, rng) => novasPredict(net, x, 10, rng, 100) },
  ...(shards ? [{ name: `novas fused ×${threads}`, batch: novasB, predict: (net: EnergyNet, x: tf.Tensor, rng: Rng) => novasPredict(net, x, 10, rng, 100, { shards }) }] : []),
];
const variants = all.filter((v) => !values.only || values.only.split(',').some((m) => v.name.startsWith(m.trim())));
if (variants.length === 0) throw new Error(`--only: no variant starts with "${values.only}" (variants: dcem, gd-10, novas)`);
const points = (n: number) => {
  const xs = Float32Array.from({ length: n }, (_, i) => (2 * Math.PI * (i + 0.5)) / n);
  return { x: tf.tensor1d(xs), y: tf.tensor1d(xs.map((v) => v * Math.sin(v))) };
};
const setups = variants.map((v) => {
  const net = new EnergyNet({ hidden: [128, 128, 128], rng: new Rng(1), init: 'torch' });
  return { v, net, opt: tf.train.adam(1e-3), rng: new Rng(2), ms: [] as number[], kernels: 0, ...points(v.batch) };
});
const update = (s: (typeof setups)[number]): void => {
  tf.env().set(SOFTPLUS_KERNEL_FLAG, s.v.softplusKernel !== false);
  const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(tf.sub(s.v.predict(s.net, s.x, s.rng), s.y))) as tf.Scalar, s.net.variables());
  const c = clipGlobalNorm(grads, 1);
  s.opt.applyGradients(c.grads as unknown as Parameters<typeof s.opt.applyGradients>[0]);
  tf.dispose([value, c.norm, ...Object.values(c.grads)]);
};
for (const s of setups) {
  for (let i = 0; i < 3; i++) update(s);
  s.kernels = (await tf.profile(() => update(s))).kernels.length;
}
for (let b = 0; b < blocks; b++) {
  for (const s of setups) {
    const t0 = performance.now();
    for (let i = 0; i < perBlock; i++) update(s);
    s.ms.push((performance.now() - t0) / perBlock);
  }
}
shards?.dispose();
const median = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)]!;
const rows = setups.map((s) => ({ variant: s.v.name, batch: s.v.batch, 'ms/update': Number(median(s.ms).toFixed(1)), blocks: s.ms.map((m) => m.toFixed(0)).join(' '), kernels: s.kernels }));
console.log(formatTable(rows));
const loadEnd = machineLoad();
console.log(`load ${loadEnd} at end`);
console.log(`saved ${saveReport('energy-update', rows, { backend: info.name, blocks, perBlock, threads, loadStart, loadEnd }, values.out)}`);
