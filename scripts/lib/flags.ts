// Declarative command-line flags: one table per command (name, type, description, default, range, the
// config key it sets) from which the parseArgs options, the typed values, the flag → config mapping and the
// help text are all derived, so help cannot drift from what is accepted. Values of flags that set a config
// key are validated by the command's zod schema (its ranges and defaults are what the help shows); the
// table's own min/max/choices cover flags without a schema field. Numbers are strict decimals
// (`0x5`, `5abc`, `Infinity` are rejected) and negative values may follow the flag (`--seed -1`).
import type { ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { BACKEND_NAMES } from '../../src/tensor/backend.ts';
import { didYouMean } from './closest.ts';

/** Bad command-line usage (unknown flag, malformed value, out of range): exit code 2, no stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** int: decimal integer; number: decimal real (1e-3 allowed); strings: repeatable string flag. */
export type FlagType = 'int' | 'number' | 'string' | 'boolean' | 'strings';

export interface FlagSpec {
  /** Long name without the dashes, e.g. 'max-episode-steps'. */
  name: string;
  type: FlagType;
  /** One line for --help. */
  description: string;
  /** Config field this flag sets (validated by the command's schema), e.g. 'maxEpisodeSteps'. */
  key?: string;
  /** Value put under `key` when a boolean flag is given (e.g. --no-gif sets gif: false); default `true`. */
  sets?: unknown;
  /** Default of a flag without a schema field (a schema field's default is read from the schema). */
  default?: string | boolean;
  /** Range of a numeric flag without a schema field. */
  min?: number;
  max?: number;
  choices?: readonly string[];
  /** Value name in the help, e.g. FILE; defaults to N (int), X (number), VALUE (string). */
  placeholder?: string;
  short?: string;
  /** Default the command applies itself when the flag is absent (shown in the help, not passed to parseArgs). */
  shownDefault?: string;
  /** Added to the default in the help, e.g. 'or the preset of the env and solver'. */
  defaultNote?: string;
}

/** Largest accepted --seed (seeds are 32-bit; derived seeds add offsets). */
export const MAX_SEED = 2 ** 31 - 1;

/** Flags every command accepts. */
export const COMMON_FLAGS: readonly FlagSpec[] = [
  { name: 'backend', type: 'string', placeholder: 'NAME', description: `tensor backend: ${BACKEND_NAMES.join(', ')} (or $DIFFMPC_BACKEND)`, choices: BACKEND_NAMES, key: 'backend', shownDefault: 'auto' },
  { name: 'seed', type: 'int', description: 'seed of resets, sampling noise and initial weights', key: 'seed', min: 0, max: MAX_SEED, shownDefault: '0' },
  { name: 'help', short: 'h', type: 'boolean', description: 'print this help' },
];

export type ParseOptions = NonNullable<ParseArgsConfig['options']>;

/** The parseArgs options of a flag table (numbers are read as strings and converted by `typedValues`). */
export function parseOptions(flags: readonly FlagSpec[]): ParseOptions {
  const out: ParseOptions = {};
  for (const f of flags) {
    const o: ParseOptions[string] =
      f.type === 'boolean' ? { type: 'boolean' } : f.type === 'strings' ? { type: 'string', multiple: true } : { type: 'string' };
    if (f.short) o.short = f.short;
    if (f.default !== undefined) o.default = f.default as never;
    out[f.name] = o;
  }
  return out;
}

const INT = /^[+-]?\d+$/;
const REAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

/**
 * Rewrites `--flag -1` to `--flag=-1` for value-taking flags (parseArgs would call it ambiguous) and checks
 * every `--flag` token against the table, suggesting the closest known flag for an unknown one.
 */
export function normalizeArgv(flags: readonly FlagSpec[], argv: readonly string[]): string[] {
  const byName = new Map(flags.map((f) => [f.name, f]));
  const byShort = new Map(flags.filter((f) => f.short).map((f) => [f.short!, f]));
  const known = flags.map((f) => `--${f.name}`);
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i]!;
    if (tok === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (!tok.startsWith('-') || tok === '-' || NEGATIVE_NUMBER.test(tok)) {
      out.push(tok);
      continue;
    }
    const long = tok.startsWith('--');
    const eq = tok.indexOf('=');
    const name = long ? tok.slice(2, eq < 0 ? undefined : eq) : tok.slice(1);
    const spec = long ? byName.get(name) : byShort.get(name);
    if (!spec) {
      const shownName = long ? `--${name}` : tok;
      throw new UsageError(`unknown flag ${shownName}.${didYouMean(shownName, known)}`);
    }
    if (spec.type === 'boolean') {
      if (long && eq >= 0) throw new UsageError(`--${name} takes no value (got "${tok.slice(eq + 1)}"); pass --${name} alone`);
      out.push(tok);
      continue;
    }
    if (eq >= 0) {
      out.push(tok);
      continue;
    }
    const next = argv[i + 1];
    if (next === undefined || (next.startsWith('-') && !NEGATIVE_NUMBER.test(next) && next !== '-')) {
      const dash = next !== undefined ? ` (a value starting with "-" goes as --${spec.name}=${next})` : '';
      throw new UsageError(`--${spec.name} needs a value, e.g. --${spec.name} ${example(spec)}${dash}`);
    }
    out.push(`--${spec.name}=${next}`);
    i++;
  }
  return out;
}

