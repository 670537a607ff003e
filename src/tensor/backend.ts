// Tensor backend selection: `auto | tensorflow-gpu | tensorflow | wasm | cpu`.
//
// `auto` tries the candidates in that order and takes the first that loads; every skipped candidate is
// reported with the reason (not installed, failed to initialise). The native TensorFlow bindings
// (`@tensorflow/tfjs-node-gpu`, `@tensorflow/tfjs-node`) are optional peer dependencies loaded with a
// dynamic import, so the package never requires them. The wasm binaries are located through Node's module
// resolution, so the backend works from any working directory. Production mode is switched on (no
// per-op NaN checks or debug bookkeeping).
//
// Importing `@tensorflow/tfjs` (not only tfjs-core) matters: it registers the gradients of every op.
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import path from 'node:path';

export const BACKEND_NAMES = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
export type ConcreteBackend = Exclude<BackendName, 'auto'>;

/** Order in which `auto` tries the backends: fastest first. */
export const AUTO_ORDER: readonly ConcreteBackend[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

/** Environment variable read when no backend is passed explicitly. */
export const BACKEND_ENV_VAR = 'DIFFMPC_BACKEND';

export interface BackendChoice {
  /** The diffmpc name of the backend in use. */
  readonly name: ConcreteBackend;
  /** The tfjs backend id (`tensorflow`, `wasm`, `cpu`). */
  readonly tfBackend: string;
  /** What was asked for. */
  readonly requested: BackendName;
  /** Candidates tried before `name`, with the reason each was skipped. */
  readonly skipped: ReadonlyArray<{ name: ConcreteBackend; reason: string }>;
}

/** Loads a module by specifier; injectable so tests can simulate a missing or broken native package. */
export type ModuleImporter = (specifier: string) => Promise<unknown>;

const defaultImporter: ModuleImporter = (specifier) => import(specifier);

const require = createRequire(import.meta.url);

/** Directory holding the tfjs wasm binaries (`tfjs-backend-wasm*.wasm`), resolved from node_modules. */
export function wasmBinaryDir(): string {
  const pkg = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return path.join(path.dirname(pkg), 'dist') + path.sep;
}

/** Parses a user-supplied backend name; the error lists the valid names. */
export function parseBackendName(value: string, source = 'backend'): BackendName {
  const v = value.trim().toLowerCase();
  if ((BACKEND_NAMES as readonly string[]).includes(v)) return v as BackendName;
  throw new Error(`${source}: unknown backend "${value}"; expected one of ${BACKEND_NAMES.join(', ')}`);
}

function describeError(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0]!.slice(0, 200);
}

function isModuleNotFound(e: unknown, specifier: string): boolean {
  const err = e as { code?: string; message?: string };
  return (
    (err?.code === 'ERR_MODULE_NOT_FOUND' || err?.code === 'MODULE_NOT_FOUND') &&
    (err.message ?? '').includes(specifier)
  );
}

async function tryNative(
  specifier: string,
  importer: ModuleImporter,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    await importer(specifier);
  } catch (e) {
    if (isModuleNotFound(e, specifier)) {
      return { ok: false, reason: `${specifier} is not installed (optional; npm install ${specifier} to use it)` };
    }
    return { ok: false, reason: `${specifier} failed to load: ${describeError(e)}` };
  }
  if (!tf.findBackend('tensorflow')) {
    return { ok: false, reason: `${specifier} loaded but registered no "tensorflow" backend (tfjs version mismatch?)` };
  }
  const ok = await tf.setBackend('tensorflow').catch(() => false);
  return ok ? { ok: true } : { ok: false, reason: `${specifier} loaded but the "tensorflow" backend failed to initialise` };
}

