// Fuzzing the command line's parse + validate layer (scripts/cli.ts resolveCommandArgs) over every command
// and flag: numbers of every shape (in and out of range, negative, huge, hex, exponent, garbage), typos of
// flags, random and corrupt --config files, missing files and directories, plan sizes; plus a few real CLI
// processes end to end. Every rejection must be a usage error naming the flag, field or file (no JS/tfjs
// internals, no stack), every accepted value must reach the config unchanged, and nothing is written to
// disk. FUZZ_RUNS scales the number of generated cases (default 100 per property unit).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_PLAN_ELEMENTS } from '../../controllers/plan-limits.ts';
import { commandFlags, getCommand, isUsageError, listCommands, resolveCommandArgs, type Command, type FlagSpec } from '../../scripts/cli.ts';
import { editDistance } from '../../scripts/lib/closest.ts';
import { fieldInfo, schemaKeys } from '../../scripts/lib/flags.ts';
import '../../scripts/commands/index.ts';
import { REPO_ROOT } from '../helpers/reference.ts';

const RUNS = Math.max(1, Math.floor(Number(process.env.FUZZ_RUNS ?? 100)));
let cases = 0;
afterAll(() => console.log(`cli fuzz: ${cases} generated cases (FUZZ_RUNS=${RUNS})`));

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'diffmpc-fuzz-cli-'));
/** Passed as --out to every command that has one; must never come into existence. */
const NEVER = path.join(TMP, 'never-created');
afterAll(() => expect(fs.existsSync(NEVER), `${NEVER} was created by a rejected or resolve-only invocation`).toBe(false));

const COMMANDS = listCommands();
const withOut = (cmd: Command, argv: string[]) => (commandFlags(cmd).some((f) => f.name === 'out') ? [...argv, '--out', NEVER] : argv);

type Outcome = { ok: true; resolved: unknown } | { ok: false; message: string };

/** Parse + resolve in-process; a non-usage error (a JS/tfjs internal) fails the test immediately. */
async function attempt(cmd: Command, argv: string[]): Promise<Outcome> {
  cases++;
  try {
    const { resolved } = await resolveCommandArgs(cmd, withOut(cmd, argv));
    return { ok: true, resolved };
  } catch (e) {
    if (!isUsageError(e)) throw new Error(`diffmpc ${cmd.name} ${argv.join(' ')}: not a usage error: ${(e as Error).stack ?? String(e)}`);
    const message = (e as Error).message;
    expectClean(message);
    return { ok: false, message };
  }
}

/** A message a user can act on: no stack lines, no raw internals, bounded length. */
function expectClean(message: string): void {
  expect(message).not.toMatch(/^\s+at /m);
  expect(message).not.toMatch(/Invalid typed array length|ERR_PARSE_ARGS|\[object Object\]|is not a function|Cannot read propert/);
  expect(message.length).toBeLessThan(3000);
}

const numericFlags: { cmd: Command; flag: FlagSpec }[] = COMMANDS.flatMap((cmd) => commandFlags(cmd).filter((f) => f.type === 'int' || f.type === 'number').map((flag) => ({ cmd, flag })));

/** Range of a flag as validated: the schema field's, or the table's own. */
function rangeOf(cmd: Command, f: FlagSpec): { min?: number; max?: number; minExclusive?: boolean } {
  return f.key && cmd.schema && schemaKeys(cmd.schema).has(f.key) ? fieldInfo(cmd.schema, f.key) : { min: f.min, max: f.max };
}

/** Whether a single flag value must be accepted (decimal syntax, range, the few cross-field rules). */
function accepts(cmd: Command, f: FlagSpec, raw: string): boolean {
  const s = raw.trim();
  const syntax = f.type === 'int' ? /^[+-]?[0-9]+$/ : /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/;
  if (!syntax.test(s)) return false;
  const n = Number(s);
  if (!Number.isFinite(n) || (f.type === 'int' && !Number.isSafeInteger(n))) return false;
  const r = rangeOf(cmd, f);
  if (r.min !== undefined && (r.minExclusive ? n <= r.min : n < r.min)) return false;
  if (r.max !== undefined && n > r.max) return false;
  // train-dynamics: randomEpisodes (default 1) < episodes (default 10)
  if (cmd.name === 'train-dynamics' && f.key === 'episodes' && n <= 1) return false;
  if (cmd.name === 'train-dynamics' && f.key === 'randomEpisodes' && n >= 10) return false;
  return true;
}