function example(f: FlagSpec): string {
  if (f.choices?.length) return f.choices[0]!;
  if (f.default !== undefined && typeof f.default === 'string' && f.default !== '') return f.default;
  return f.type === 'int' ? '1' : f.type === 'number' ? '0.5' : (f.placeholder ?? 'VALUE');
}

/** Converts one raw flag string to its typed value; throws a UsageError naming the flag. */
export function convertFlag(f: FlagSpec, raw: string, checkRange: boolean): unknown {
  const flag = `--${f.name}`;
  if (f.type === 'int' || f.type === 'number') {
    const s = raw.trim();
    if (!(f.type === 'int' ? INT : REAL).test(s)) {
      const why = /^[+-]?0[xob]/i.test(s) ? '; hexadecimal, octal and binary forms are not accepted' : '';
      throw new UsageError(`${flag}: expected ${f.type === 'int' ? 'a decimal integer' : 'a decimal number'} (got "${raw}")${why}`);
    }
    const n = Number(s);
    if (f.type === 'int' && !Number.isSafeInteger(n)) throw new UsageError(`${flag}: ${raw} is too large (the limit is ${f.max ?? Number.MAX_SAFE_INTEGER})`);
    if (!Number.isFinite(n)) throw new UsageError(`${flag}: ${raw} is not a finite number`);
    if (checkRange && f.min !== undefined && n < f.min) throw new UsageError(`${flag}: must be at least ${f.min} (got ${raw})`);
    if (checkRange && f.max !== undefined && n > f.max) throw new UsageError(`${flag}: must be at most ${f.max} (got ${raw})`);
    return n;
  }
  if (f.choices && !f.choices.includes(raw)) {
    throw new UsageError(`${flag}: unknown value "${raw}"; expected one of ${f.choices.join(', ')}.${didYouMean(raw, f.choices)}`);
  }
  return raw;
}

/**
 * Typed values of parsed flags, keyed by flag name: numbers as numbers, repeatable flags as arrays.
 * `schemaKeys` lists config keys whose ranges the schema checks (the table's min/max is skipped for them).
 */
export function typedValues(flags: readonly FlagSpec[], raw: Record<string, unknown>, schemaKeys: ReadonlySet<string> = new Set()): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of flags) {
    const v = raw[f.name];
    if (v === undefined) continue;
    const checkRange = !(f.key && schemaKeys.has(f.key));
    if (f.type === 'strings') out[f.name] = (v as string[]).map((s) => convertFlag(f, s, checkRange));
    else if (f.type === 'boolean') out[f.name] = v;
    else out[f.name] = convertFlag(f, String(v), checkRange);
  }
  return out;
}

/** The config fields set by the given flags (flags not given are absent). */
export function configFromFlags(flags: readonly FlagSpec[], values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of flags) {
    if (!f.key || values[f.name] === undefined) continue;
    if (f.type === 'boolean') {
      if (values[f.name] === true) out[f.key] = f.sets ?? true;
    } else out[f.key] = values[f.name];
  }
  return out;
}

/** Config key → `--flag` for the error messages of resolveConfig. */
export function flagNamesOf(flags: readonly FlagSpec[]): Record<string, string> {
  return Object.fromEntries(flags.filter((f) => f.key).map((f) => [f.key!, `--${f.name}`]));
}

export interface FieldInfo {
  default?: unknown;
  min?: number;
  /** The minimum itself is excluded (e.g. a positive real). */
  minExclusive?: boolean;
  max?: number;
  choices?: readonly string[];
}

/** Unwraps refinements of an object schema down to its shape. */
function shapeOf(schema: z.ZodTypeAny): Record<string, z.ZodTypeAny> | undefined {
  let s: z.ZodTypeAny = schema;
  while (s instanceof z.ZodEffects) s = s.innerType();
  return s instanceof z.ZodObject ? (s.shape as Record<string, z.ZodTypeAny>) : undefined;
}

