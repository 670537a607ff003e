// One worker thread of EnergyShards (energy-shards.ts): loads its own backend, then serves commands from
// the shared control array until told to close. Between commands the loop polls, then blocks in Atomics.wait, so
// everything it needs beyond the control array comes by message, taken with receiveMessageOnPort.
//   configure  a new data buffer, the layers' shapes and the activation (a ShardConfig message)
//   weights    rebuild the layer tensors from the buffer's parameter block
//   forward    E of the rows in the buffer; with keep, hold the kept tensors under the command's token
//   vjp        the kept rows' ∂/∂θ Σ g_r E_r into the buffer's gradient block, then drop them
//   close      leave the loop
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../tensor/backend.ts';
import { energyRows, energyRowsVjp, type EnergyLayers } from './energy-rows.ts';
import { CMD, CTL, ERR_BYTES, SPIN_MS, flattenLayers, shardLayout, type ShardConfig } from './energy-shards.ts';

const { ctl: ctlBuf, err: errBuf, port, backend } = workerData as { ctl: SharedArrayBuffer; err: SharedArrayBuffer; port: MessagePort; backend: string };
const ctl = new Int32Array(ctlBuf);
const err = new Uint8Array(errBuf);

try {
  await initBackend(backend, { quiet: true });
  port.postMessage({ type: 'ready' });
} catch (e) {
  port.postMessage({ type: 'init-error', error: e instanceof Error ? e.message : String(e) });
  process.exit(1);
}

let cfg: ShardConfig | null = null;
let data: Float32Array<ArrayBufferLike> = new Float32Array(0);
let layout = shardLayout([], 0);
let layers: EnergyLayers | null = null;
/** The kept tensors of the last taped forward, with the layers they were computed with. */
let kept: { token: number; tensors: tf.Tensor[]; layers: EnergyLayers } | null = null;

function dropLayers(L: EnergyLayers | null): void {
  if (L && L !== kept?.layers) tf.dispose([...L.weights, ...L.biases]);
}

function dropKept(): void {
  if (!kept) return;
  tf.dispose(kept.tensors);
  if (kept.layers !== layers) tf.dispose([...kept.layers.weights, ...kept.layers.biases]);
  kept = null;
}

function run(cmd: number): void {
  if (cmd === CMD.configure) {
    const m = receiveMessageOnPort(port);
    if (!m) throw new Error('configure: no configuration message arrived');
    cfg = m.message as ShardConfig;
    data = new Float32Array(cfg.data);
    layout = shardLayout(cfg.shapes, cfg.capacity);
    return;
  }
  if (!cfg) throw new Error('a command arrived before the first configure');
  if (cmd === CMD.weights) {
    const next: EnergyLayers = { weights: [], biases: [], activation: cfg.activation };
    let o = 0;
    for (const [i, out] of cfg.shapes) {
      next.weights.push(tf.tensor2d(data.slice(o, o + i * out), [i, out]));
      o += i * out;
      next.biases.push(tf.tensor1d(data.slice(o, o + out)));
      o += out;
    }
    dropLayers(layers);
    layers = next;
    return;
  }
  if (!layers) throw new Error('rows arrived before the weights');
  const R = ctl[CTL.rows]!;
  if (cmd === CMD.forward) {
    const keep = ctl[CTL.keep] === 1;
    const tensors: tf.Tensor[] = [];
    const { E } = energyRows(layers, data.subarray(layout.x, layout.x + R), data.subarray(layout.y, layout.y + R), keep ? { keep: tensors } : {});
    data.set(E, layout.E);
    if (keep) {
      dropKept();
      kept = { token: ctl[CTL.token]!, tensors, layers };
    }
    return;
  }
  if (cmd === CMD.vjp) {
    if (!kept || kept.token !== ctl[CTL.token]) throw new Error(`vjp: the rows of taped forward ${ctl[CTL.token]} are not kept (kept: ${kept?.token ?? 'none'})`);
    const { dW, db } = energyRowsVjp(kept.layers, kept.tensors, data.slice(layout.g, layout.g + R));
    flattenLayers(dW, db, data, layout.grad);
    tf.dispose([...dW, ...db]);
    dropKept();
    return;
  }
  throw new Error(`unknown command ${cmd}`);
}

let seen = 0;
for (;;) {
  // Spin briefly before sleeping: waking a sleeping thread can take milliseconds on a virtual machine.
  const spinUntil = performance.now() + SPIN_MS;
  while (Atomics.load(ctl, CTL.seq) === seen && performance.now() < spinUntil);
  Atomics.wait(ctl, CTL.seq, seen);
  seen = Atomics.load(ctl, CTL.seq);
  const cmd = ctl[CTL.cmd]!;
  try {
    if (cmd !== CMD.close) run(cmd);
    ctl[CTL.status] = 0;
  } catch (e) {
    const bytes = new TextEncoder().encode(e instanceof Error ? e.message : String(e)).subarray(0, ERR_BYTES);
    err.set(bytes);
    ctl[CTL.errLen] = bytes.length;
    ctl[CTL.status] = 1;
  }
  Atomics.store(ctl, CTL.done, seen);
  Atomics.notify(ctl, CTL.done);
  if (cmd === CMD.close) break;
}
dropKept();
dropLayers(layers);
port.close();
