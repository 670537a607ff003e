// A private redis-server for tests and benchmarks: listens on 127.0.0.1 on a free port, its files in a temp
// directory; waits until it answers PING. `persist` turns on the append-only file with fsync on every write,
// so a stop/start (restart) keeps every write acknowledged before it. A missing binary is an error that
// says how to install it (never a silent skip).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** Shuts the server down (SIGTERM; it flushes its append-only file) and waits for the exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port and directory. */
  start(): Promise<void>;
  /** stop() then start(). */
  restart(): Promise<void>;
  /** stop() and removes its directory. */
  dispose(): Promise<void>;
}

/** The redis-server binary: $REDIS_SERVER, /usr/bin/redis-server, or one on $PATH. */
export function redisServerBinary(): string {
  if (process.env.REDIS_SERVER) return process.env.REDIS_SERVER;
  if (fs.existsSync('/usr/bin/redis-server')) return '/usr/bin/redis-server';
  const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const found = which.status === 0 ? which.stdout.trim() : '';
  if (found) return found;
  throw new Error(
    'redis-server not found (looked at $REDIS_SERVER, /usr/bin/redis-server and $PATH). Install it: `sudo apt-get install -y redis-server` on Debian/Ubuntu ' +
      '(the test command does this itself when run as root), `brew install redis` on macOS; or set REDIS_SERVER=/path/to/redis-server.',
  );
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** One PING over a raw socket: true on +PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(500, () => done(false));
    s.once('error', () => done(false));
    s.once('connect', () => s.write('PING\r\n'));
    s.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

export async function startRedisServer(opts: { persist?: boolean; startTimeoutMs?: number } = {}): Promise<RedisServer> {
  const bin = redisServerBinary();
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diffmpc-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--protected-mode', 'yes', ...(opts.persist ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'])];
  let proc: ChildProcess | undefined;
  let log = '';
  const start = async () => {
    log = '';
    const p = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    proc = p;
    p.stdout!.on('data', (d) => (log = (log + d).slice(-4000)));
    p.stderr!.on('data', (d) => (log = (log + d).slice(-4000)));
    const deadline = Date.now() + (opts.startTimeoutMs ?? 15_000);
    while (Date.now() < deadline) {
      if (p.exitCode !== null) throw new Error(`redis-server exited with code ${p.exitCode} on port ${port}:\n${log}`);
      if (await ping(port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    p.kill('SIGKILL');
    throw new Error(`redis-server on port ${port} did not answer PING within ${opts.startTimeoutMs ?? 15_000} ms:\n${log}`);
  };
  const stop = async () => {
    const p = proc;
    proc = undefined;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise<void>((r) => p.once('exit', () => r()));
    p.kill('SIGTERM');
    const timer = setTimeout(() => p.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    start,
    restart: async () => {
      await stop();
      await start();
    },
    dispose: async () => {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
