// Row repetition as one host op, for the fused rollout path: x `[B, d]` → `[B·N, d]` with row b·N + j = x_b
// (the b-major row layout of the rollout objective), backward dx_b = Σ_{j<N} dy_{b·N+j}. Equal in value and
// gradient to tf.tile(x.expandDims(1), [1, N, 1]).reshape([B·N, d]), but one JS loop instead of the Tile
// kernel (slow on the wasm backend at B·N in the tens of thousands). Its backward is computed on the host, so
// it is not twice differentiable: use it where a fused op is used (src/models/fused-rollout.ts).
import * as tf from '@tensorflow/tfjs';
import { assertShape } from '../tensor/check.ts';
import { applyCustomOp } from '../tensor/custom-op.ts';

/** x `[B, d]` → `[B·N, d]`, each row repeated N times consecutively. */
export function repeatRows(x: tf.Tensor, N: number): tf.Tensor {
  const dims = assertShape('repeatRows x', x, ['B', 'd']);
  if (!Number.isInteger(N) || N < 1) throw new Error(`repeatRows: N must be a positive integer (got ${N})`);
  const B = dims.B!;
  const d = dims.d!;
  return applyCustomOp((xt: tf.Tensor) => {
    const src = xt.dataSync();
    const out = new Float32Array(B * N * d);
    for (let b = 0; b < B; b++) {
      const row = src.subarray(b * d, (b + 1) * d);
      for (let j = 0; j < N; j++) out.set(row, (b * N + j) * d);
    }
    return {
      value: tf.tensor2d(out, [B * N, d], 'float32'),
      gradFunc: (dy: tf.Tensor) => {
        const g = dy.dataSync();
        const dx = new Float32Array(B * d);
        for (let b = 0; b < B; b++) {
          for (let j = 0; j < N; j++) {
            const o = (b * N + j) * d;
            for (let i = 0; i < d; i++) dx[b * d + i] = dx[b * d + i]! + g[o + i]!;
          }
        }
        return tf.tensor2d(dx, [B, d], 'float32');
      },
    };
  }, x);
}
