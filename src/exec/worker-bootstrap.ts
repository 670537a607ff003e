// The eval'd source that starts a worker thread on an ES module entry: `new Worker(workerBootstrap(entry),
// { eval: true })`. When the entry or a module it imports is TypeScript (running from the sources), it
// registers the tsx loader in the thread first; compiled entries (dist/) are imported as they are.
import { createRequire } from 'node:module';

const isTs = (m: string): boolean => /\.[cm]?ts$/.test(m.startsWith('file:') ? new URL(m).pathname : m);

/**
 * The bootstrap source of a thread that imports `entry` (a file URL), with `modules` it will import too.
 *
 * @example
 * new Worker(workerBootstrap(new URL('./my-worker.ts', import.meta.url).href), { eval: true })
 */
export function workerBootstrap(entry: string, modules: readonly string[] = []): string {
  const js = `import(${JSON.stringify(entry)});`;
  if (!isTs(entry) && !modules.some(isTs)) return js;
  let tsx: string;
  try {
    tsx = createRequire(import.meta.url).resolve('tsx/esm/api');
  } catch {
    return js; // no TypeScript loader installed: the thread's import error names the .ts module
  }
  return `require(${JSON.stringify(tsx)}).register(); ${js}`;
}
