// `diffmpc serve [--port N] [--host H] [--out DIR | --dir DIR]`: the live MPC playground in the browser
// (scripts/web/): builds the page (esbuild; into --out, else a temporary folder) or takes an already built
// folder (--dir; an installed package serves its prebuilt dist/web), and serves it with node:http until Ctrl-C.
// `diffmpc build-web --out DIR`: writes the static folder for any web server (index.html, main.js, worker.js,
// the tfjs .wasm files) and prints the bundle sizes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError, registerCommand } from '../cli.ts';
import { serveStatic } from '../web/server.ts';

/** The page built by `npm run build` beside the compiled CLI (dist/web), when running from dist. */
function prebuiltPage(): string | undefined {
  if (!import.meta.url.endsWith('.js')) return undefined;
  const dir = fileURLToPath(new URL('../../web/', import.meta.url));
  return fs.existsSync(path.join(dir, 'index.html')) ? dir : undefined;
}

async function build(out: string): Promise<void> {
  const { buildWeb, describeWebBuild } = await import('../web/build.ts');
  console.log(describeWebBuild(await buildWeb(out)));
}

registerCommand({
  name: 'serve',
  summary: 'the live MPC playground in the browser: build the page and serve it on 127.0.0.1 (Ctrl-C stops)',
  maxPositionals: 0,
  flags: [
    { name: 'port', type: 'int', description: 'TCP port (0 = any free port)', default: '8080', min: 0, max: 65535 },
    { name: 'host', type: 'string', placeholder: 'HOST', description: 'address to listen on (keep the loopback unless you mean to share it)', default: '127.0.0.1' },
    { name: 'out', type: 'string', placeholder: 'DIR', description: 'build the page into DIR (kept) before serving; default a temporary folder' },
    { name: 'dir', type: 'string', placeholder: 'DIR', description: 'serve an already built folder (from diffmpc build-web) without building' },
  ],
  async run({ values }) {
    if (values.out !== undefined && values.dir !== undefined) throw new UsageError('diffmpc serve: --out builds a folder and --dir serves a built one; give one of them');
    let dir = values.dir as string | undefined;
    if (dir === undefined) {
      const prebuilt = values.out === undefined ? prebuiltPage() : undefined;
      if (prebuilt) dir = prebuilt;
      else {
        dir = (values.out as string | undefined) ?? fs.mkdtempSync(path.join(os.tmpdir(), 'diffmpc-web-'));
        if (values.out === undefined) {
          const tmp = dir;
          process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
        }
        await build(dir);
      }
    }
    const server = await serveStatic(dir, { port: Number(values.port), host: String(values.host) });
    console.log(`serving ${path.resolve(dir)}\nopen ${server.url}  (Ctrl-C stops)`);
    await new Promise<never>(() => undefined);
  },
});

registerCommand({
  name: 'build-web',
  summary: 'write the playground page as a static folder (index.html, bundles, tfjs wasm files) for any web server',
  maxPositionals: 0,
  flags: [{ name: 'out', type: 'string', placeholder: 'DIR', description: 'output folder', default: 'dist/web' }],
  async run({ values }) {
    await build(String(values.out));
    return 0;
  },
});
