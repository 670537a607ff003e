// The embedded WebAssembly modules compile once per thread, and bytes that do not validate give null.
import { describe, expect, it } from 'vitest';
import { embeddedWasmModule } from '../../src/tensor/wasm-module.ts';
import { WASM_BASE64 } from '../../src/tensor/wasm/dense-f64.wasm.ts';

describe('embeddedWasmModule', () => {
  it('compiles a kernel once and hands back the same module', () => {
    const m = embeddedWasmModule(WASM_BASE64);
    expect(m).toBeInstanceOf(WebAssembly.Module);
    expect(embeddedWasmModule(WASM_BASE64)).toBe(m);
    expect(WebAssembly.Module.exports(m!).map((e) => e.name).sort()).toEqual(['cholesky', 'dot', 'fold', 'gram', 'solve_rows']);
  });

  it('gives null for bytes that are not a valid module', () => {
    expect(embeddedWasmModule(btoa('not wasm'))).toBeNull();
  });
});
