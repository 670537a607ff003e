// ReplayBuffer: stores plain arrays and typed arrays alike, overwrites the oldest row when full, keeps
// insertion order in all()/toJSON(), and rejects malformed transitions.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ReplayBuffer } from '../../src/train/replay-buffer.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { useTestBackend } from '../helpers/backend.ts';

beforeAll(useTestBackend);

const row = (k: number) => ({ obs: [k, k + 0.5], action: Float32Array.of(-k), reward: k, nextObs: Float64Array.of(k + 1, k + 1.5), done: k % 2 === 1 });

describe('ReplayBuffer', () => {
  it('stores array and typed-array transitions and overwrites the oldest when full', () => {
    const buf = new ReplayBuffer(3, 2, 1);
    for (let k = 0; k < 5; k++) buf.add(row(k));
    expect(buf.size).toBe(3);
    const all = buf.all();
    expect(Array.from(all.obs.dataSync())).toEqual([2, 2.5, 3, 3.5, 4, 4.5]);
    expect(Array.from(all.action.dataSync())).toEqual([-2, -3, -4]);
    expect(Array.from(all.nextObs.dataSync())).toEqual([3, 3.5, 4, 4.5, 5, 5.5]);
    expect(Array.from(all.reward.dataSync())).toEqual([2, 3, 4]);
    expect(Array.from(all.done.dataSync())).toEqual([0, 1, 0]);
    tf.dispose(Object.values(all));
    const back = ReplayBuffer.fromJSON(buf.toJSON());
    expect(back.toJSON()).toEqual(buf.toJSON());
    expect(buf.toJSON().transitions.map((t) => t.reward)).toEqual([2, 3, 4]);
  });

  it('samples rows that were stored, as tensors of the batch size', () => {
    const buf = new ReplayBuffer(4, 2, 1);
    for (let k = 0; k < 6; k++) buf.add(row(k));
    const b = buf.sample(16, new Rng(1));
    expect(b.obs.shape).toEqual([16, 2]);
    const o = b.obs.arraySync() as number[][];
    const a = b.action.arraySync() as number[][];
    o.forEach((r, i) => {
      expect([2, 3, 4, 5]).toContain(r[0]);
      expect(a[i]![0]).toBe(-r[0]!);
    });
    tf.dispose(Object.values(b));
  });

  it('rejects wrong lengths and non-finite values without storing them', () => {
    const buf = new ReplayBuffer(2, 2, 1);
    expect(() => buf.add({ ...row(0), obs: [1] })).toThrow(/obs must have length 2/);
    expect(() => buf.add({ ...row(0), action: [Number.NaN] })).toThrow(/action\[0\] is NaN/);
    expect(() => buf.add({ ...row(0), reward: Number.POSITIVE_INFINITY })).toThrow(/reward/);
    expect(buf.size).toBe(0);
  });
});
