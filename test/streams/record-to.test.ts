// recordTo(buffer): passes values through unchanged and stores (s, a, r, s', done = terminated) in order;
// truncated steps are stored with done = false.
import * as tf from '@tensorflow/tfjs';
import { TestScheduler } from 'rxjs/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordTo } from '../../src/streams/record-to.ts';
import { ReplayBuffer } from '../../policies/replay-buffer.ts';
import { useTestBackend } from '../helpers/backend.ts';
import { tr } from './transitions.ts';

beforeAll(async () => {
  await useTestBackend();
});

describe('recordTo', () => {
  it('stores every transition and passes it through', () => {
    const buf = new ReplayBuffer(10, 1, 1);
    const values = { a: tr(0, 0, 1), b: tr(0, 1, 2, 'trunc'), c: tr(1, 0, 3, 'term') };
    new TestScheduler((x, y) => expect(x).toEqual(y)).run(({ cold, expectObservable }) => {
      expectObservable(cold('a b c |', values).pipe(recordTo(buf))).toBe('a b c |', values);
    });
    expect(buf.size).toBe(3);
    const all = buf.all();
    expect(Array.from(all.obs.dataSync())).toEqual([0, 1, 0]);
    expect(Array.from(all.nextObs.dataSync())).toEqual([1, 2, 1]);
    expect(Array.from(all.reward.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(all.done.dataSync())).toEqual([0, 0, 1]);
    tf.dispose(Object.values(all));
  });

  it('rejects something that is not a buffer', () => {
    expect(() => recordTo({} as ReplayBuffer)).toThrow(/expected a ReplayBuffer/);
  });
});
