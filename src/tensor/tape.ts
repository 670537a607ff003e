// How many gradient tapes are recording right now (tfjs' engine state): 0 outside tf.grad / tf.variableGrads /
// optimizer.minimize, 1 inside one, 2 inside a gradient of a gradient. Ops use it to take a cheaper path that
// computes the same values when no gradient will be asked of them (e.g. MPC.act), or to refuse a path whose
// backward is not itself differentiable under a nested gradient.
import * as tf from '@tensorflow/tfjs';

export function tapeDepth(): number {
  return tf.engine().state.gradientDepth;
}
