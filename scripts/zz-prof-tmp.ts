import * as tf from '@tensorflow/tfjs';
import os from 'node:os';
import { initBackend } from '../src/tensor/backend.ts';
import '../src/solvers/dcem.ts';
import { MPC } from '../controllers/mpc.ts';
import { pendulumModel } from '../src/models/pendulum.ts';
const backend = process.argv[2] ?? 'wasm';
const B = Number(process.argv[3] ?? 1);
await initBackend(backend, { quiet: true });
const { dynamics, cost } = pendulumModel();
const mpc = new MPC({ model: dynamics, cost, horizon: 20, solver: 'dcem', bounds: [-2, 2], iterations: 5, samples: 500, seed: 0 });
const obs = new Float32Array(3 * B); for (let b = 0; b < B; b++) obs.set([Math.cos(b), Math.sin(b), 0.5], 3 * b);
for (let i = 0; i < 3; i++) mpc.actBatch(obs);
const n = B > 1 ? 5 : 30; const ts: number[] = [];
for (let i = 0; i < n; i++) { const t0 = performance.now(); mpc.actBatch(obs); ts.push(performance.now() - t0); }
ts.sort((a, b) => a - b);
console.log(process.cwd().includes('exp') ? 'patched' : 'main   ', backend, 'B', B, 'median ms/step', ts[n >> 1]!.toFixed(2), 'min', ts[0]!.toFixed(2), 'load', os.loadavg()[0]);
