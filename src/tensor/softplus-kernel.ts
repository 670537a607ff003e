// softplus(z) = log(1 + eᶻ) and σ(z) = 1 / (1 + e⁻ᶻ) in one pass of a WebAssembly SIMD kernel
// (src/tensor/wasm/softplus.wat: e^−|z| and log1p by polynomials, within 3 float32 ulps of the exact values),
// registered as the tfjs kernel `DiffmpcSoftplus` of the wasm backend: the module is instantiated on that
// backend's own heap, so it reads its input and writes its outputs in place, with no copy.
// Why: tfjs-wasm's Log, Exp and Softplus kernels are scalar, and max(z, 0) − log σ(|z|) as tfjs ops is five
// kernels, each a pass over memory; in the energy networks it was most of a forward pass.
// Values only: no gradient is registered (callers run it off the tape or inside an op with its own backward).
import * as tf from '@tensorflow/tfjs';
import { embeddedWasmModule } from './wasm-module.ts';
import { WASM_BASE64 } from './wasm/softplus.wasm.ts';

/** The kernel's name in tfjs' registry (attrs: `{ sigmoid: boolean }`; outputs: softplus, then σ with `sigmoid`). */
export const SOFTPLUS_KERNEL = 'DiffmpcSoftplus';

/**
 * The tfjs environment flag that lets `softplusKernel` run (default true); set it to false to take the tfjs
 * ops instead, e.g. for an A/B benchmark: `tf.env().set(SOFTPLUS_KERNEL_FLAG, false)`.
 */
export const SOFTPLUS_KERNEL_FLAG = 'DIFFMPC_SOFTPLUS_KERNEL';
tf.env().registerFlag(SOFTPLUS_KERNEL_FLAG, () => true);

type Run = (src: number, dst: number, sig: number, n: number) => void;

/** The compiled module (null where WebAssembly SIMD is missing), and the kernel per memory it was instantiated on. */
const module = (): WebAssembly.Module | null => embeddedWasmModule(WASM_BASE64);
const instances = new WeakMap<WebAssembly.Memory, Run | null>();

/** The kernel on `memory`, or null (no SIMD, or a memory it cannot import, e.g. a shared one). */
function kernelOn(memory: WebAssembly.Memory): Run | null {
  if (instances.has(memory)) return instances.get(memory)!;
  const m = module();
  let run: Run | null = null;
  if (m) {
    try {
      run = (new WebAssembly.Instance(m, { env: { memory } }).exports as { softplus: Run }).softplus;
    } catch {
      run = null;
    }
  }
  instances.set(memory, run);
  return run;
}

const softplus1 = (z: number): number => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
const sigmoid1 = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** Runs the kernel on n floats at byte offsets of `memory`: the SIMD loop over ⌊n/4⌋·4, the rest in JS. */
function runOn(memory: WebAssembly.Memory, run: Run, src: number, dst: number, sig: number, n: number): void {
  const n4 = n & ~3;
  run(src, dst, sig, n4);
  if (n4 === n) return;
  const f = new Float32Array(memory.buffer);
  for (let i = n4; i < n; i++) {
    const z = f[src / 4 + i]!;
    f[dst / 4 + i] = softplus1(z);
    if (sig) f[sig / 4 + i] = sigmoid1(z);
  }
}

/** A memory of its own for `softplusArray` (grown as needed). */
let own: WebAssembly.Memory | null = null;

/** Whether the SIMD kernel runs in this runtime. */
export function softplusKernelAvailable(): boolean {
  return module() !== null;
}

/**
 * softplus(z) `[n]` and, with `sigmoid`, σ(z) `[n]` of a plain array, by the same kernel on a memory of its own.
 *
 * @example
 * softplusArray(Float32Array.of(-30, 0, 30), true) // value ≈ [9.4e-14, 0.6931, 30], sigmoid ≈ [9.4e-14, 0.5, 1]
 */
export function softplusArray(z: Float32Array, sigmoid = false): { value: Float32Array; sigmoid: Float32Array | null } {
  if (!module()) throw new Error('softplusArray: this runtime has no WebAssembly SIMD (check softplusKernelAvailable() first)');
  own ??= new WebAssembly.Memory({ initial: 1 });
  const n = z.length;
  const need = (sigmoid ? 8 : 4) * n;
  if (need > own.buffer.byteLength) own.grow(Math.ceil((need - own.buffer.byteLength) / 65536));
  new Float32Array(own.buffer, 0, n).set(z);
  runOn(own, kernelOn(own)!, 0, 0, sigmoid ? 4 * n : 0, n);
  return { value: new Float32Array(own.buffer, 0, n).slice(), sigmoid: sigmoid ? new Float32Array(own.buffer, 4 * n, n).slice() : null };
}

/** What the kernel function uses of tfjs-wasm's backend (BackendWasm in @tensorflow/tfjs-backend-wasm 4.22). */
interface WasmBackendLike {
  wasm: { asm?: { memory?: WebAssembly.Memory } };
  getMemoryOffset(dataId: object): number;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

function wasmMemory(backend: unknown): WebAssembly.Memory | null {
  const m = (backend as Partial<WasmBackendLike>).wasm?.asm?.memory;
  return m instanceof WebAssembly.Memory ? m : null;
}

if (!tf.getKernel(SOFTPLUS_KERNEL, 'wasm')) {
  tf.registerKernel({
    kernelName: SOFTPLUS_KERNEL,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const b = backend as unknown as WasmBackendLike;
      const z = inputs.z as tf.TensorInfo;
      const memory = wasmMemory(b);
      const run = memory && kernelOn(memory);
      if (!run) throw new Error(`${SOFTPLUS_KERNEL}: the wasm backend's memory cannot run the kernel (check softplusKernelFor() first)`);
      const outs = [b.makeOutput(z.shape, 'float32')];
      if (attrs?.sigmoid) outs.push(b.makeOutput(z.shape, 'float32'));
      const n = z.shape.reduce((a, d) => a * d, 1);
      const off = (t: tf.TensorInfo) => b.getMemoryOffset(t.dataId);
      runOn(memory, run, off(z), off(outs[0]!), outs[1] ? off(outs[1]) : 0, n);
      return outs;
    },
  });
}

/** Whether `softplusKernel` runs on the current backend (wasm, with a heap the kernel can import, and the flag on). */
export function softplusKernelFor(): boolean {
  if (tf.getBackend() !== 'wasm' || !tf.env().getBool(SOFTPLUS_KERNEL_FLAG)) return false;
  const memory = wasmMemory(tf.backend());
  return memory !== null && kernelOn(memory) !== null;
}

/**
 * softplus(z) and, with `sigmoid`, σ(z) as float32 tensors of z's shape by the `DiffmpcSoftplus` kernel, or
 * null where it does not run (`softplusKernelFor()`): the caller then takes the tfjs ops. No gradient.
 *
 * @example
 * const r = softplusKernel(z, true); // { value, sigmoid } or null
 */
export function softplusKernel(z: tf.Tensor, sigmoid = false): { value: tf.Tensor; sigmoid: tf.Tensor | null } | null {
  if (z.dtype !== 'float32' || !softplusKernelFor()) return null;
  const out = tf.engine().runKernel(SOFTPLUS_KERNEL, { z }, { sigmoid }) as tf.Tensor | tf.Tensor[];
  const [value, sig] = Array.isArray(out) ? out : [out];
  return { value: value!, sigmoid: sig ?? null };
}
