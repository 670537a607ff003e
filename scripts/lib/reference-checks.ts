// Registry of reference-fixture checkers used by `diffmpc verify-reference DIR`: one checker per fixture
// file name (lml.json, dcem_step.json, qp.json). A file present in DIR without a registered checker, or a
// checker whose file is absent, is reported as skipped. Before a checker runs, the fixture's shape is checked
// against what it declares (`lists`, `caseFields`), so a malformed file is named with the missing field.
import { Registry } from '../../src/tensor/registry.ts';
export interface ReferenceCheckResult {
  /** One row per compared quantity: the max error found and the tolerance it is held to. */
  rows: Array<{ quantity: string; maxError: number; tolerance: number; pass: boolean; note?: string }>;
  cases: number;
}

export interface ReferenceChecker {
  file: string;
  /** Top-level arrays holding the cases (default ["cases"]); together they must hold at least one entry. */
  lists?: string[];
  /** Fields every entry of a list must have, per list name. */
  caseFields?: Record<string, string[]>;
  /** Parses the fixture JSON and compares every case. */
  check(fixture: any): ReferenceCheckResult | Promise<ReferenceCheckResult>;
}

/** Reference checkers by fixture file name. */
export const referenceCheckRegistry = new Registry<ReferenceChecker>({ kind: 'reference fixture' });

export function registerReferenceCheck(c: ReferenceChecker): void {
  referenceCheckRegistry.register(c.file, c);
}

export function listReferenceChecks(): ReferenceChecker[] {
  return referenceCheckRegistry.items().map(([, c]) => c);
}

/**
 * Problems with a fixture's shape for this checker ("FILE: field ..." sentences); empty when it is usable.
 * A fixture that is not an object, a list that is not an array, no entry in any list, or an entry without a
 * declared field is a problem.
 */
export function fixtureProblems(c: ReferenceChecker, fixture: unknown): string[] {
  if (typeof fixture !== 'object' || fixture === null || Array.isArray(fixture)) {
    return [`${c.file}: the fixture must be a JSON object with a "${(c.lists ?? ['cases']).join('" or "')}" array`];
  }
  const f = fixture as Record<string, unknown>;
  const lists = c.lists ?? ['cases'];
  const problems: string[] = [];
  let entries = 0;
  for (const name of lists) {
    const v = f[name];
    if (v === undefined) continue;
    if (!Array.isArray(v)) {
      problems.push(`${c.file}: field "${name}" must be an array (got ${typeof v})`);
      continue;
    }
    entries += v.length;
    const fields = c.caseFields?.[name] ?? [];
    v.forEach((e, i) => {
      if (typeof e !== 'object' || e === null) problems.push(`${c.file}: ${name}[${i}] must be an object`);
      else for (const k of fields) if (!(k in e)) problems.push(`${c.file}: ${name}[${i}] has no field "${k}"`);
    });
  }
  if (problems.length === 0 && entries === 0) {
    const where = lists.map((n) => `"${n}"`).join(' or ');
    problems.push(`${c.file}: no cases to check (${where} ${lists.some((n) => f[n] !== undefined) ? 'is empty' : 'is missing'})`);
  }
  return problems.slice(0, 5).concat(problems.length > 5 ? [`${c.file}: … ${problems.length - 5} more`] : []);
}
