// The energy network's row passes (src/train/energy-rows.ts) split over threads: rows [0, R) are cut into
// `threads` contiguous chunks; this thread evaluates the first and each worker thread (energy-shard-worker.ts,
// its own wasm backend) one other, at the same time:
//   forward   E_r = E_θ(x_r, y_r) for every row: each chunk's energies, concatenated   `[R]`
//   VJP       ∂/∂θ Σ_r g_r E_r = Σ_chunks ∂/∂θ Σ_{r ∈ chunk} g_r E_r  (each thread its own kept tensors)
// The split changes nothing but the order of the VJP's sum: energies are the same floats as one thread's
// (every row is its own product), gradients agree to float32 rounding.
// Why: tfjs-wasm runs one thread per backend in Node, and a NOVAS update of the NOVAS regression is ten
// forward passes over B·N = 1 000 rows; with two cores each pass takes about half the time.
// How: the calls are synchronous, inside a custom op's forward and backward. Commands and rows go through
// shared memory and Atomics.wait / notify (a round trip of tens of µs); the network's shapes and a
// larger buffer are handed over by message, which the worker takes with receiveMessageOnPort. Weights are
// re-sent only when a layer's data changed (an optimizer step assigns new data to a variable).
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { workerBootstrap } from '../exec/worker-bootstrap.ts';
import { energyRows, energyRowsVjp, type EnergyLayers } from './energy-rows.ts';
import { defaultWorkers } from '../exec/threads.ts';

/** Slots of the control array shared with each worker. */
export const CTL = { seq: 0, done: 1, cmd: 2, status: 3, rows: 4, keep: 5, token: 6, errLen: 7, size: 16 } as const;
/** Commands; their arguments are in the control array and the data buffer. */
export const CMD = { forward: 1, vjp: 2, weights: 3, configure: 4, close: 5 } as const;
/**
 * How long a waiting thread polls before it sleeps (ms): a command follows within this time during an
 * update, and waking a sleeping thread can take milliseconds on a virtual machine.
 */
export const SPIN_MS = 20;
/** Bytes for a worker's error message. */
export const ERR_BYTES = 4096;

/** What a worker is told by message when the network's shape or the row capacity changes. */
export interface ShardConfig {
  data: SharedArrayBuffer;
  /** [in, out] of each layer. */
  shapes: Array<[number, number]>;
  activation: EnergyLayers['activation'];
  /** Rows the buffer holds. */
  capacity: number;
}

/** Offsets (in floats) of the data buffer: weights and biases, then x, y, E, g of the rows, then the gradient. */
export function shardLayout(shapes: Array<[number, number]>, capacity: number): { params: number; x: number; y: number; E: number; g: number; grad: number; floats: number } {
  const params = shapes.reduce((s, [i, o]) => s + i * o + o, 0);
  const x = params;
  const y = x + capacity;
  const E = y + capacity;
  const g = E + capacity;
  const grad = g + capacity;
  return { params, x, y, E, g, grad, floats: grad + params };
}

/** Writes [W_0, b_0, W_1, b_1, …] flattened into `out` from `offset` (the layers, or their gradients). */
export function flattenLayers(weights: tf.Tensor[], biases: tf.Tensor[], out: Float32Array, offset = 0): void {
  let o = offset;
  for (let l = 0; l < weights.length; l++) {
    for (const t of [weights[l]!, biases[l]!]) {
      const v = t.dataSync() as Float32Array;
      out.set(v, o);
      o += v.length;
    }
  }
}

interface Shard {
  worker: Worker;
  port: MessagePort;
  ctl: Int32Array;
  err: Uint8Array;
  seq: number;
}

export interface EnergyShardsOptions {
  /** Threads in all, this one included (default: the machine's cores; 1 = no worker). */
  threads?: number;
  /** The workers' backend (default 'wasm'). */
  backend?: string;
  /** How long a call waits for a worker before it fails (ms, default 120 000). */
  timeoutMs?: number;
}

/** Saved by a taped forward for its backward: this thread's kept tensors go to the op; the workers keep theirs. */
export interface ShardedSave {
  token: number;
  /** The rows' split at that forward: chunk boundaries [0, b_1, …, R]. */
  bounds: number[];
}

export class EnergyShards {
  readonly threads: number;
  private readonly shards: Shard[];
  private readonly timeoutMs: number;
  private config: { key: string; capacity: number; layout: ReturnType<typeof shardLayout> } | null = null;
  /** Each worker's data buffer. */
  private views: Float32Array[] = [];
  private weightIds: unknown[] = [];
  private token = 0;
  private closed = false;

  private constructor(threads: number, shards: Shard[], timeoutMs: number) {
    this.threads = threads;
    this.shards = shards;
    this.timeoutMs = timeoutMs;
  }

