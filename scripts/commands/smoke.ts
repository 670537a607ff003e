// `diffmpc smoke`: picks the tensor backend, solves a batch of SPD and general linear systems through the
// differentiable Float64 ops, checks residuals and gradients, and prints what it used.
import * as tf from '@tensorflow/tfjs';
import { choleskySolve, luSolve } from '../../src/linalg/ops.ts';
import { describeBackend, initBackend } from '../../src/tensor/backend.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { parseSeed, registerCommand } from '../cli.ts';

export async function smoke(backend: string | undefined, seed: number): Promise<number> {
  const choice = await initBackend(backend);
  console.log(describeBackend(choice));
  const rng = new Rng(seed);
  const B = 256;
  const n = 8;
  const report = tf.tidy(() => {
    const M = rng.normalTensor([B, n, n]);
    const A = tf.add(tf.matMul(M, M, false, true), tf.mul(tf.eye(n).expandDims(0), n));
    const G = tf.add(rng.normalTensor([B, n, n]), tf.mul(tf.eye(n).expandDims(0), 3));
    const b = rng.normalTensor([B, n, 1]);
    const x = choleskySolve(A, b);
    const y = luSolve(G, b);
    const res = (K: tf.Tensor, z: tf.Tensor) => tf.max(tf.abs(tf.sub(tf.matMul(K, z), b))).dataSync()[0]!;
    const [gA] = tf.grads((a: tf.Tensor) => choleskySolve(a, b).sum())([A]);
    return { chol: res(A, x), lu: res(G, y), gradFinite: tf.all(tf.isFinite(gA!)).dataSync()[0] === 1 };
  });
  console.log(`solved ${B} SPD systems (Cholesky) and ${B} general systems (LU), n = ${n}`);
  console.log(`max residual |A x - b|: cholesky ${report.chol.toExponential(2)}, lu ${report.lu.toExponential(2)} (float32 tensors, Float64 core)`);
  console.log(`gradient through choleskySolve finite: ${report.gradFinite}`);
  const ok = report.chol < 1e-3 && report.lu < 1e-3 && report.gradFinite;
  console.log(ok ? 'smoke run OK' : 'smoke run FAILED');
  return ok ? 0 : 1;
}

registerCommand({
  name: 'smoke',
  summary: 'pick the backend, solve a batch of linear systems, print what was used',
  maxPositionals: 0,
  run: ({ values }) => smoke(values.backend as string | undefined, parseSeed(values.seed)),
});
