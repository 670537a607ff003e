// The command line's flag tables: --help lists every accepted flag with a description (derived from the
// same table that parses), numbers are strict decimals, `--flag -1` works, unknown flags get the closest
// known one, common flags reach the config, and validation rejects before anything is written.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError, commandFlags, commandHelp, getCommand, listCommands, parseCommandArgs, resolveCommandArgs, type Command } from '../../scripts/cli.ts';
import { closest, editDistance } from '../../scripts/lib/closest.ts';
import { listBenchSuites } from '../../scripts/lib/bench-suites.ts';
import '../../scripts/commands/index.ts';

const cmd = (name: string): Command => {
  const c = getCommand(name);
  if (!c) throw new Error(`no command ${name}`);
  return c;
};
const resolve = (name: string, argv: string[]) => resolveCommandArgs(cmd(name), argv);

describe('diffmpc --help', () => {
  it('lists every accepted flag of every command with a one-line description', () => {
    for (const c of listCommands()) {
      const help = commandHelp(c);
      for (const f of commandFlags(c)) {
        const line = help.split('\n').findIndex((l) => new RegExp(`--${f.name}\\b`).test(l) && l.trimStart().startsWith(f.short ? `-${f.short}, --${f.name}` : `--${f.name}`));
        expect(line, `${c.name} --help lists --${f.name}`).toBeGreaterThanOrEqual(0);
        expect(f.description.length, `${c.name} --${f.name} has a description`).toBeGreaterThan(0);
      }
    }
  });

  it('lists the flags the old usage lines left out, with defaults and ranges', () => {
    const run = commandHelp(cmd('run'));
    for (const f of ['--seed', '--max-episode-steps', '--no-gif', '--out', '--overwrite', '--import']) expect(run).toContain(f);
    expect(run).toMatch(/--horizon N\s+planning horizon in steps \[1\.\.500; default 20 or the preset/);
    expect(run).toMatch(/--out DIR .*\[default runs\]/);
    const dyn = commandHelp(cmd('train-dynamics'));
    for (const f of ['--eval-episodes', '--solver', '--horizon', '--samples', '--iterations']) expect(dyn).toContain(f);
    const imi = commandHelp(cmd('train-imitation'));
    for (const f of ['--lr', '--horizon', '--samples', '--iterations']) expect(imi).toContain(f);
    expect(imi).toMatch(/--lr X .*default 0\.02/);
  });

  it('bench --help lists the registered suites', () => {
    const help = commandHelp(cmd('bench'));
    expect(listBenchSuites().length).toBeGreaterThan(0);
    for (const s of listBenchSuites()) expect(help).toMatch(new RegExp(`^  ${s.name}\\s`, 'm'));
  });
});

describe('parseCommandArgs', () => {
  it('accepts a negative number after the flag and rejects it by range, naming the flag', async () => {
    expect(parseCommandArgs(cmd('run'), ['--seed', '-1']).values.seed).toBe(-1);
    await expect(resolve('run', ['--seed', '-1'])).rejects.toThrow(/--seed: .*greater than or equal to 0 \(got -1\)/);
    expect(parseCommandArgs(cmd('train-imitation'), ['--lr', '-0.5']).values.lr).toBe(-0.5);
  });

  it('rejects hexadecimal and other non-decimal numbers', () => {
    expect(() => parseCommandArgs(cmd('run'), ['--iterations', '0x5'])).toThrow(/--iterations: expected a decimal integer \(got "0x5"\); hexadecimal/);
    for (const v of ['5abc', '', '1.5', 'Infinity', '0b11', '1e3']) expect(() => parseCommandArgs(cmd('run'), [`--samples=${v}`])).toThrow(UsageError);
    expect(parseCommandArgs(cmd('train-imitation'), ['--lr', '1e-3']).values.lr).toBe(1e-3);
  });

  it('answers an unknown flag with the closest known one', () => {
    expect(() => parseCommandArgs(cmd('run'), ['--sampels', '5'])).toThrow(/unknown flag --sampels\. Did you mean --samples\?/);
    expect(() => parseCommandArgs(cmd('train-dynamics'), ['--eval-episode', '2'])).toThrow(/Did you mean --eval-episodes\?/);
    expect(() => parseCommandArgs(cmd('run'), ['--zzzzzzzz'])).toThrow(/unknown flag --zzzzzzzz\.\n/);
  });

  it('maps the common flags and booleans onto the config', async () => {
    const { resolved } = await resolve('run', ['--seed', '7', '--backend', 'cpu', '--no-gif', '--max-episode-steps', '20']);
    expect(resolved).toMatchObject({ seed: 7, backend: 'cpu', gif: false, maxEpisodeSteps: 20 });
    const d = await resolve('train-dynamics', ['--seed', '3', '--eval-episodes', '0', '--min-steps', '0', '--lr', '0.01']);
    expect(d.resolved).toMatchObject({ seed: 3, evalEpisodes: 0, minSteps: 0, learningRate: 0.01 });
  });

  it('checks env and solver names and the plan size before running, naming the flag', async () => {
    await expect(resolve('run', ['--env', 'Pendulm-v1'])).rejects.toThrow(/--env: unknown env "Pendulm-v1".*Did you mean Pendulum-v1\?/);
    await expect(resolve('run', ['--solver', 'dcme'])).rejects.toThrow(/--solver: unknown solver "dcme".*Did you mean dcem\?/);
    await expect(resolve('run', ['--horizon', '100000'])).rejects.toThrow(/--horizon: .*less than or equal to 500/);
    await expect(resolve('train-imitation', ['--states', '4096', '--samples', '100000', '--horizon', '500'])).rejects.toThrow(/--samples 100000 × --horizon 500 .*over the limit of 67108864/);
    // the solver name does not matter for the random controller
    await expect(resolve('run', ['--controller', 'random', '--solver', 'nope'])).resolves.toBeDefined();
  });

  it('rejects positional arguments of commands that take none', () => {
    expect(() => parseCommandArgs(cmd('run'), ['foo'])).toThrow(/takes no positional arguments \(got "foo"\)/);
    expect(parseCommandArgs(cmd('bench'), ['mpc']).positionals).toEqual(['mpc']);
  });

  it('writes nothing when validation fails', async () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'diffmpc-cli-')), 'runs');
    await expect(resolve('run', ['--samples', '0', '--out', out])).rejects.toThrow(/--samples/);
    await expect(resolve('run', ['--out', out])).resolves.toBeDefined();
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('closest', () => {
  it('suggests names within a third of their length in edits', () => {
    expect(editDistance('sampels', 'samples')).toBe(1);
    expect(closest('--horzion', ['--horizon', '--samples'])).toBe('--horizon');
    expect(closest('--foo', ['--horizon', '--samples'])).toBeUndefined();
  });
});
