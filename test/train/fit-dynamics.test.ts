// Learned dynamics: fitting an MLP on pendulum transitions lowers the one-step error, and system
// identification of the twin recovers mass and length from the same data.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MLPDynamics } from '../../src/models/mlp-dynamics.ts';
import { compileSystem } from '../../src/models/system/compile.ts';
import { pendulumSystem } from '../../envs/pendulum.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { fitDynamics, fitEpochs, oneStepError } from '../../src/train/fit-dynamics.ts';
import { ReplayBuffer } from '../../policies/replay-buffer.ts';
import { identifySystem } from '../../src/train/system-id.ts';
import { useTestBackend } from '../helpers/backend.ts';

beforeAll(useTestBackend);

/** Transitions of the true twin from random states and torques. */
function pendulumData(n: number, seed: number): ReplayBuffer {
  const rng = new Rng(seed);
  const truth = compileSystem(pendulumSystem).dynamics;
  const buf = new ReplayBuffer(n, 3, 1);
  const X = Array.from({ length: n }, () => {
    const th = rng.uniformIn(-Math.PI, Math.PI);
    return [Math.cos(th), Math.sin(th), rng.uniformIn(-6, 6)];
  });
  const U = Array.from({ length: n }, () => [rng.uniformIn(-2, 2)]);
  const next = tf.tidy(() => truth.step(tf.tensor(X), tf.tensor(U)).arraySync()) as number[][];
  X.forEach((x, i) => buf.add({ obs: x, action: U[i]!, reward: 0, nextObs: next[i]!, done: false }));
  tf.dispose(truth.variables());
  return buf;
}

describe('fitDynamics', () => {
  it('reduces the one-step prediction error by orders of magnitude', () => {
    const buf = pendulumData(400, 1);
    const model = new MLPDynamics({ stateDim: 3, actionDim: 1, hidden: [32, 32], rng: new Rng(2) });
    const before = oneStepError(model, buf);
    const losses = fitDynamics(model, buf, { epochs: 40, batchSize: 64, learningRate: 3e-3, rng: new Rng(3) });
    const after = oneStepError(model, buf);
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! / 5);
    expect(after).toBeLessThan(before / 20);
    model.members.forEach((m) => m.dispose());
  });

  it('is reproducible from a seed and supports ensembles', () => {
    const buf = pendulumData(100, 4);
    const run = () => {
      const m = new MLPDynamics({ stateDim: 3, actionDim: 1, hidden: [8], ensemble: 2, rng: new Rng(5) });
      const l = fitDynamics(m, buf, { epochs: 2, rng: new Rng(6) });
      m.members.forEach((x) => x.dispose());
      return l;
    };
    expect(run()).toEqual(run());
  });
});

describe('fitEpochs (the gradient-step floor of a refit)', () => {
  it('raises the epoch count so that a small buffer still gets minSteps Adam steps', () => {
    expect(fitEpochs(200, { epochs: 30, batchSize: 64 })).toEqual({ epochs: 30, stepsPerEpoch: 4 });
    expect(fitEpochs(200, { epochs: 30, batchSize: 64, minSteps: 2000 })).toEqual({ epochs: 500, stepsPerEpoch: 4 });
    expect(fitEpochs(2000, { epochs: 30, batchSize: 64, minSteps: 500 })).toEqual({ epochs: 30, stepsPerEpoch: 32 });
    expect(fitEpochs(10, { epochs: 1, batchSize: 64, minSteps: 3 })).toEqual({ epochs: 3, stepsPerEpoch: 1 });
    expect(() => fitEpochs(10, { minSteps: -1 })).toThrow(/minSteps/);
  });

  it('fitDynamics runs the raised number of epochs', () => {
    const buf = pendulumData(40, 8);
    const m = new MLPDynamics({ stateDim: 3, actionDim: 1, hidden: [8], rng: new Rng(9) });
    expect(fitDynamics(m, buf, { epochs: 2, batchSize: 16, minSteps: 15, rng: new Rng(10) })).toHaveLength(5);
    m.members.forEach((x) => x.dispose());
  });
});

describe('identifySystem', () => {
  it('recovers pendulum mass and length within 2% from wrong initial values', () => {
    const buf = pendulumData(300, 7);
    const model = compileSystem(pendulumSystem, { params: { mass: 1.3, length: 0.8 }, trainable: ['mass', 'length'] }).dynamics;
    identifySystem(model, buf, { iterations: 300, learningRate: 0.02 });
    expect(Math.abs(model.values().mass - 1)).toBeLessThan(0.02);
    expect(Math.abs(model.values().length - 1)).toBeLessThan(0.02);
  });
});
