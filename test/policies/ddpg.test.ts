// Tests of policies/ddpg.ts (with actor.ts, critic.ts): replay-buffer use, TD target and losses against
// their formulas, actor gradient against finite differences, learning on a one-step bandit, no leaks.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DDPG, actorLoss, criticLoss, tdTarget } from '../../policies/ddpg.ts';
import type { Batch } from '../../policies/replay-buffer.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { useTestBackend } from '../helpers/backend.ts';

beforeAll(async () => {
  await useTestBackend();
});

function fixedBatch(): Batch {
  return {
    obs: tf.tensor2d([[0.1, -0.2], [0.5, 0.3], [-0.4, 0.9]]),
    action: tf.tensor2d([[0.5], [-1], [0.25]]),
    reward: tf.tensor1d([1, -0.5, 2]),
    nextObs: tf.tensor2d([[0.2, 0.1], [0.4, -0.3], [0, 0]]),
    done: tf.tensor1d([0, 1, 0]),
  };
}

const disposeBatch = (b: Batch) => tf.dispose([b.obs, b.action, b.reward, b.nextObs, b.done]);

describe('DDPG', () => {
  it('acts inside the action box and stores transitions in the replay buffer', () => {
    const agent = new DDPG({ obsDim: 2, actDim: 1, actionLow: -2, actionHigh: 2, noiseSigma: 5, seed: 1 });
    const rng = new Rng(5);
    for (let i = 0; i < 40; i++) {
      const obs = [rng.normal(), rng.normal()];
      const a = agent.act(obs, true);
      expect(a[0]!).toBeGreaterThanOrEqual(-2);
      expect(a[0]!).toBeLessThanOrEqual(2);
      agent.observe({ obs, action: a, reward: -(a[0]! ** 2), nextObs: obs, done: false });
    }
    expect(agent.buffer.size).toBe(40);
    const stats = agent.update(16);
    expect(Number.isFinite(stats.criticLoss)).toBe(true);
    expect(agent.updates).toBe(1);
    expect(() => agent.act([1, 2, 3])).toThrow(/obs must have length 2/);
    agent.dispose();
  });

  it('TD target is r + γ(1 − d) Q′(s′, μ′(s′)) and the critic loss is its mean squared error', () => {
    const agent = new DDPG({ obsDim: 2, actDim: 1, actionLow: -1, actionHigh: 1, gamma: 0.9, seed: 2 });
    const b = fixedBatch();
    const y = tdTarget(agent.targetActor, agent.targetCritic, b, 0.9);
    const qNext = tf.tidy(() => agent.targetCritic.q(b.nextObs, agent.targetActor.act(b.nextObs)).dataSync());
    const r = [1, -0.5, 2];
    const d = [0, 1, 0];
    const yd = y.dataSync();
    for (let i = 0; i < 3; i++) expect(yd[i]!).toBeCloseTo(r[i]! + 0.9 * (1 - d[i]!) * qNext[i]!, 5);
    const q = tf.tidy(() => agent.critic.q(b.obs, b.action).dataSync());
    const manual = [0, 1, 2].reduce((s, i) => s + (yd[i]! - q[i]!) ** 2, 0) / 3;
    const cl = criticLoss(agent.critic, b, y);
    expect(cl.dataSync()[0]!).toBeCloseTo(manual, 5);
    const al = actorLoss(agent.actor, agent.critic, b.obs);
    const qPi = tf.tidy(() => agent.critic.q(b.obs, agent.actor.act(b.obs)).dataSync());
    expect(al.dataSync()[0]!).toBeCloseTo(-(qPi[0]! + qPi[1]! + qPi[2]!) / 3, 5);
    tf.dispose([y, cl, al]);
    disposeBatch(b);
    agent.dispose();
  });

  it('actor-loss gradient matches central finite differences', () => {
    const agent = new DDPG({ obsDim: 2, actDim: 1, actionLow: -1, actionHigh: 1, actorHidden: [8], criticHidden: [8], activation: 'tanh', seed: 3 });
    const b = fixedBatch();
    const bias = agent.actor.variables().at(-1)!; // output bias [1]
    const w = agent.actor.variables()[0]!; // first-layer weights [2, 8]
    const { grads } = tf.variableGrads(() => actorLoss(agent.actor, agent.critic, b.obs), [bias, w]);
    const loss = () => tf.tidy(() => actorLoss(agent.actor, agent.critic, b.obs).dataSync()[0]!);
    for (const [v, idx] of [[bias, 0], [w, 3], [w, 10]] as const) {
      const base = Float32Array.from(v.dataSync());
      const h = 1e-2;
      const at = (delta: number) => {
        const p = Float32Array.from(base);
        p[idx] = p[idx]! + delta;
        v.assign(tf.tensor(p, v.shape));
        return loss();
      };
      const fd = (at(h) - at(-h)) / (2 * h);
      v.assign(tf.tensor(base, v.shape));
      const g = grads[v.name]!.dataSync()[idx]!;
      expect(Math.abs(g - fd)).toBeLessThan(2e-3 + 2e-2 * Math.abs(fd));
    }
    tf.dispose(Object.values(grads));
    disposeBatch(b);
    agent.dispose();
  });

  it('learns the best action of a one-step bandit r = −(a − 0.5)² and does not leak tensors per update', () => {
    const agent = new DDPG({ obsDim: 1, actDim: 1, actionLow: -1, actionHigh: 1, gamma: 0, actorLr: 1e-2, criticLr: 1e-2, seed: 4, batchSize: 32, actorHidden: [16], criticHidden: [32] });
    const rng = new Rng(11);
    for (let i = 0; i < 200; i++) {
      const a = rng.uniformIn(-1, 1);
      agent.observe({ obs: [0], action: [a], reward: -((a - 0.5) ** 2), nextObs: [0], done: true });
    }
    agent.update();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 400; i++) agent.update();
    expect(tf.memory().numTensors).toBe(before);
    const a = agent.act([0])[0]!;
    expect(Math.abs(a - 0.5)).toBeLessThan(0.15);
    agent.dispose();
  });
});
