// Backend selection: auto order, a missing or broken native package, explicit choices, bad names.
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { AUTO_ORDER, describeBackend, initBackend, parseBackendName, wasmBinaryDir, type ModuleImporter } from '../../src/tensor/backend.ts';
import fs from 'node:fs';

/** An importer that reports the native bindings as absent (as on a machine without tfjs-node-gpu). */
const missingNative: ModuleImporter = async (spec) => {
  if (spec.startsWith('@tensorflow/tfjs-node')) {
    const e = new Error(`Cannot find package '${spec}' imported from x`) as Error & { code: string };
    e.code = 'ERR_MODULE_NOT_FOUND';
    throw e;
  }
  return import(spec);
};

describe('backend selection', () => {
  afterAll(async () => {
    await initBackend('cpu');
  });

  it('auto tries tensorflow-gpu, tensorflow, wasm, cpu in that order', () => {
    expect(AUTO_ORDER).toEqual(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
  });

  it('auto skips a missing tfjs-node-gpu and tfjs-node and takes wasm, saying why', async () => {
    const c = await initBackend('auto', { importer: missingNative });
    expect(c.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(c.skipped.map((s) => s.name)).toEqual(['tensorflow-gpu', 'tensorflow']);
    expect(c.skipped[0]!.reason).toMatch(/tfjs-node-gpu is not installed/);
    expect(describeBackend(c)).toMatch(/skipped tensorflow-gpu/);
  });

  it('reports a native package that is installed but broken, then falls through', async () => {
    const broken: ModuleImporter = async (spec) => {
      if (spec === '@tensorflow/tfjs-node-gpu') throw new Error('libcudart.so.11.0: cannot open shared object file');
      return missingNative(spec);
    };
    const c = await initBackend('auto', { importer: broken });
    expect(c.skipped[0]!.reason).toMatch(/failed to load: libcudart/);
    expect(c.name).toBe('wasm');
  });

  it('auto falls back to cpu when wasm cannot load either', async () => {
    const noWasm: ModuleImporter = async (spec) => {
      if (spec === '@tensorflow/tfjs-backend-wasm') throw new Error('wasm unavailable');
      return missingNative(spec);
    };
    const c = await initBackend('auto', { importer: noWasm });
    expect(c.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(c.skipped.map((s) => s.name)).toEqual(['tensorflow-gpu', 'tensorflow', 'wasm']);
  });

  it('an explicitly requested backend that cannot load is an error with the reason', async () => {
    await expect(initBackend('tensorflow-gpu', { importer: missingNative })).rejects.toThrow(/tfjs-node-gpu is not installed/);
  });

  it('explicit cpu and wasm work and production mode is on', async () => {
    expect((await initBackend('cpu')).tfBackend).toBe('cpu');
    expect(tf.env().getBool('PROD')).toBe(true);
    expect((await initBackend('wasm')).tfBackend).toBe('wasm');
    expect(tf.sum(tf.tensor([1, 2, 3])).dataSync()[0]).toBe(6);
  });

  it('reads DIFFMPC_BACKEND when no name is passed', async () => {
    const old = process.env.DIFFMPC_BACKEND;
    process.env.DIFFMPC_BACKEND = 'cpu';
    try {
      expect((await initBackend()).name).toBe('cpu');
      process.env.DIFFMPC_BACKEND = 'tpu';
      await expect(initBackend()).rejects.toThrow(/\$DIFFMPC_BACKEND: unknown backend "tpu"; expected one of auto, tensorflow-gpu/);
    } finally {
      if (old === undefined) delete process.env.DIFFMPC_BACKEND;
      else process.env.DIFFMPC_BACKEND = old;
    }
  });

  it('rejects unknown names listing the valid ones', () => {
    expect(() => parseBackendName('gpu')).toThrow(/expected one of auto, tensorflow-gpu, tensorflow, wasm, cpu/);
    expect(parseBackendName(' WASM ')).toBe('wasm');
  });

  it('resolves the wasm binaries from node_modules, independent of the working directory', () => {
    const dir = wasmBinaryDir();
    expect(fs.existsSync(dir + 'tfjs-backend-wasm-simd.wasm')).toBe(true);
  });
});
