// The playground's static server (scripts/web/server.ts): MIME types (application/wasm, or the browser cannot
// stream-compile tfjs's binaries), the cross-origin isolation headers (tfjs's threaded wasm needs them), 404
// for a missing file, 405 for a write, nothing outside the folder, and a clear error for a folder that has no page.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic, type StaticServer } from '../../scripts/web/server.ts';

let base: string;
let root: string;
let srv: StaticServer;

/** A raw GET (the path is sent as given, not normalized by a URL parser). */
function get(rawPath: string, method = 'GET'): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: srv.port, path: rawPath, method, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${rawPath} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'diffmpc-serve-'));
  root = path.join(base, 'site');
  fs.mkdirSync(root);
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>x</title>');
  fs.writeFileSync(path.join(root, 'main.js'), 'export {};');
  fs.writeFileSync(path.join(root, 'tfjs-backend-wasm.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d]));
  fs.writeFileSync(path.join(base, 'secret.txt'), 'outside');
  srv = await serveStatic(root, { port: 0 });
});

afterAll(async () => {
  await srv?.close();
  fs.rmSync(base, { recursive: true, force: true });
});

describe('static server', () => {
  it('serves the page, scripts and wasm with their MIME types and the isolation headers', async () => {
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.body).toContain('<title>x</title>');
    expect(index.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(index.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect((await get('/main.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    const wasm = await get('/tfjs-backend-wasm.wasm');
    expect(wasm.status).toBe(200);
    expect(wasm.headers['content-type']).toBe('application/wasm');
    expect(wasm.headers['content-length']).toBe('4');
  });

  it('answers 404, 405, and never a file outside the folder', async () => {
    expect((await get('/nope.js')).status).toBe(404);
    expect((await get('/main.js', 'POST')).status).toBe(405);
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%2e%2e%2fsecret.txt']) {
      const r = await get(p);
      expect(r.status, p).not.toBe(200);
      expect(r.body, p).not.toContain('outside');
    }
  });

  it('refuses a folder without index.html, naming the fix', async () => {
    await expect(serveStatic(base, { port: 0 })).rejects.toThrow(/has no index\.html; build the page first \(diffmpc build-web/);
  });

  it('names the port when it is taken', async () => {
    await expect(serveStatic(root, { port: srv.port })).rejects.toThrow(new RegExp(`port ${srv.port} .* is in use; pick another with --port`));
  });
});
