// Registry of reference-fixture checkers used by `diffmpc verify-reference DIR`: one checker per fixture
// file name (lml.json, dcem_step.json, qp.json). A file present in DIR without a registered checker, or a
// checker whose file is absent, is reported as skipped.
export interface ReferenceCheckResult {
  /** One row per compared quantity: the max error found and the tolerance it is held to. */
  rows: Array<{ quantity: string; maxError: number; tolerance: number; pass: boolean; note?: string }>;
  cases: number;
}

export interface ReferenceChecker {
  file: string;
  /** Parses the fixture JSON and compares every case. */
  check(fixture: any): ReferenceCheckResult | Promise<ReferenceCheckResult>;
}

const checkers = new Map<string, ReferenceChecker>();

export function registerReferenceCheck(c: ReferenceChecker): void {
  if (checkers.has(c.file)) throw new Error(`registerReferenceCheck: "${c.file}" is registered twice`);
  checkers.set(c.file, c);
}

export function listReferenceChecks(): ReferenceChecker[] {
  return [...checkers.values()];
}
