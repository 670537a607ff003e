// The code a pool thread (`--executor threads`) loads. A thread that imports the TypeScript sources through
// tsx spends ~1.5 s of CPU before its first job (transpiling the package graph); compiled ESM still ~1 s,
// most of it Node lexing tfjs's CommonJS bundles for their export names on every ESM import of them. The
// worker bundle — one ESM file holding thread-worker, every built-in job runner and tfjs (esbuild, written
// by `npm run build` to dist/worker/) — needs ~0.5 s: no transpiling, no lexing, one file to resolve.
// A thread loads the bundle only where it stands in exactly for what it replaces:
//   - the modules are the built-in runners' entry alone (a user module registers its runners into the
//     package's registry, which a thread running the bundle never looks at);
//   - the backend is wasm or cpu (the native backends register into node_modules' copy of tfjs, not the
//     bundle's);
//   - it is fresh: every file it was built from (listed beside it) still exists and is not newer than it.
// Otherwise the threads load the modules as given. DIFFMPC_WORKER_BUNDLE=off turns the bundle off. The bundle
// stays inside the package: it finds its external packages and tfjs's wasm binaries through node_modules. The
// published package leaves it out (its inputs, the sources, are not shipped, so it could never be fresh).
// A rebuild keeps the old bundle until the new one replaces it (`npm run build` spares dist/worker when it
// clears dist/), so the pools of a running test suite never see it missing or half written.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { JOB_RUNNERS_ENTRY } from '../api/jobs.ts';

/** The bundle's file name and its input list's (paths relative to the bundle's folder), in dist/worker/ by default. */
const BUNDLE = 'thread-worker.js';
const INPUTS = 'thread-worker.inputs.json';

/** Backends whose code is inside the bundle. */
const BUNDLED_BACKENDS: readonly string[] = ['wasm', 'cpu'];

/** Packages the bundle leaves to node_modules: native addons and optional peers. */
const EXTERNAL = ['@napi-rs/canvas', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'bullmq', 'ioredis'];

/** The package root: the first folder above this file holding a package.json (also from dist/). */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`compiled-worker: no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  return dir;
}

/** The folder `npm run build` writes the bundle to. */
export function defaultBundleDir(): string {
  return path.join(packageRoot(), 'dist', 'worker');
}

/** Writes the bundle and its input list into `dir` (needs the source tree at `root` and the esbuild devDependency). */
export async function buildWorkerBundle(opts: { root?: string; dir?: string } = {}): Promise<{ file: string; bytes: number; inputs: number }> {
  const root = opts.root ?? packageRoot();
  const dir = opts.dir ?? path.join(root, 'dist', 'worker');
  const sources = ['scripts/lib/builtin-job-runners.ts', 'src/exec/thread-worker.ts'];
  for (const s of sources) {
    if (!fs.existsSync(path.join(root, s))) throw new Error(`worker bundle: ${path.join(root, s)} is missing; building needs the source tree (a git checkout)`);
  }
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new Error('worker bundle: esbuild is not installed (a devDependency); run npm install in the source tree');
  }
  const file = path.join(dir, BUNDLE);
  const STDIN = 'thread-worker-bundle.ts';
  const r = await esbuild.build({
    // the runners first, so they are registered before the thread reports ready
    stdin: { contents: sources.map((s) => `import './${s}';`).join('\n'), resolveDir: root, sourcefile: STDIN, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: file,
    write: false,
    absWorkingDir: root,
    external: EXTERNAL,
    // bundled CommonJS (tfjs) calls require for Node builtins
    banner: { js: "import { createRequire as __diffmpcRequire } from 'node:module'; const require = __diffmpcRequire(import.meta.url);" },
    metafile: true,
    logLevel: 'warning',
  });
  // npm installs dependencies with a fixed old mtime, so their lock files stand for them
  const locks = ['package.json', 'package-lock.json', path.join('node_modules', '.package-lock.json')].filter((f) => fs.existsSync(path.join(root, f)));
  const inputs = [...Object.keys(r.metafile.inputs).filter((k) => k !== STDIN && !k.includes(':')), ...locks].map((k) => path.relative(dir, path.join(root, k)));
  // replaced, never rewritten in place: a thread of a running pool may be importing the old one
  fs.mkdirSync(dir, { recursive: true });
  const bundle = r.outputFiles.find((f) => f.path === file);
  if (!bundle) throw new Error(`worker bundle: esbuild wrote no ${file}`);
  writeAtomic(path.join(dir, INPUTS), JSON.stringify(inputs) + '\n');
  writeAtomic(file, bundle.contents);
  return { file, bytes: bundle.contents.byteLength, inputs: inputs.length };
}

function writeAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/** Why the bundle in `dir` cannot be used (missing, or a file it was built from changed), or undefined when it is fresh. */
export function bundleStaleness(dir = defaultBundleDir()): string | undefined {
  const file = path.join(dir, BUNDLE);
  let built: number;
  let inputs: unknown;
  try {
    built = fs.statSync(file).mtimeMs;
    inputs = JSON.parse(fs.readFileSync(path.join(dir, INPUTS), 'utf8'));
  } catch {
    return `no worker bundle at ${file} (npm run build writes it)`;
  }
  if (!Array.isArray(inputs) || inputs.length === 0) return `${path.join(dir, INPUTS)}: expected a list of files`;
  for (const rel of inputs) {
    const f = path.resolve(dir, String(rel));
    let m: number;
    try {
      m = fs.statSync(f).mtimeMs;
    } catch {
      return `${f} (an input of the worker bundle) is gone`;
    }
    if (m > built) return `${f} changed after the worker bundle was built (npm run build)`;
  }
  return undefined;
}

/** What a pool thread loads for `modules` under `backend`: the bundle (no modules on top) where it stands in for them, else the modules. */
export function threadCode(modules: readonly string[], backend: string, dir?: string): { entry?: string; modules: string[] } {
  const fallback = { modules: [...modules] };
  if (process.env.DIFFMPC_WORKER_BUNDLE === 'off') return fallback;
  if (modules.length !== 1 || modules[0] !== JOB_RUNNERS_ENTRY || !BUNDLED_BACKENDS.includes(backend)) return fallback;
  const d = dir ?? defaultBundleDir();
  if (bundleStaleness(d) !== undefined) return fallback;
  return { entry: pathToFileURL(path.join(d, BUNDLE)).href, modules: [] };
}
