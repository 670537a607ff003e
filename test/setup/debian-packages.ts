// Vitest global set-up: the README's test command prepares the machine itself. The Redis tests need Debian's
// `redis-server` and the browser tests Debian's `chromium`; when a binary is missing and we run as root (as
// on CI machines) it is installed with apt-get, otherwise the run stops with the exact command to run.
// Services are not started here: each test file that needs Redis starts its own server on a free port
// (test/helpers/redis.ts) and stops it, so a fault test can kill or restart it without touching others.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian package → the binary the tests run. */
export const DEBIAN_PACKAGES: ReadonlyArray<{ pkg: string; binary: string }> = [
  { pkg: 'redis-server', binary: '/usr/bin/redis-server' },
  { pkg: 'chromium', binary: '/usr/bin/chromium' },
];

function aptInstall(pkgs: string[]): void {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '-qq', ...pkgs], { env, stdio: 'inherit' });
  if (install().status === 0) return;
  execFileSync('apt-get', ['update', '-qq'], { env, stdio: 'inherit' });
  if (install().status !== 0) throw new Error(`test set-up: 'apt-get install -y ${pkgs.join(' ')}' failed (see its output above)`);
}

export default function setup(): void {
  const missing = DEBIAN_PACKAGES.filter((p) => !existsSync(p.binary)).map((p) => p.pkg);
  if (missing.length === 0) return;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root) {
    throw new Error(`test set-up: the tests need Debian's ${missing.join(', ')}; install with: sudo apt-get install -y ${missing.join(' ')}`);
  }
  process.stderr.write(`test set-up: installing ${missing.join(', ')} from Debian\n`);
  aptInstall(missing);
  const still = DEBIAN_PACKAGES.filter((p) => missing.includes(p.pkg) && !existsSync(p.binary));
  if (still.length > 0) throw new Error(`test set-up: ${still.map((p) => p.binary).join(', ')} still missing after apt-get install`);
}
