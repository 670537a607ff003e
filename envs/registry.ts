// Environment registry (Gymnasium `register` / `make`): an id such as "Pendulum-v1" maps to a factory and
// its default options, which list every option the env accepts (make() rejects any other key, so a typo
// such as { phyiscs: 'analytic' } is an error rather than a silent default). `make(id, options)` merges `{ ...defaults, ...options }`, builds the env and wraps it
// in a TimeLimit of `maxEpisodeSteps` (envs/time-limit.ts). Each env registers itself in its own file;
// envs/index.ts imports them all.
import { Registry } from '../src/tensor/registry.ts';
import type { Env } from './types.ts';
import { TimeLimit } from './time-limit.ts';

/** Options every env accepts through make(): the episode length; the rest is env specific. */
export interface MakeOptions {
  maxEpisodeSteps?: number;
  [key: string]: unknown;
}

export type EnvFactory = (options: Record<string, unknown>) => Env;

export interface EnvSpec {
  id: string;
  factory: EnvFactory;
  defaults: Readonly<MakeOptions>;
  /** One line for listings. */
  summary?: string;
}

/** Every registered env spec, by id. */
export const envRegistry = new Registry<EnvSpec>({ kind: 'env id', emptyHint: "import 'diffmpc' (or envs/index.ts) to register the built-in envs" });

/** Registers `id` (e.g. "MyEnv-v0"); an id may be registered once. */
export function register(id: string, factory: EnvFactory, defaults: MakeOptions = {}, summary?: string): void {
  if (typeof id !== 'string' || !/^[A-Za-z][\w:./-]*-v\d+$/.test(id)) {
    throw new Error(`register: id must look like "Name-v0" (letters, digits, -_:./ and a version suffix); got "${String(id)}"`);
  }
  if (envRegistry.has(id)) throw new Error(`register: "${id}" is already registered; pick a new id or bump its version (e.g. "${id.replace(/-v(\d+)$/, (_, v) => `-v${Number(v) + 1}`)}")`);
  if (typeof factory !== 'function') throw new Error(`register(${id}): factory must be a function (options) => Env`);
  envRegistry.register(id, { id, factory, defaults: { ...defaults }, ...(summary ? { summary } : {}) });
}

/** Builds a registered env with `{ ...defaults, ...options }`, wrapped in TimeLimit when maxEpisodeSteps is set. */
export function make(id: string, options: MakeOptions = {}): Env {
  const spec = envRegistry.get(id, 'make');
  const known = new Set(['maxEpisodeSteps', ...Object.keys(spec.defaults)]);
  for (const k of Object.keys(options)) {
    if (!known.has(k)) throw new Error(`make(${id}): unknown option "${k}"; ${id} accepts ${[...known].join(', ')} (register() defaults list every option)`);
  }
  const merged: MakeOptions = { ...spec.defaults, ...options };
  const { maxEpisodeSteps, ...envOptions } = merged;
  const env = spec.factory(envOptions);
  return maxEpisodeSteps === undefined ? env : new TimeLimit(env, maxEpisodeSteps);
}

/** Registered specs, sorted by id. */
export function listEnvs(): EnvSpec[] {
  return envRegistry.items().map(([, spec]) => spec);
}

/** The spec of a registered id, or undefined. */
export function envSpec(id: string): EnvSpec | undefined {
  return envRegistry.find(id);
}