/** Config keys of an object schema. */
export function schemaKeys(schema: z.ZodTypeAny | undefined): Set<string> {
  return new Set(schema ? Object.keys(shapeOf(schema) ?? {}) : []);
}

/** Default, numeric range and choices of one field of an object schema (what the help prints). */
export function fieldInfo(schema: z.ZodTypeAny, key: string): FieldInfo {
  let s: z.ZodTypeAny | undefined = shapeOf(schema)?.[key];
  const info: FieldInfo = {};
  for (let depth = 0; s && depth < 8; depth++) {
    if (s instanceof z.ZodDefault) {
      info.default = s._def.defaultValue();
      s = s._def.innerType;
    } else if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap();
    else if (s instanceof z.ZodEffects) s = s.innerType();
    else if (s instanceof z.ZodArray) s = s.element;
    else break;
  }
  if (s instanceof z.ZodNumber) {
    for (const c of s._def.checks) {
      if (c.kind === 'min') {
        info.min = c.inclusive || !s.isInt ? c.value : c.value + 1;
        if (!c.inclusive && !s.isInt) info.minExclusive = true;
      }
      if (c.kind === 'max') info.max = c.inclusive ? c.value : s.isInt ? c.value - 1 : c.value;
    }
  }
  if (s instanceof z.ZodEnum) info.choices = s.options as string[];
  if (s instanceof z.ZodLiteral && typeof s.value === 'string') info.choices = [s.value];
  return info;
}

function placeholder(f: FlagSpec, info: FieldInfo): string {
  if (f.type === 'boolean') return '';
  if (f.placeholder) return ` ${f.placeholder}`;
  const choices = f.choices ?? info.choices;
  if (choices && choices.length <= 6) return ` ${choices.join('|')}`;
  return ` ${f.placeholder ?? (f.type === 'int' ? 'N' : f.type === 'number' ? 'X' : 'VALUE')}`;
}

const fmtNum = (n: number) => (Math.abs(n) >= 1e5 && Number.isInteger(n) && Math.log2(n) % 1 === 0 ? `2^${Math.log2(n)}` : String(n));

function flagInfo(f: FlagSpec, schema: z.ZodTypeAny | undefined): FieldInfo {
  return f.key && schema && schemaKeys(schema).has(f.key) ? fieldInfo(schema, f.key) : { min: f.min, max: f.max };
}

const flagLeft = (f: FlagSpec, info: FieldInfo) => `  ${f.short ? `-${f.short}, ` : ''}--${f.name}${placeholder(f, info)}`;

/** Width of the flag column of a help listing (longer flags wrap their description to the next line). */
export function flagColumnWidth(flags: readonly FlagSpec[], schema?: z.ZodTypeAny): number {
  return Math.min(32, Math.max(0, ...flags.map((f) => flagLeft(f, flagInfo(f, schema)).length)) + 2);
}

/** One help line per flag: `  --name VALUE   description [range, default]`. */
export function flagHelpLines(flags: readonly FlagSpec[], schema?: z.ZodTypeAny, width = flagColumnWidth(flags, schema)): string[] {
  const rows = flags.map((f) => {
    const info = flagInfo(f, schema);
    const left = flagLeft(f, info);
    const notes: string[] = [];
    if (f.type === 'int' || f.type === 'number') {
      if (info.minExclusive) notes.push(`> ${fmtNum(info.min!)}${info.max !== undefined ? `, ≤ ${fmtNum(info.max)}` : ''}`);
      else if (info.min !== undefined && info.max !== undefined) notes.push(`${fmtNum(info.min)}..${fmtNum(info.max)}`);
      else if (info.min !== undefined) notes.push(`≥ ${fmtNum(info.min)}`);
      else if (info.max !== undefined) notes.push(`≤ ${fmtNum(info.max)}`);
    }
    const def = f.type === 'boolean' ? undefined : f.key && info.default !== undefined ? info.default : (f.default ?? f.shownDefault);
    if (def !== undefined && def !== '' && !(Array.isArray(def) && def.length === 0)) notes.push(`default ${Array.isArray(def) ? def.join(',') : typeof def === 'object' ? JSON.stringify(def) : String(def)}${f.defaultNote ? ` ${f.defaultNote}` : ''}`);
    else if (f.defaultNote) notes.push(f.defaultNote);
    if (f.type === 'strings') notes.push('repeatable');
    return { left, right: `${f.description}${notes.length ? ` [${notes.join('; ')}]` : ''}` };
  });
  return rows.map((r) => (r.left.length + 1 > width ? `${r.left}\n${' '.repeat(width)}${r.right}` : `${r.left.padEnd(width)}${r.right}`));
}