  /**
   * Starts the worker threads (each loads its backend) and resolves when all are ready.
   *
   * @example
   * const shards = await EnergyShards.start({ threads: 2 });
   * const E = shards.energies(layers, xs, ys); // [R], half of the rows on the worker
   * shards.dispose();
   */
  static async start(o: EnergyShardsOptions = {}): Promise<EnergyShards> {
    const threads = o.threads ?? defaultWorkers();
    if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new Error(`EnergyShards: threads must be an integer in 1..64 (got ${String(o.threads)})`);
    const timeoutMs = o.timeoutMs ?? 120_000;
    if (!(timeoutMs > 0)) throw new Error(`EnergyShards: timeoutMs must be positive (got ${timeoutMs})`);
    const entry = new URL(import.meta.url.endsWith('.ts') ? './energy-shard-worker.ts' : './energy-shard-worker.js', import.meta.url).href;
    const shards: Shard[] = [];
    try {
      for (let i = 1; i < threads; i++) {
        const ctlBuf = new SharedArrayBuffer(CTL.size * 4);
        const errBuf = new SharedArrayBuffer(ERR_BYTES);
        const { port1, port2 } = new MessageChannel();
        const worker = new Worker(workerBootstrap(entry), { eval: true, workerData: { ctl: ctlBuf, err: errBuf, port: port2, backend: o.backend ?? 'wasm' }, transferList: [port2] });
        shards.push({ worker, port: port1, ctl: new Int32Array(ctlBuf), err: new Uint8Array(errBuf), seq: 0 });
      }
      await Promise.all(
        shards.map(
          (s, i) =>
            new Promise<void>((resolve, reject) => {
              s.port.once('message', (m: { type: string; error?: string }) => (m.type === 'ready' ? resolve() : reject(new Error(`EnergyShards: worker ${i + 1} failed to start: ${m.error}`))));
              s.worker.once('error', (e) => reject(new Error(`EnergyShards: worker ${i + 1} failed to start: ${e.message}`)));
              s.worker.once('exit', (code) => reject(new Error(`EnergyShards: worker ${i + 1} exited with code ${code} while starting`)));
            }),
        ),
      );
    } catch (e) {
      for (const s of shards) void s.worker.terminate();
      throw e;
    }
    for (const s of shards) {
      s.worker.removeAllListeners('exit');
      s.worker.removeAllListeners('error');
      s.worker.on('error', () => {}); // a crash surfaces as the next call's timeout / error status
      s.worker.unref();
      s.port.unref();
    }
    return new EnergyShards(threads, shards, timeoutMs);
  }

  /**
   * E `[R]` on rows (x_r, y_r), as `energyRows` (no slope). With `keep`, this thread's kept tensors are pushed
   * to it and the returned save identifies the workers' for `vjp`.
   */
  energies(L: EnergyLayers, xs: Float32Array, ys: Float32Array | Float64Array, keep?: tf.Tensor[]): { E: Float32Array; save: ShardedSave | null } {
    this.check();
    const R = xs.length;
    if (ys.length !== R) throw new Error(`EnergyShards: x has ${R} rows but y has ${ys.length}`);
    const bounds = Array.from({ length: this.threads + 1 }, (_, i) => Math.round((i * R) / this.threads));
    const lay = this.prepare(L, Math.max(...bounds.slice(1).map((b, i) => b - bounds[i]!)));
    const token = keep ? ++this.token : 0;
    // Worker i takes rows [bounds[i + 1], bounds[i + 2]).
    const lo = (i: number) => bounds[i + 1]!;
    const hi = (i: number) => bounds[i + 2]!;
    this.shards.forEach((s, i) => {
      if (hi(i) === lo(i)) return;
      const d = this.views[i]!;
      d.set(xs.subarray(lo(i), hi(i)), lay.x);
      d.set(ys.subarray(lo(i), hi(i)), lay.y);
      s.ctl[CTL.rows] = hi(i) - lo(i);
      s.ctl[CTL.keep] = keep ? 1 : 0;
      s.ctl[CTL.token] = token;
      this.issue(s, CMD.forward);
    });
    const E = new Float32Array(R);
    const local = energyRows(L, xs.subarray(0, bounds[1]), ys.subarray(0, bounds[1]), keep ? { keep } : {});
    E.set(local.E, 0);
    this.shards.forEach((s, i) => {
      if (hi(i) === lo(i)) return;
      this.wait(s, i);
      E.set(this.views[i]!.subarray(lay.E, lay.E + hi(i) - lo(i)), lo(i));
    });
    return { E, save: keep ? { token, bounds } : null };
  }

