// User code on the command line: `--import ./my-env.js` (repeatable) and the `import` key of a --config file
// (a path or an array of paths, relative to the config file) load modules that register envs, solvers or
// planner presets before any name is looked up. Plain dynamic import of a file URL, so it works under node on
// compiled JS as well as under tsx (which also accepts .ts modules).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from './flags.ts';

export interface UserModule {
  /** Absolute path of the module file. */
  file: string;
  /** Where it was named, e.g. `--import` or `config my.json: import`. */
  source: string;
}

/** The modules a config file's `import` key names, resolved relative to the file. */
export function configImports(file: string, raw: Record<string, unknown>): UserModule[] {
  const v = raw.import;
  if (v === undefined) return [];
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || list.length === 0 || !list.every((p) => typeof p === 'string' && p.trim() !== '')) {
    throw new UsageError(`config ${file}: import: expected a module path or a non-empty array of module paths (got ${JSON.stringify(v)})`);
  }
  const dir = path.dirname(path.resolve(file));
  return (list as string[]).map((p) => ({ file: path.resolve(dir, p), source: `config ${file}: import` }));
}

/** The modules named by `--import` flags, resolved relative to the working directory. */
export function flagImports(values: readonly string[] | undefined): UserModule[] {
  return (values ?? []).map((p) => {
    if (p.trim() === '') throw new UsageError('--import: expected a module path (got an empty string)');
    return { file: path.resolve(p), source: '--import' };
  });
}

/** The error's name and message without stack lines, on one line (at most 400 characters). */
function causeOf(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const lines = e.message.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('at '));
  const text = `${e.name === 'Error' ? '' : `${e.name}: `}${lines.join(' ')}`;
  return text.length > 400 ? `${text.slice(0, 397)}...` : text;
}

const loaded = new Set<string>();
/** Loaded modules in a CommonJS scope: under tsx their imports get a second copy of the registries. */
const commonJs: string[] = [];

/** Whether node (and tsx) treat `file` as CommonJS: .cjs/.cts, or .js/.ts without "type": "module" above it. */
export function isCommonJsScope(file: string): boolean {
  const ext = path.extname(file);
  if (ext === '.mjs' || ext === '.mts') return false;
  if (ext === '.cjs' || ext === '.cts') return true;
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        return (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { type?: unknown }).type !== 'module';
      } catch {
        return true;
      }
    }
    if (path.dirname(dir) === dir) return true;
  }
}

/** File URLs of the user modules loaded so far, in load order (what each pool thread imports too). */
export function loadedUserModules(): string[] {
  return [...loaded].map((f) => pathToFileURL(f).href);
}

/**
 * Appended to "unknown env/solver" errors: a user module loaded as CommonJS registers into its own copy of
 * the registries, which the command line never sees.
 */
export function userModuleHint(): string {
  if (!commonJs.length) return '';
  return ` Note: ${commonJs.join(', ')} loaded as CommonJS (no "type": "module" in a package.json above it), so what it registers lands in a separate copy of the registries; rename it to .mjs/.mts or add "type": "module".`;
}

/**
 * Imports each module once, in order; a missing file or one that fails to load (syntax error, a throw while
 * registering) is a UsageError naming the file and the cause.
 */
export async function loadUserModules(modules: readonly UserModule[]): Promise<void> {
  for (const m of modules) {
    if (loaded.has(m.file)) continue;
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(m.file);
    } catch {
      stat = undefined;
    }
    if (!stat) throw new UsageError(`${m.source}: module ${m.file} does not exist`);
    if (!stat.isFile()) throw new UsageError(`${m.source}: ${m.file} is not a file (pass a .js, .mjs or .ts module)`);
    try {
      await import(pathToFileURL(m.file).href);
    } catch (e) {
      throw new UsageError(`${m.source}: module ${m.file} failed to load: ${causeOf(e)}`);
    }
    loaded.add(m.file);
    if (isCommonJsScope(m.file)) commonJs.push(m.file);
  }
}
