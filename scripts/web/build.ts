// The playground's static bundle (esbuild): index.html, main.js (the page), worker.js (MPC and training in a
// Web Worker) and tfjs's wasm binaries, written to one folder any static host can serve. Modules that only
// work in Node are swapped for browser stand-ins (src/plot/canvas.ts: @napi-rs/canvas, src/tensor/files.ts:
// node:fs); anything else that reaches for a Node builtin fails the build, naming the importer.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** Node-only modules of the library → their browser stand-ins (matched on the resolved path's tail). */
const BROWSER_SWAPS: Array<[tail: string, file: string]> = [
  [path.join('src', 'plot', 'canvas.ts'), path.join(HERE, 'browser', 'canvas.ts')],
  [path.join('src', 'tensor', 'files.ts'), path.join(HERE, 'browser', 'files.ts')],
];

export interface WebBuildFile {
  name: string;
  bytes: number;
}

export interface WebBuild {
  outDir: string;
  files: WebBuildFile[];
}

/** Directory of tfjs's wasm binaries in node_modules. */
function wasmDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
}

/**
 * Builds the page into `outDir` (created; existing files of the same names are replaced).
 * Needs the source tree and the esbuild devDependency; the published package ships the result in dist/web.
 */
export async function buildWeb(outDir: string, opts: { minify?: boolean } = {}): Promise<WebBuild> {
  const main = path.join(HERE, 'main.ts');
  if (!fs.existsSync(main)) {
    throw new Error(`build-web: the page sources (${main}) are not here; building needs the source tree (a git checkout). The installed package serves its prebuilt page: diffmpc serve`);
  }
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new Error('build-web: esbuild is not installed (a devDependency); run npm install in the source tree');
  }
  fs.mkdirSync(outDir, { recursive: true });
  const swaps: import('esbuild').Plugin = {
    name: 'diffmpc-browser-swaps',
    setup(b) {
      b.onResolve({ filter: /\.ts$/ }, (args) => {
        if (!args.path.startsWith('.')) return undefined;
        const resolved = path.resolve(args.resolveDir, args.path);
        const swap = BROWSER_SWAPS.find(([tail]) => resolved.endsWith(path.sep + tail));
        return swap ? { path: swap[1] } : undefined;
      });
      b.onResolve({ filter: /^node:/ }, (args) => ({
        errors: [{ text: `${args.path} is a Node module; the page bundle cannot include it (imported by ${path.relative(process.cwd(), args.importer)}). Add a browser stand-in in scripts/web/build.ts or keep the import out of the page` }],
      }));
    },
  };
  await esbuild.build({
    entryPoints: { main, worker: path.join(HERE, 'worker.ts') },
    outdir: outDir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: opts.minify ?? true,
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [swaps],
    logLevel: 'error',
  });
  fs.copyFileSync(path.join(HERE, 'index.html'), path.join(outDir, 'index.html'));
  const wasm = fs.readdirSync(wasmDir()).filter((f) => f.endsWith('.wasm'));
  if (wasm.length === 0) throw new Error(`build-web: no .wasm files in ${wasmDir()}; reinstall @tensorflow/tfjs-backend-wasm`);
  for (const f of wasm) fs.copyFileSync(path.join(wasmDir(), f), path.join(outDir, f));
  const names = ['index.html', 'main.js', 'worker.js', ...wasm];
  return { outDir, files: names.map((name) => ({ name, bytes: fs.statSync(path.join(outDir, name)).size })) };
}

/** The build's files and sizes as a table. */
export function describeWebBuild(b: WebBuild): string {
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KiB`.padStart(10);
  const total = b.files.reduce((s, f) => s + f.bytes, 0);
  return [`web playground built in ${b.outDir}:`, ...b.files.map((f) => `  ${f.name.padEnd(40)} ${kb(f.bytes)}`), `  ${'total'.padEnd(40)} ${kb(total)}`].join('\n');
}
