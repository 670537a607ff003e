// Registry of benchmark suites run by `diffmpc bench <suite>` (and `diffmpc bench all`).
import { Registry } from '../../src/tensor/registry.ts';
import type { ExecutorChoice } from './executor-options.ts';

export interface BenchRunOptions {
  backends: string[];
  quick: boolean;
  outDir: string;
  /** Where the independent pieces run (suites with `pieces` only; default inline). */
  executor?: ExecutorChoice;
}

export interface BenchSuite {
  name: string;
  summary: string;
  /** What the suite runs through the executor (e.g. 'episodes (…)'); suites without it run in this process only. */
  pieces?: string;
  /** Runs the suite, prints its table, saves its JSON; returns the JSON path. */
  run(opts: BenchRunOptions): Promise<string>;
}

/** Benchmark suites by name. */
export const benchSuiteRegistry = new Registry<BenchSuite>({ kind: 'bench suite' });

export function registerBenchSuite(s: BenchSuite): void {
  benchSuiteRegistry.register(s.name, s);
}

export function getBenchSuite(name: string): BenchSuite | undefined {
  return benchSuiteRegistry.find(name);
}

export function listBenchSuites(): BenchSuite[] {
  return benchSuiteRegistry.items().map(([, s]) => s);
}