  /** ∂/∂θ Σ_r g_r E_r over the rows of the taped forward `save` (this thread's kept tensors in `saved`). */
  vjp(L: EnergyLayers, saved: tf.Tensor[], save: ShardedSave, g: Float32Array): { dW: tf.Tensor[]; db: tf.Tensor[] } {
    this.check();
    const { bounds } = save;
    if (g.length !== bounds[bounds.length - 1]) throw new Error(`EnergyShards.vjp: ${g.length} cotangents for a forward of ${bounds[bounds.length - 1]} rows`);
    if (save.token !== this.token) throw new Error('EnergyShards.vjp: a newer taped forward replaced the kept rows of this one; take one gradient per taped forward, in order');
    const lay = this.config!.layout;
    this.shards.forEach((s, i) => {
      const lo = bounds[i + 1]!;
      const hi = bounds[i + 2]!;
      if (hi === lo) return;
      this.views[i]!.set(g.subarray(lo, hi), lay.g);
      s.ctl[CTL.rows] = hi - lo;
      s.ctl[CTL.token] = save.token;
      this.issue(s, CMD.vjp);
    });
    const local = energyRowsVjp(L, saved, g.subarray(0, bounds[1]));
    const sum: Float32Array[] = [];
    for (let l = 0; l < L.weights.length; l++) sum.push(Float32Array.from(local.dW[l]!.dataSync()), Float32Array.from(local.db[l]!.dataSync()));
    tf.dispose([...local.dW, ...local.db]);
    this.shards.forEach((s, i) => {
      if (bounds[i + 2] === bounds[i + 1]) return;
      this.wait(s, i);
      const d = this.views[i]!;
      let o = lay.grad;
      for (const a of sum) {
        for (let j = 0; j < a.length; j++) a[j]! += d[o + j]!;
        o += a.length;
      }
    });
    const dW = L.weights.map((w, l) => tf.tensor(sum[2 * l]!, w.shape));
    const db = L.biases.map((b, l) => tf.tensor(sum[2 * l + 1]!, b.shape));
    return { dW, db };
  }

  /** Stops the workers. Idempotent. */
  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.shards.forEach((s) => {
      this.issue(s, CMD.close);
      Atomics.wait(s.ctl, CTL.done, s.seq - 1, 2000);
      void s.worker.terminate();
      s.port.close();
    });
  }

  private check(): void {
    if (this.closed) throw new Error('EnergyShards: used after dispose()');
  }

  /** Hands the network's shape and a large enough buffer to the workers when they change, and the weights when they changed. */
  private prepare(L: EnergyLayers, rows: number): ReturnType<typeof shardLayout> {
    const shapes = L.weights.map((w) => [w.shape[0]!, w.shape[1]!] as [number, number]);
    const key = `${L.activation}:${shapes.map((s) => s.join('x')).join(',')}`;
    const cfg = this.config;
    if (!cfg || cfg.key !== key || rows > cfg.capacity) {
      const capacity = Math.max(rows, 1024, cfg?.key === key ? 2 * cfg.capacity : 0);
      const layout = shardLayout(shapes, capacity);
      this.views = this.shards.map((s, i) => {
        const data = new SharedArrayBuffer(layout.floats * 4);
        s.port.postMessage({ data, shapes, activation: L.activation, capacity } satisfies ShardConfig);
        this.issue(s, CMD.configure);
        this.wait(s, i);
        return new Float32Array(data);
      });
      this.config = { key, capacity, layout };
      this.weightIds = [];
    }
    const layout = this.config!.layout;
    const ids = [...L.weights, ...L.biases].map((t) => t.dataId);
    if (this.shards.length && (ids.length !== this.weightIds.length || ids.some((id, i) => id !== this.weightIds[i]))) {
      this.weightIds = ids;
      flattenLayers(L.weights, L.biases, this.views[0]!);
      this.shards.forEach((s, i) => {
        if (i > 0) this.views[i]!.set(this.views[0]!.subarray(0, layout.params));
        this.issue(s, CMD.weights);
      });
      this.shards.forEach((s, i) => this.wait(s, i));
    }
    return layout;
  }

  private issue(s: Shard, cmd: number): void {
    s.ctl[CTL.cmd] = cmd;
    s.seq++;
    Atomics.store(s.ctl, CTL.seq, s.seq);
    Atomics.notify(s.ctl, CTL.seq);
  }

  private wait(s: Shard, i: number): void {
    const spinUntil = performance.now() + SPIN_MS;
    while (Atomics.load(s.ctl, CTL.done) !== s.seq && performance.now() < spinUntil);
    const deadline = performance.now() + this.timeoutMs;
    while (Atomics.load(s.ctl, CTL.done) !== s.seq) {
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`EnergyShards: worker ${i + 1} did not answer within ${this.timeoutMs} ms (it may have crashed or the machine is overloaded; see timeoutMs)`);
      Atomics.wait(s.ctl, CTL.done, Atomics.load(s.ctl, CTL.done), Math.min(left, 1000));
    }
    if (s.ctl[CTL.status] !== 0) {
      const msg = new TextDecoder().decode(s.err.slice(0, s.ctl[CTL.errLen]!));
      throw new Error(`EnergyShards: worker ${i + 1}: ${msg}`);
    }
  }
}
