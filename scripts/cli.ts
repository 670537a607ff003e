// The command registry behind `diffmpc <command>`: each command lives in scripts/commands/<name>.ts and
// registers itself here; the entry point dispatches by name and prints help from the registry.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface Command {
  name: string;
  summary: string;
  /** Extra options beyond the common ones (--backend, --seed, --help). */
  options?: NonNullable<ParseArgsConfig['options']>;
  usage?: string;
  run(args: { values: Record<string, unknown>; positionals: string[] }): Promise<number | void>;
}

const commands = new Map<string, Command>();

export function registerCommand(cmd: Command): void {
  if (commands.has(cmd.name)) throw new Error(`registerCommand: "${cmd.name}" is registered twice`);
  commands.set(cmd.name, cmd);
}

export function getCommand(name: string): Command | undefined {
  return commands.get(name);
}

export function listCommands(): Command[] {
  return [...commands.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export const COMMON_OPTIONS = {
  backend: { type: 'string' as const, default: undefined },
  seed: { type: 'string' as const, default: undefined },
  help: { type: 'boolean' as const, short: 'h', default: false },
};

/** Parses argv for one command; unknown flags are an error naming the flag and the command's usage. */
export function parseCommandArgs(cmd: Command, argv: string[]): { values: Record<string, unknown>; positionals: string[] } {
  try {
    const r = parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...(cmd.options ?? {}) }, allowPositionals: true, strict: true });
    return { values: r.values as Record<string, unknown>, positionals: r.positionals };
  } catch (e) {
    throw new Error(`diffmpc ${cmd.name}: ${(e as Error).message}\nusage: diffmpc ${cmd.name} ${cmd.usage ?? ''}`);
  }
}

/** Parses --seed (integer) with a clear error. */
export function parseSeed(value: unknown, fallback = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--seed: expected a non-negative integer (got "${value}")`);
  return n;
}