const numberish = (f: FlagSpec, cmd: Command): fc.Arbitrary<string> => {
  const r = rangeOf(cmd, f);
  const edges = [r.min, r.max].filter((x): x is number => x !== undefined).flatMap((x) => [x - 1, x, x + 1, x + 0.5].map(String));
  return fc.oneof(
    fc.integer({ min: -1_000_000, max: 1_000_000 }).map(String),
    fc.constantFrom(...edges, '0', '1', '-1', '2147483647', '2147483648', '1e12', '1e9', '1e-3', '0x5', '0X1F', '0o7', '0b1', '5abc', '', ' ', 'NaN', 'Infinity', '-Infinity', '1.5', '.5', '5.', '+3', '--1', '1_000', '٣', '1e400', '-0'),
    fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
    fc.double().map(String),
    fc.string({ maxLength: 12 }),
  );
};

describe('numeric flags (in-process)', () => {
  it('every numeric flag of every command has a finite range', () => {
    expect(numericFlags.length).toBeGreaterThan(20);
    for (const { cmd, flag } of numericFlags) {
      const r = rangeOf(cmd, flag);
      expect([r.min, r.max].every((x) => x !== undefined && Number.isFinite(x)), `${cmd.name} --${flag.name}: ${JSON.stringify(r)}`).toBe(true);
    }
  });

  it('accept exactly the decimal values in range, set them in the config, and reject the rest naming the flag', async () => {
    const arb = fc.constantFrom(...numericFlags).chain(({ cmd, flag }) => fc.record({ cmd: fc.constant(cmd), flag: fc.constant(flag), raw: numberish(flag, cmd), eq: fc.boolean() }));
    await fc.assert(
      fc.asyncProperty(arb, async ({ cmd, flag, raw, eq }) => {
        const argv = eq ? [`--${flag.name}=${raw}`] : [`--${flag.name}`, raw];
        const r = await attempt(cmd, argv);
        const want = accepts(cmd, flag, raw);
        if (r.ok) {
          expect(want, `${cmd.name} ${argv.join(' ')} was accepted`).toBe(true);
          if (flag.key && cmd.schema && r.resolved && typeof r.resolved === 'object') expect((r.resolved as Record<string, unknown>)[flag.key]).toBe(Number(raw.trim()));
        } else {
          expect(want, `${cmd.name} ${argv.join(' ')} was rejected: ${r.message}`).toBe(false);
          expect(r.message).toContain(`--${flag.name}`);
          expect(r.message.startsWith(`diffmpc ${cmd.name}: `)).toBe(true);
        }
      }),
      { numRuns: 6 * RUNS },
    );
  });

  it('bound the plan size B·N·H·nu and name --samples and the limit when it is exceeded', async () => {
    const imitation = getCommand('train-imitation')!;
    const run = getCommand('run')!;
    const arb = fc.record({ states: fc.integer({ min: 1, max: 4096 }), samples: fc.integer({ min: 1, max: 100_000 }), horizon: fc.integer({ min: 1, max: 500 }), imitation: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(arb, async ({ states, samples, horizon, imitation: imi }) => {
        const argv = ['--samples', String(samples), '--horizon', String(horizon), ...(imi ? ['--states', String(states)] : ['--env', 'Pendulum-v1'])];
        const r = await attempt(imi ? imitation : run, argv);
        const elements = (imi ? states : 1) * samples * horizon;
        expect(r.ok, r.ok ? '' : r.message).toBe(elements <= MAX_PLAN_ELEMENTS);
        if (!r.ok) expect(r.message).toMatch(new RegExp(`--samples ${samples} × --horizon ${horizon} .*over the limit of ${MAX_PLAN_ELEMENTS}`));
      }),
      { numRuns: 2 * RUNS },
    );
  });
});

describe('flag names and string values (in-process)', () => {
  const named = COMMANDS.flatMap((cmd) => commandFlags(cmd).filter((f) => f.name.length >= 3).map((flag) => ({ cmd, flag })));

  it('answer a one-edit typo of a flag with a flag at most one edit away', async () => {
    const typo = fc.constantFrom(...named).chain(({ cmd, flag }) =>
      fc.record({ op: fc.constantFrom('delete', 'swap', 'substitute', 'insert'), i: fc.nat({ max: flag.name.length - 1 }), ch: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz-') }).map(({ op, i, ch }) => {
        const n = flag.name;
        const t = op === 'delete' ? n.slice(0, i) + n.slice(i + 1) : op === 'swap' && i + 1 < n.length ? n.slice(0, i) + n[i + 1] + n[i] + n.slice(i + 2) : op === 'insert' ? n.slice(0, i) + ch + n.slice(i) : n.slice(0, i) + ch + n.slice(i + 1);
        return { cmd, typo: t };
      }),
    );
    await fc.assert(
      fc.asyncProperty(typo, async ({ cmd, typo: t }) => {
        const known = commandFlags(cmd).map((f) => f.name);
        fc.pre(t !== '' && !known.includes(t) && !t.startsWith('-'));
        const r = await attempt(cmd, [`--${t}`, '1']);
        expect(r.ok).toBe(false);
        if (r.ok) return;
        expect(r.message).toContain(`unknown flag --${t}.`);
        const m = /Did you mean --([\w-]+)\?/.exec(r.message);
        expect(m, r.message).not.toBeNull();
        expect(editDistance(t, m![1]!)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 2 * RUNS },
    );
  });

  it('reject unknown names and values of env, solver, physics, controller, backend naming the flag', async () => {
    const stringFlags = COMMANDS.flatMap((cmd) => commandFlags(cmd).filter((f) => ['env', 'solver', 'physics', 'controller', 'backend'].includes(f.name)).map((flag) => ({ cmd, flag })));
    const arb = fc.record({ target: fc.constantFrom(...stringFlags), value: fc.oneof(fc.string({ maxLength: 16 }), fc.constantFrom('Pendulum-v1', 'pendulum-v1', 'Pendulm-v1', 'dcem', 'DCEM', 'qp', 'matter', 'bullet', 'lqr', 'cpu', 'gpu', '')) });
    await fc.assert(
      fc.asyncProperty(arb, async ({ target: { cmd, flag }, value }) => {
        fc.pre(!value.startsWith('-'));
        const argv = [`--${flag.name}=${value}`, ...(flag.name === 'solver' && cmd.name === 'run' ? ['--controller', 'mpc'] : [])];
        const r = await attempt(cmd, argv);
        if (r.ok) {
          if (cmd.schema && flag.key) expect((r.resolved as Record<string, unknown>)[flag.key]).toBe(value);
        } else expect(r.message).toContain(`--${flag.name}`);
      }),
      { numRuns: 2 * RUNS },
    );
  });
});

describe('--config files (in-process)', () => {
  const configCommands = COMMANDS.filter((c) => c.schema && commandFlags(c).some((f) => f.name === 'config'));
  let n = 0;
  const write = (text: string | Uint8Array) => {
    const f = path.join(TMP, `c${n++}.json`);
    fs.writeFileSync(f, text);
    return f;
  };

  it('reject unknown keys and bad values naming the file and the field; accept what the schema accepts', async () => {
    const arb = fc.constantFrom(...configCommands).chain((cmd) => {
      const keys = [...schemaKeys(cmd.schema)];
      const key = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...keys) }, { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 10 }).filter((k) => k !== 'import' && k !== '__proto__') });
      const value = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.integer({ min: -10, max: 1e6 }), fc.constantFrom('Pendulum-v1', 'dcem', 'novas', 'matter', 'analytic', 'mpc', 'cpu', true, false, null));
      return fc.record({ cmd: fc.constant(cmd), obj: fc.dictionary(key, value, { maxKeys: 5 }) });
    });
    await fc.assert(
      fc.asyncProperty(arb, async ({ cmd, obj }) => {
        const file = write(JSON.stringify(obj));
        const r = await attempt(cmd, ['--config', file]);
        const keys = schemaKeys(cmd.schema);
        const unknown = Object.keys(obj).filter((k) => !keys.has(k));
        if (unknown.length) {
          expect(r.ok).toBe(false);
          if (!r.ok) expect(r.message).toContain(unknown[0]);
        }
        if (r.ok) {
          for (const [k, v] of Object.entries(obj)) if (typeof v !== 'object' || v === null) expect((r.resolved as Record<string, unknown>)[k]).toEqual(v);
        } else {
          // Named by the file and one of its fields, or (plan size) by the flags to lower.
          const namesField = Object.keys(obj).some((k) => r.message.includes(k));
          expect(r.message.includes(file) || /--samples .* over the limit/.test(r.message), r.message).toBe(true);
          expect(namesField || /over the limit/.test(r.message), r.message).toBe(true);
        }
      }),
      { numRuns: 3 * RUNS },
    );
  });

  it('report truncated and corrupt files as invalid JSON with their path', async () => {
    const valid = { horizon: 12, samples: 64, iterations: 2, seed: 3 };
    const text = JSON.stringify(valid);
    const arb = fc.record({
      cmd: fc.constantFrom(...configCommands),
      content: fc.oneof(
        fc.nat({ max: text.length - 1 }).map((k) => text.slice(0, k)),
        fc.uint8Array({ maxLength: 64 }),
        fc.constantFrom('\uFEFF' + text, '[]', 'null', '"text"', '42', '{"horizon": 12,}', '{"import": 42}', '{"import": []}', '{"import": ["/nonexistent/module.mjs"]}'),
      ),
    });
    await fc.assert(
      fc.asyncProperty(arb, async ({ cmd, content }) => {
        const file = write(content);
        const r = await attempt(cmd, ['--config', file]);
        if (!r.ok) expect(r.message).toContain(file);
      }),
      { numRuns: 2 * RUNS },
    );
  });

  it('name missing files, directories and paths through a file (--config and --import)', async () => {
    const aFile = write('{}');
    const arb = fc.record({
      cmd: fc.constantFrom(...configCommands),
      flag: fc.constantFrom('config', 'import'),
      target: fc.oneof(
        fc.stringMatching(/^[a-z0-9]{1,8}$/).map((s) => path.join(TMP, 'missing', `${s}.json`)),
        fc.constant(TMP),
        fc.constant(path.join(aFile, 'child.json')),
      ),
    });
    await fc.assert(
      fc.asyncProperty(arb, async ({ cmd, flag, target }) => {
        const r = await attempt(cmd, [`--${flag}`, target]);
        expect(r.ok).toBe(false);
        if (!r.ok) {
          expect(r.message).toContain(`--${flag}`);
          expect(r.message).toContain(target);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

/** One real CLI process; resolves with its exit code, output and whether it had to be killed. */
function cli(args: string[], timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string; killed: boolean }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts/diffmpc.ts'), ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      p.kill('SIGKILL');
    }, timeoutMs);
    p.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, killed });
    });
  });
}

