// The WebAssembly kernels' build: every generated module is the compilation of its .wat source (so an edit
// without a rebuild fails here), and a broken source fails with its file and line.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileWat, wasmKernels, wasmModuleSource } from '../../../scripts/lib/wasm-kernels.ts';
import { WASM_BASE64 } from '../../../src/tensor/wasm/softplus.wasm.ts';

describe('wasm kernels', () => {
  it('has every generated module equal to the compilation of its .wat (rebuild: npx tsx scripts/build-wasm.ts)', async () => {
    const kernels = wasmKernels();
    expect(kernels.map((k) => k.name)).toContain('softplus');
    for (const k of kernels) {
      expect(fs.readFileSync(k.out, 'utf8')).toBe(wasmModuleSource(k.name, await compileWat(k.wat)));
    }
    const softplus = kernels.find((k) => k.name === 'softplus')!;
    expect(WASM_BASE64).toBe(Buffer.from(await compileWat(softplus.wat)).toString('base64'));
  });

  it('refuses a broken source with its file and line', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wat-'));
    const file = path.join(dir, 'broken.wat');
    fs.writeFileSync(file, '(module\n  (func (export "f") (result i32)\n    (f32.const 1)))\n');
    await expect(compileWat(file)).rejects.toThrow(/broken\.wat:3/);
    fs.rmSync(dir, { recursive: true });
  });
});
