// The embedded WebAssembly kernels (src/tensor/wasm/<name>.wasm.ts: the bytes as base64, so no .wasm file is
// served or read) compiled once per thread. Synchronous compilation is fine at their size: browsers refuse it
// on the main thread only above 4 kB.

const compiled = new Map<string, WebAssembly.Module | null>();

/**
 * The compiled module of `base64`, or null where WebAssembly or the SIMD instructions it uses are missing.
 *
 * @example
 * const m = embeddedWasmModule(WASM_BASE64); if (m) new WebAssembly.Instance(m, { env: { memory } });
 */
export function embeddedWasmModule(base64: string): WebAssembly.Module | null {
  const hit = compiled.get(base64);
  if (hit !== undefined) return hit;
  let m: WebAssembly.Module | null = null;
  if (typeof WebAssembly !== 'undefined') {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    if (WebAssembly.validate(bytes)) m = new WebAssembly.Module(bytes);
  }
  compiled.set(base64, m);
  return m;
}
