// The command registry behind `diffmpc <command>`: each command lives in scripts/commands/<name>.ts and
// registers itself here with its flag table (scripts/lib/flags.ts); parsing, the flag → config mapping and
// `--help` are all derived from that table, and the entry point dispatches by name.
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { ConfigError } from '../src/train/config.ts';
import { COMMON_FLAGS, UsageError, flagColumnWidth, flagHelpLines, normalizeArgv, parseOptions, schemaKeys, typedValues, MAX_SEED, type FlagSpec, type ParseOptions } from './lib/flags.ts';
import { Registry } from '../src/tensor/registry.ts';

export { COMMON_FLAGS, MAX_SEED, UsageError, type FlagSpec } from './lib/flags.ts';

export interface ParsedArgs {
  /** Typed values keyed by flag name (numbers as numbers, repeatable flags as arrays). */
  values: Record<string, unknown>;
  positionals: string[];
}

export interface Command {
  name: string;
  summary: string;
  /** Flags beyond the common ones (--backend, --seed, --help). */
  flags?: readonly FlagSpec[];
  /** Raw parseArgs options without a table entry (listed in the help without a description); prefer `flags`. */
  options?: ParseOptions;
  /** The config schema the flags' `key`s belong to: it validates their values and gives the help its ranges and defaults. */
  schema?: z.ZodTypeAny;
  /** Positional arguments for the usage line, e.g. '<suite|all>'; with `maxPositionals` (default: any number). */
  positionals?: string;
  maxPositionals?: number;
  /** Extra help text, e.g. the list of benchmark suites. */
  helpFooter?: () => string;
  /**
   * Parses and validates everything the run needs (config, names, plan size) without side effects on disk;
   * `run` calls it first. The fuzz suite drives it directly.
   */
  resolve?(args: ParsedArgs): Promise<unknown>;
  run(args: ParsedArgs): Promise<number | void>;
}

/** The commands by name. */
export const commandRegistry = new Registry<Command>({ kind: 'command' });

export function registerCommand(cmd: Command): void {
  commandRegistry.register(cmd.name, cmd);
}

export function getCommand(name: string): Command | undefined {
  return commandRegistry.find(name);
}

export function listCommands(): Command[] {
  return commandRegistry.items().map(([, c]) => c);
}

/** Every flag a command accepts: the common ones, its table, and raw options (as undocumented entries). */
export function commandFlags(cmd: Command): FlagSpec[] {
  const own = cmd.flags ?? [];
  const names = new Set(own.map((f) => f.name));
  const common = COMMON_FLAGS.filter((f) => !names.has(f.name));
  const raw = Object.entries(cmd.options ?? {})
    .filter(([n]) => !names.has(n) && !common.some((c) => c.name === n))
    .map(([n, o]): FlagSpec => ({ name: n, type: o.type === 'boolean' ? 'boolean' : o.multiple ? 'strings' : 'string', description: '', ...(o.short ? { short: o.short } : {}), ...(o.default !== undefined && !Array.isArray(o.default) ? { default: o.default } : {}) }));
  return [...own, ...raw, ...common];
}

/**
 * Parses argv for one command: unknown flags are answered with the closest known one, numbers must be
 * decimal, tables' ranges and choices are checked; every problem is a UsageError naming the flag.
 */
export function parseCommandArgs(cmd: Command, argv: string[]): ParsedArgs {
  const flags = commandFlags(cmd);
  // --help wins over anything else on the line (even a malformed flag beside it).
  const end = argv.indexOf('--');
  if ((end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h')) return { values: { help: true }, positionals: [] };
  try {
    const args = normalizeArgv(flags, argv);
    const r = parseArgs({ args, options: parseOptions(flags), allowPositionals: true, strict: true });
    const values = typedValues(flags, r.values as Record<string, unknown>, schemaKeys(cmd.schema));
    if (!values.help && cmd.maxPositionals !== undefined && r.positionals.length > cmd.maxPositionals) {
      const extra = r.positionals.slice(cmd.maxPositionals).map((p) => `"${p}"`).join(' ');
      throw new UsageError(cmd.maxPositionals === 0 ? `takes no positional arguments (got ${extra}); flags start with --` : `takes at most ${cmd.maxPositionals} positional argument(s) (extra: ${extra})`);
    }
    return { values, positionals: r.positionals };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new UsageError(`diffmpc ${cmd.name}: ${msg}\nusage: ${usageLine(cmd)}  (see diffmpc ${cmd.name} --help)`);
  }
}

/**
 * Parse and resolve without running: what `diffmpc <cmd> ARGS` validates before it writes anything. Input
 * errors are UsageErrors prefixed with the command, as the entry point prints them.
 */
export async function resolveCommandArgs(cmd: Command, argv: string[]): Promise<{ args: ParsedArgs; resolved: unknown }> {
  const args = parseCommandArgs(cmd, argv);
  try {
    return { args, resolved: await cmd.resolve?.(args) };
  } catch (e) {
    throw withCommand(cmd, e);
  }
}

/** A usage error from resolving `cmd`, prefixed with the command name; other errors unchanged. */
export function withCommand(cmd: Command, e: unknown): unknown {
  if (isUsageError(e) && !(e as Error).message.startsWith('diffmpc ')) return new UsageError(`diffmpc ${cmd.name}: ${(e as Error).message}`);
  return e;
}

export function usageLine(cmd: Command): string {
  return `diffmpc ${cmd.name}${cmd.positionals ? ` ${cmd.positionals}` : ''} [options]`;
}

/** `diffmpc <cmd> --help`: usage, summary, every accepted flag with its description, range and default. */
export function commandHelp(cmd: Command): string {
  const flags = commandFlags(cmd);
  const own = flags.filter((f) => !COMMON_FLAGS.includes(f));
  const common = flags.filter((f) => COMMON_FLAGS.includes(f));
  const parts = [`usage: ${usageLine(cmd)}`, '', cmd.summary];
  const width = flagColumnWidth([...own, ...common], cmd.schema);
  if (own.length) parts.push('', 'options:', ...flagHelpLines(own, cmd.schema, width));
  parts.push('', 'common options:', ...flagHelpLines(common, cmd.schema, width));
  const footer = cmd.helpFooter?.();
  if (footer) parts.push('', footer);
  return parts.join('\n');
}

/** Errors that are the user's input (flags, config files, user modules): exit code 2. */
export function isUsageError(e: unknown): boolean {
  return e instanceof UsageError || e instanceof ConfigError;
}

/** Parses --seed (integer) with a clear error. */
export function parseSeed(value: unknown, fallback = 0): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'number' ? value : /^\d+$/.test(String(value).trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_SEED) throw new UsageError(`--seed: expected an integer in 0..${MAX_SEED} (got "${String(value)}")`);
  return n;
}
