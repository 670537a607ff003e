// `Ops` on tfjs tensors: batched columns `[R]` (a state component over all rows) and scalars (parameters,
// usually tf.Variables), broadcast elementwise. The differentiable twin of a system runs its definition on
// these, so tfjs autodiff gives derivatives of any order. Callers run inside tf.tidy.
import * as tf from '@tensorflow/tfjs';
import type { Ops, Val } from './ops.ts';

const lift = (a: Val<tf.Tensor>): tf.Tensor => (typeof a === 'number' ? tf.scalar(a) : a);

export const tensorOps: Ops<tf.Tensor> = {
  const: (c) => tf.scalar(c),
  add: (a, b) => tf.add(lift(a), lift(b)),
  sub: (a, b) => tf.sub(lift(a), lift(b)),
  mul: (a, b) => tf.mul(lift(a), lift(b)),
  div: (a, b) => tf.div(lift(a), lift(b)),
  neg: (a) => tf.neg(lift(a)),
  sin: (a) => tf.sin(lift(a)),
  cos: (a) => tf.cos(lift(a)),
  tanh: (a) => tf.tanh(lift(a)),
  exp: (a) => tf.exp(lift(a)),
  log: (a) => tf.log(lift(a)),
  sqrt: (a) => tf.sqrt(lift(a)),
  square: (a) => tf.square(lift(a)),
  abs: (a) => tf.abs(lift(a)),
  min: (a, b) => tf.minimum(lift(a), lift(b)),
  max: (a, b) => tf.maximum(lift(a), lift(b)),
  atan2: (y, x) => tf.atan2(lift(y), lift(x)),
  clip: (x, lo, hi) => tf.clipByValue(lift(x), lo, hi),
  select: (c, a, b) => {
    const at = lift(a);
    const bt = lift(b);
    const ct = tf.greater(lift(c), 0);
    const shape = tf.broadcast_util.assertAndGetBroadcastShape(tf.broadcast_util.assertAndGetBroadcastShape(ct.shape, at.shape), bt.shape);
    return tf.where(tf.broadcastTo(ct, shape), tf.broadcastTo(at, shape), tf.broadcastTo(bt, shape));
  },
};