describe('the real CLI (spawned)', () => {
  it('exits 2 with one clear line, within the time bound, writing nothing', async () => {
    const truncated = path.join(TMP, 'truncated.json');
    fs.writeFileSync(truncated, '{"horizon": 12, "samp');
    // A few generated invalid numeric flag values (fixed seed: reproducible) on top of the named cases.
    const generated = fc
      .sample(
        fc.constantFrom(...numericFlags.filter(({ cmd }) => ['run', 'train-dynamics', 'train-imitation'].includes(cmd.name))).chain(({ cmd, flag }) => numberish(flag, cmd).filter((raw) => !accepts(cmd, flag, raw) && raw.trim() !== '').map((raw) => ({ args: [cmd.name, `--${flag.name}=${raw}`], names: `--${flag.name}` }))),
        { numRuns: 2, seed: 42 },
      );
    const scenarios: { args: string[]; names: string | RegExp }[] = [
      { args: ['run', '--sampels', '5'], names: /unknown flag --sampels\. Did you mean --samples\?/ },
      { args: ['run', '--iterations', '0x5'], names: '--iterations' },
      { args: ['run', '--samples', '1e12'], names: '--samples' },
      { args: ['run', '--seed', '-1'], names: '--seed' },
      { args: ['train-imitation', '--states', '4096', '--samples', '100000'], names: /--samples 100000 × --horizon 10 .*over the limit/ },
      { args: ['run', '--config', truncated], names: truncated },
      { args: ['train-dynamics', '--import', path.join(TMP, 'missing.mjs')], names: /--import: module .*missing\.mjs does not exist/ },
      ...generated,
    ];
    const results: { s: (typeof scenarios)[number]; r: Awaited<ReturnType<typeof cli>>; out: string }[] = [];
    // Two at a time (2 shared cores).
    for (let i = 0; i < scenarios.length; i += 2) {
      const batch = scenarios.slice(i, i + 2).map(async (s, j) => {
        const out = path.join(TMP, `spawn-out-${i + j}`);
        return { s, r: await cli([...s.args, '--out', out]), out };
      });
      results.push(...(await Promise.all(batch)));
    }
    for (const { s, r, out } of results) {
      cases++;
      const what = `diffmpc ${s.args.join(' ')}`;
      expect(r.killed, `${what} hung`).toBe(false);
      expect(r.code, `${what}: ${r.stderr}`).toBe(2);
      expect(r.stdout, what).toBe('');
      expectClean(r.stderr);
      if (typeof s.names === 'string') expect(r.stderr).toContain(s.names);
      else expect(r.stderr).toMatch(s.names);
      expect(fs.existsSync(out), `${what} created ${out}`).toBe(false);
    }
  });
});
