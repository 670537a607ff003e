// A fixed-capacity ring buffer of transitions (s, a, r, s', done) in Float32Arrays, with uniform sampling
// into batched tensors. Used by model learning (fit f(s, a) ≈ s') and by off-policy RL (DDPG, policies/).
// A row is the part of a stream `Transition` (src/streams/types.ts) that learning needs, with
// done = terminated (`recordTo` stores a stream into a buffer).
import * as tf from '@tensorflow/tfjs';
import type { Transition } from '../streams/types.ts';
import { defaultRng, type Rng } from '../tensor/rng.ts';

/** One stored row: s, a, r, s' of a `Transition` (any arrays of numbers) and done = its `terminated`. */
export type StoredTransition = Pick<Transition, 'reward'> & {
  obs: ArrayLike<number>;
  action: ArrayLike<number>;
  nextObs: ArrayLike<number>;
  /** true when the episode terminated (not merely truncated) after this step. */
  done: boolean;
};

export interface Batch {
  obs: tf.Tensor2D; // [batch, obsDim]
  action: tf.Tensor2D; // [batch, actDim]
  reward: tf.Tensor1D; // [batch]
  nextObs: tf.Tensor2D; // [batch, obsDim]
  done: tf.Tensor1D; // [batch] 1 = terminated
}

export class ReplayBuffer {
  private readonly obs: Float32Array;
  private readonly act: Float32Array;
  private readonly rew: Float32Array;
  private readonly next: Float32Array;
  private readonly done: Float32Array;
  private head = 0;
  private count = 0;

  constructor(
    readonly capacity: number,
    readonly obsDim: number,
    readonly actDim: number,
  ) {
    for (const [k, v] of Object.entries({ capacity, obsDim, actDim })) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`ReplayBuffer: ${k} must be a positive integer (got ${v})`);
    }
    this.obs = new Float32Array(capacity * obsDim);
    this.act = new Float32Array(capacity * actDim);
    this.rew = new Float32Array(capacity);
    this.next = new Float32Array(capacity * obsDim);
    this.done = new Float32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Adds one transition, overwriting the oldest when full. Rejects wrong lengths and non-finite values. */
  add(t: StoredTransition): void {
    const check = (name: string, v: ArrayLike<number>, n: number) => {
      if (v.length !== n) throw new Error(`ReplayBuffer.add: ${name} must have length ${n} (got ${v.length})`);
      for (let i = 0; i < n; i++) if (!Number.isFinite(v[i]!)) throw new Error(`ReplayBuffer.add: ${name}[${i}] is ${v[i]}; transitions must be finite`);
    };
    check('obs', t.obs, this.obsDim);
    check('action', t.action, this.actDim);
    check('nextObs', t.nextObs, this.obsDim);
    if (!Number.isFinite(t.reward)) throw new Error(`ReplayBuffer.add: reward is ${t.reward}; must be finite`);
    const i = this.head;
    // TypedArray.set copies any array-like (plain arrays, Float32Array/Float64Array) without an intermediate.
    this.obs.set(t.obs, i * this.obsDim);
    this.act.set(t.action, i * this.actDim);
    this.next.set(t.nextObs, i * this.obsDim);
    this.rew[i] = t.reward;
    this.done[i] = t.done ? 1 : 0;
    this.head = (this.head + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  /** Row indices in insertion order (oldest first). */
  private order(): number[] {
    const start = this.count < this.capacity ? 0 : this.head;
    return Array.from({ length: this.count }, (_, k) => (start + k) % this.capacity);
  }

  private gather(idx: ArrayLike<number>): Batch {
    const n = idx.length;
    const o = new Float32Array(n * this.obsDim);
    const a = new Float32Array(n * this.actDim);
    const x = new Float32Array(n * this.obsDim);
    const r = new Float32Array(n);
    const d = new Float32Array(n);
    for (let k = 0; k < n; k++) {
      const i = idx[k]!;
      o.set(this.obs.subarray(i * this.obsDim, (i + 1) * this.obsDim), k * this.obsDim);
      a.set(this.act.subarray(i * this.actDim, (i + 1) * this.actDim), k * this.actDim);
      x.set(this.next.subarray(i * this.obsDim, (i + 1) * this.obsDim), k * this.obsDim);
      r[k] = this.rew[i]!;
      d[k] = this.done[i]!;
    }
    return {
      obs: tf.tensor2d(o, [n, this.obsDim]),
      action: tf.tensor2d(a, [n, this.actDim]),
      reward: tf.tensor1d(r),
      nextObs: tf.tensor2d(x, [n, this.obsDim]),
      done: tf.tensor1d(d),
    };
  }

  /** Uniform sample with replacement of `batchSize` transitions as tensors (caller disposes). */
  sample(batchSize: number, rng: Rng = defaultRng()): Batch {
    if (this.count === 0) throw new Error('ReplayBuffer.sample: the buffer is empty; add transitions first');
    const idx = new Int32Array(batchSize);
    const ord = this.count < this.capacity ? null : this.order();
    for (let k = 0; k < batchSize; k++) {
      const j = rng.int(this.count);
      idx[k] = ord ? ord[j]! : j;
    }
    return this.gather(idx);
  }

  /** Every stored transition, oldest first, as tensors (caller disposes). */
  all(): Batch {
    return this.gather(this.order());
  }

  /** Plain-JSON snapshot for checkpoints. */
  toJSON(): { capacity: number; obsDim: number; actDim: number; transitions: StoredTransition[] } {
    const transitions = this.order().map((i) => ({
      obs: Array.from(this.obs.subarray(i * this.obsDim, (i + 1) * this.obsDim)),
      action: Array.from(this.act.subarray(i * this.actDim, (i + 1) * this.actDim)),
      reward: this.rew[i]!,
      nextObs: Array.from(this.next.subarray(i * this.obsDim, (i + 1) * this.obsDim)),
      done: this.done[i] === 1,
    }));
    return { capacity: this.capacity, obsDim: this.obsDim, actDim: this.actDim, transitions };
  }

  static fromJSON(j: { capacity: number; obsDim: number; actDim: number; transitions: StoredTransition[] }): ReplayBuffer {
    const rb = new ReplayBuffer(j.capacity, j.obsDim, j.actDim);
    for (const t of j.transitions) rb.add(t);
    return rb;
  }
}
