// `diffmpc build-web --out DIR` writes the static page (index.html, both bundles, every tfjs .wasm) and prints
// the bundle sizes; `diffmpc serve --port 0 --out DIR` builds and serves it until stopped; --out with --dir
// is a usage error. The page itself is tested in Chromium (test/web/playground.test.ts).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const CLI = ['--import', 'tsx', path.join(ROOT, 'scripts/diffmpc.ts')];
const WASM = fs.readdirSync(path.join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist')).filter((f) => f.endsWith('.wasm'));

describe('diffmpc build-web and serve', () => {
  it('build-web writes the page and prints the bundle sizes', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'diffmpc-build-web-'));
    try {
      const r = spawnSync(process.execPath, [...CLI, 'build-web', '--out', out], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
      expect(r.status, r.stderr).toBe(0);
      expect(WASM.length).toBeGreaterThanOrEqual(3);
      for (const f of ['index.html', 'main.js', 'worker.js', ...WASM]) {
        expect(fs.existsSync(path.join(out, f)), f).toBe(true);
        expect(r.stdout).toMatch(new RegExp(`${f.replace(/\./g, '\\.')}\\s+\\d+ KiB`));
      }
      expect(r.stdout).toMatch(/total\s+\d+ KiB/);
      // the Node-only modules stay out of the page: no @napi-rs/canvas, no node: builtins
      const worker = fs.readFileSync(path.join(out, 'worker.js'), 'utf8');
      const main = fs.readFileSync(path.join(out, 'main.js'), 'utf8');
      for (const js of [worker, main]) {
        expect(js).not.toMatch(/@napi-rs\/canvas|from\s*"node:/);
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 150_000);

  it('serve builds and serves the page until stopped', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'diffmpc-serve-cmd-'));
    const child = spawn(process.execPath, [...CLI, 'serve', '--port', '0', '--out', out], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let text = '';
        const timer = setTimeout(() => reject(new Error(`serve printed no URL within 120 s:\n${text}`)), 120_000);
        const onData = (c: Buffer) => {
          text += c.toString();
          const m = /open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(text);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`serve exited ${code} before serving:\n${text}`));
        });
      });
      const page = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<script type="module" src="./main.js">');
      const wasm = await fetch(`${url}${WASM[0]}`, { signal: AbortSignal.timeout(10_000) });
      expect(wasm.headers.get('content-type')).toBe('application/wasm');
      expect(fs.existsSync(path.join(out, 'worker.js'))).toBe(true);
    } finally {
      child.kill('SIGTERM');
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 150_000);

  it('--out and --dir together are a usage error', () => {
    const r = spawnSync(process.execPath, [...CLI, 'serve', '--out', 'a', '--dir', 'b'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--out builds a folder and --dir serves a built one; give one of them/);
  }, 60_000);
});
