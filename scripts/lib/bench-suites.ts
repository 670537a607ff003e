// Registry of benchmark suites run by `diffmpc bench <suite>` (and `diffmpc bench all`).
export interface BenchSuite {
  name: string;
  summary: string;
  /** Runs the suite, prints its table, saves its JSON; returns the JSON path. */
  run(opts: { backends: string[]; quick: boolean; outDir: string }): Promise<string>;
}

const suites = new Map<string, BenchSuite>();

export function registerBenchSuite(s: BenchSuite): void {
  if (suites.has(s.name)) throw new Error(`registerBenchSuite: "${s.name}" is registered twice`);
  suites.set(s.name, s);
}

export function getBenchSuite(name: string): BenchSuite | undefined {
  return suites.get(name);
}

export function listBenchSuites(): BenchSuite[] {
  return [...suites.values()];
}