async function tryBackend(
  name: ConcreteBackend,
  importer: ModuleImporter,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  switch (name) {
    case 'tensorflow-gpu':
      return tryNative('@tensorflow/tfjs-node-gpu', importer);
    case 'tensorflow':
      return tryNative('@tensorflow/tfjs-node', importer);
    case 'wasm': {
      try {
        const wasm = (await importer('@tensorflow/tfjs-backend-wasm')) as typeof import('@tensorflow/tfjs-backend-wasm');
        wasm.setWasmPaths(wasmBinaryDir());
        const ok = await tf.setBackend('wasm');
        return ok ? { ok: true } : { ok: false, reason: 'the wasm backend failed to initialise' };
      } catch (e) {
        return { ok: false, reason: `the wasm backend failed to load: ${describeError(e)}` };
      }
    }
    case 'cpu': {
      const ok = await tf.setBackend('cpu');
      return ok ? { ok: true } : { ok: false, reason: 'the cpu backend failed to initialise' };
    }
  }
}

const TF_ID: Record<ConcreteBackend, string> = {
  'tensorflow-gpu': 'tensorflow',
  tensorflow: 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
};

let current: BackendChoice | undefined;

/**
 * Selects and initialises the tensor backend. `requested` defaults to `$DIFFMPC_BACKEND`, else `auto`.
 * An explicitly requested backend that cannot load is an error (with the reason); `auto` falls through.
 */
export async function initBackend(
  requested?: BackendName | string,
  opts: { importer?: ModuleImporter; quiet?: boolean } = {},
): Promise<BackendChoice> {
  const importer = opts.importer ?? defaultImporter;
  const fromEnv = process.env[BACKEND_ENV_VAR] || undefined; // an empty variable counts as unset
  const source = requested === undefined && fromEnv ? `$${BACKEND_ENV_VAR}` : '--backend';
  const name = parseBackendName(requested ?? fromEnv ?? 'auto', source);
  tf.enableProdMode();
  const candidates = name === 'auto' ? AUTO_ORDER : [name];
  const skipped: { name: ConcreteBackend; reason: string }[] = [];
  for (const cand of candidates) {
    const r = await tryBackend(cand, importer);
    if (r.ok) {
      await tf.ready();
      current = { name: cand, tfBackend: TF_ID[cand], requested: name, skipped };
      return current;
    }
    skipped.push({ name: cand, reason: r.reason });
  }
  throw new Error(
    `${source}: no tensor backend could be loaded for "${name}":\n` +
      skipped.map((s) => `  - ${s.name}: ${s.reason}`).join('\n') +
      (name === 'auto' ? '' : `\nfix: use --backend auto, or install what the backend needs`),
  );
}

/** The backend chosen by the last `initBackend` call, if any. */
export function currentBackend(): BackendChoice | undefined {
  return current;
}

/** A one-paragraph human description of a backend choice (what was taken, what was skipped and why). */
export function describeBackend(choice: BackendChoice): string {
  const lines = [`backend: ${choice.name} (tfjs "${choice.tfBackend}", requested ${choice.requested})`];
  for (const s of choice.skipped) lines.push(`  skipped ${s.name}: ${s.reason}`);
  return lines.join('\n');
}

let autoNotice = true;

/** Turns the stderr notice of `autoBackend` off, for programs that report their backend themselves (the CLI). */
export function silenceAutoBackendNotice(): void {
  autoNotice = false;
}

/**
 * The backend of a program that did not choose one: the current choice if `initBackend` ran, else
 * `initBackend()` (the `auto` order, or `$DIFFMPC_BACKEND`), announced once on stderr so a silent fallback to
 * the slow cpu backend cannot go unnoticed. The package's root entry awaits it on import.
 * @example await autoBackend(); // "diffmpc: tensor backend wasm (auto; …)"
 */
export async function autoBackend(): Promise<BackendChoice> {
  if (current) return current;
  const choice = await initBackend();
  if (autoNotice && !process.env.DIFFMPC_QUIET) {
    const skipped = choice.skipped.length ? `; skipped ${choice.skipped.map((s) => s.name).join(', ')}` : '';
    console.error(`diffmpc: tensor backend ${choice.name} (${choice.requested}${skipped}); initBackend(name) or $${BACKEND_ENV_VAR} chooses another`);
  }
  return choice;
}
