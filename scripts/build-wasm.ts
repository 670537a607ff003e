// Compiles the WebAssembly kernels' sources (src/tensor/wasm/*.wat) into their generated TypeScript modules
// (scripts/lib/wasm-kernels.ts). Run after editing a .wat: `npx tsx scripts/build-wasm.ts`.
import fs from 'node:fs';
import { compileWat, wasmKernels, wasmModuleSource } from './lib/wasm-kernels.ts';

for (const k of wasmKernels()) {
  const bytes = await compileWat(k.wat);
  fs.writeFileSync(k.out, wasmModuleSource(k.name, bytes));
  console.log(`${k.out}: ${bytes.length} bytes`);
}
