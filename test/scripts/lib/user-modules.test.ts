// User code on the command line: `--import MODULE` and a config file's `import` key load modules that
// register envs / presets before names are checked; load failures name the file and the cause; and the real
// CLI runs a user env end to end (a .ts module under tsx and a .mjs one importing the registry by path).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getCommand, resolveCommandArgs } from '../../../scripts/cli.ts';
import { isCommonJsScope } from '../../../scripts/lib/user-modules.ts';
import '../../../scripts/commands/index.ts';
import { REPO_ROOT } from '../../helpers/reference.ts';

/** A temp dir holding an ESM package with the given files; `{repo}` in a file becomes the repo's path relative to it. */
function userDir(files: Record<string, string>, type: 'module' | 'commonjs' = 'module'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diffmpc-user-'));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type }));
  const rel = path.relative(dir, REPO_ROOT).split(path.sep).join('/');
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text.replaceAll('{repo}', rel));
  }
  return dir;
}

/** A 1-D point pushed by the action, reward −x²; registered as `id`. */
const driftEnv = (id: string) => `
import { Box, register } from '{repo}/envs/api.ts';
class Drift {
  id = '${id}'; observationSpace = new Box(-10, 10, [1]); actionSpace = new Box(-1, 1, [1]); dt = 0.1; x = 0;
  reset() { this.x = 1; return { obs: Float32Array.of(this.x), info: {} }; }
  step(a: Float32Array) { this.x += 0.1 * a[0]!; return { obs: Float32Array.of(this.x), reward: -this.x * this.x, terminated: false, truncated: false, info: {} }; }
}
register('${id}', () => new Drift(), { maxEpisodeSteps: 50 }, 'user env');
`;

const resolve = (name: string, argv: string[]) => resolveCommandArgs(getCommand(name)!, argv);

describe('--import', () => {
  it('loads a module that registers an env before the env name is checked', async () => {
    const dir = userDir({ 'drift.ts': driftEnv('DriftA-v0') });
    await expect(resolve('run', ['--env', 'DriftA-v0', '--controller', 'random'])).rejects.toThrow(/--env: unknown env "DriftA-v0"/);
    const { resolved } = await resolve('run', ['--import', path.join(dir, 'drift.ts'), '--env', 'DriftA-v0', '--controller', 'random']);
    expect(resolved).toMatchObject({ env: 'DriftA-v0', controller: 'random' });
  });

  it('reads the import key of a config file relative to the file, and a planner preset it registers applies', async () => {
    const dir = userDir({
      'envs/pend.mjs': `import { register } from '../{repo}/envs/registry.ts';\nimport { PendulumEnv } from '../{repo}/envs/pendulum.ts';\nimport { registerPlannerPreset } from '../{repo}/controllers/presets.ts';\nregister('UserPendulum-v0', (o) => new PendulumEnv(o), { maxEpisodeSteps: 100, physics: 'analytic', g: 10, m: 1, l: 1, substeps: 4 });\nregisterPlannerPreset('UserPendulum-v0', 'dcem', { horizon: 12, samples: 64, iterations: 2, solverConfig: { elites: 8 } });\n`,
      'cfg/run.json': JSON.stringify({ import: ['../envs/pend.mjs'], env: 'UserPendulum-v0' }),
    });
    const { resolved } = await resolve('run', ['--config', path.join(dir, 'cfg/run.json')]);
    expect(resolved).toMatchObject({ env: 'UserPendulum-v0', horizon: 12, samples: 64, iterations: 2, solverConfig: { elites: 8 } });
  });

  it('names the file and the cause when a module is missing or fails to load', async () => {
    const dir = userDir({ 'bad.mjs': 'throw new Error("boom in user code");\n', 'syntax.mjs': 'export const x = ;\n', 'c.json': JSON.stringify({ import: 42 }) });
    await expect(resolve('run', ['--import', path.join(dir, 'bad.mjs')])).rejects.toThrow(`--import: module ${path.join(dir, 'bad.mjs')} failed to load: boom in user code`);
    await expect(resolve('run', ['--import', path.join(dir, 'syntax.mjs')])).rejects.toThrow(/syntax\.mjs failed to load: .*(SyntaxError|Parse fail)/);
    await expect(resolve('train-dynamics', ['--import', path.join(dir, 'nope.js')])).rejects.toThrow(/--import: module .*nope\.js does not exist/);
    await expect(resolve('train-imitation', ['--import', dir])).rejects.toThrow(/is not a file/);
    await expect(resolve('run', ['--config', path.join(dir, 'c.json')])).rejects.toThrow(/c\.json: import: expected a module path/);
    await expect(resolve('envs', ['--import', path.join(dir, 'bad.mjs')])).rejects.toThrow(/bad\.mjs failed to load/);
  });

  it('knows which files node loads as CommonJS (their registrations would land in a second registry)', () => {
    const esm = userDir({ 'a.ts': '', 'b.js': '' });
    const cjs = userDir({ 'a.ts': '' }, 'commonjs');
    expect([isCommonJsScope(path.join(esm, 'a.ts')), isCommonJsScope(path.join(esm, 'b.js')), isCommonJsScope(path.join(cjs, 'a.ts'))]).toEqual([false, false, true]);
    expect([isCommonJsScope(path.join(cjs, 'a.mts')), isCommonJsScope(path.join(esm, 'a.cjs'))]).toEqual([false, true]);
  });

  it('runs a user env end to end through the real CLI (.ts and .mjs modules)', () => {
    const dir = userDir({
      'drift.ts': driftEnv('DriftB-v0'),
      'pend.mjs': `import { register } from '{repo}/envs/registry.ts';\nimport { PendulumEnv } from '{repo}/envs/pendulum.ts';\nregister('UserPendulumB-v0', (o) => new PendulumEnv(o), { maxEpisodeSteps: 100, physics: 'analytic', g: 10, m: 1, l: 1, substeps: 4 });\n`,
    });
    const cli = (args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts/diffmpc.ts'), 'run', '--backend', 'cpu', '--episodes', '1', '--max-episode-steps', '20', '--no-gif', ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
    const out = path.join(dir, 'runs');
    const a = cli(['--import', path.join(dir, 'drift.ts'), '--env', 'DriftB-v0', '--controller', 'random', '--out', out, '--name', 'drift']);
    expect(a.status, a.stderr).toBe(0);
    expect(a.stdout).toMatch(/DriftB-v0 .*random: return -?[\d.]+ over 1 episode/);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'drift', 'config.json'), 'utf8'))).toMatchObject({ env: 'DriftB-v0', maxEpisodeSteps: 20, gif: false });
    const b = cli(['--import', path.join(dir, 'pend.mjs'), '--env', 'UserPendulumB-v0', '--samples', '32', '--horizon', '8', '--iterations', '1', '--out', out, '--name', 'pend']);
    expect(b.status, b.stderr).toBe(0);
    expect(b.stdout).toMatch(/UserPendulumB-v0 .*mpc with dcem: return -?[\d.]+ over 1 episode/);
    expect(fs.existsSync(path.join(out, 'pend', 'states.png'))).toBe(true);
  });
});
