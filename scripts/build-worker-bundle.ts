// `npm run build` step: writes the pool threads' bundle (dist/worker/thread-worker.js, see
// scripts/lib/compiled-worker.ts) after tsc has written dist/.
import { buildWorkerBundle } from './lib/compiled-worker.ts';

const b = await buildWorkerBundle();
console.log(`worker bundle: ${b.file} (${(b.bytes / 1e6).toFixed(2)} MB, ${b.inputs} inputs)`);
