// The package as a user's project gets it: `npm pack`, install the tarball into a temporary project outside
// the repository, then there (a) a plain .mjs run by `node` imports 'diffmpc', registers a user env with two
// action dimensions, plans 20 MPC steps with each of dcem, novas, gd and qp and writes a PNG; (b) a .ts
// consumer passes `tsc --noEmit --strict` against the shipped .d.ts (errors inside tfjs's own typings, which
// do not pass a strict lib check themselves, are the only ones tolerated); (c) the installed `diffmpc` bin
// runs that env through `--import` and writes its plots.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countColor, pngInfo, pngPixels } from '../plot/images.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FIXTURES = path.join(import.meta.dirname, 'consumer');
let project = '';

function run(cmd: string, args: string[], cwd: string, timeout = 240_000): string {
  const env = { ...process.env };
  delete env.DIFFMPC_BACKEND;
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}${r.signal ? ` (${r.signal})` : ''}\n${r.stdout}\n${r.stderr}`);
  return `${r.stdout}${r.stderr}`;
}

describe('the packed package in a user project', () => {
  beforeAll(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'diffmpc-consumer-'));
    const tgz = execFileSync('npm', ['pack', '--silent', '--pack-destination', project], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 }).trim().split('\n').at(-1)!;
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'my-mpc-project', private: true, type: 'module' }));
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', path.join(project, tgz)], project);
    for (const f of fs.readdirSync(FIXTURES)) fs.copyFileSync(path.join(FIXTURES, f), path.join(project, f));
  }, 480_000);

  afterAll(() => {
    if (project) fs.rmSync(project, { recursive: true, force: true });
  });

  it('ships compiled JavaScript and declarations only, with canvas-free native deps', () => {
    const pkg = path.join(project, 'node_modules', 'diffmpc');
    expect(fs.existsSync(path.join(pkg, 'dist/scripts/api/index.js'))).toBe(true);
    expect(fs.existsSync(path.join(pkg, 'dist/scripts/api/index.d.ts'))).toBe(true);
    expect(fs.existsSync(path.join(pkg, 'src'))).toBe(false);
    expect(fs.existsSync(path.join(pkg, 'dist/worker')), 'dist/worker (the pool threads\' bundle, usable only beside the sources)').toBe(false);
    for (const f of ['index.html', 'main.js', 'worker.js', 'tfjs-backend-wasm-simd.wasm']) expect(fs.existsSync(path.join(pkg, 'dist/web', f)), `dist/web/${f} (the prebuilt playground)`).toBe(true);
    expect(fs.existsSync(path.join(project, 'node_modules', 'canvas'))).toBe(false);
    expect(fs.existsSync(path.join(project, 'node_modules', 'tsx'))).toBe(false);
  });

  it('(a) node runs a user env with two actions through dcem, novas, gd and qp and writes a PNG', async () => {
    const out = run('node', ['consumer.mjs', 'out'], project);
    for (const s of ['dcem', 'novas', 'gd', 'qp']) expect(out).toMatch(new RegExp(`${s}: distance to the goal [\\d.]+ -> [\\d.]+ in 20 steps`));
    expect(out).toMatch(/diffmpc: tensor backend wasm \(auto/);
    const png = fs.readFileSync(path.join(project, 'out', 'distance.png'));
    expect(pngInfo(png)).toMatchObject({ isPng: true, width: 900, height: 500 });
    const px = await pngPixels(png);
    expect(countColor(px.data, '#0072B2', 30)).toBeGreaterThan(200); // the dcem line
  }, 240_000);

  it('(b) a TypeScript consumer passes tsc --noEmit --strict against the shipped types', () => {
    const tsc = path.join(ROOT, 'node_modules', '.bin', 'tsc');
    const r = spawnSync(tsc, ['-p', 'tsconfig.consumer.json'], { cwd: project, encoding: 'utf8', timeout: 240_000 });
    const errors = `${r.stdout}${r.stderr}`.split('\n').filter((l) => /error TS\d+/.test(l) && !l.startsWith('node_modules/@tensorflow/'));
    expect(errors).toEqual([]);
    // the check bites: a type error in the consumer is reported
    fs.writeFileSync(path.join(project, 'wrong.ts'), "import { MPC } from 'diffmpc';\nexport const h: string = new MPC({} as never).horizon;\n");
    const bad = spawnSync(tsc, ['--noEmit', '--strict', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--skipLibCheck', 'wrong.ts'], { cwd: project, encoding: 'utf8' });
    expect(bad.stdout).toMatch(/wrong\.ts\(2,14\): error TS2322: Type 'number' is not assignable to type 'string'/);
  }, 240_000);

  it('(c) the installed diffmpc bin runs the user env through --import and writes its plots', async () => {
    const out = run('npx', ['--no-install', 'diffmpc', 'run', '--import', './point-mass.mjs', '--env', 'PointMass2D-v0', '--solver', 'novas', '--samples', '100', '--episodes', '1', '--out', 'runs', '--name', 'pm'], project);
    expect(out).toMatch(/PointMass2D-v0 \(analytic\) mpc with novas: return -?[\d.]+ over 1 episode/);
    expect(out).not.toMatch(/diffmpc: tensor backend/); // the CLI reports its backend once, itself
    for (const f of ['config.json', 'metrics.jsonl', 'states.png', 'actions.png', 'rollout.gif']) expect(fs.existsSync(path.join(project, 'runs', 'pm', f)), f).toBe(true);
    const px = await pngPixels(fs.readFileSync(path.join(project, 'runs', 'pm', 'states.png')));
    expect(countColor(px.data, '#0072B2', 30)).toBeGreaterThan(100);
  }, 240_000);
});
