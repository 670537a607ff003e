// `diffmpc verify-reference DIR`: compares this implementation with the reference fixtures in DIR (qpth,
// lml, dcem; see ../shared/reference/README.md). Each fixture file is handled by the checker registered for
// its name (scripts/lib/reference-checks.ts); checkers live in scripts/lib/verify-*.ts and are loaded
// automatically, so adding one needs no edit here. Prints, per file, the maximum error of each quantity
// against its tolerance; a file without a checker (or a checker without its file) is reported as skipped.
// The result is failed (exit code 1) when any quantity exceeds its tolerance, a checker throws, a fixture is
// malformed (named with its file and field) or holds no case, or nothing at all was checked (an empty folder,
// or `--only` naming no checked file): a pass means at least one case of every checked file was compared.
import fs from 'node:fs';
import path from 'node:path';
import { fixtureProblems, listReferenceChecks, type ReferenceCheckResult } from './lib/reference-checks.ts';
import { formatTable } from './lib/report.ts';
// each checker registers itself (one per fixture file)
import './lib/verify-dcem.ts';
import './lib/verify-lml.ts';
import './lib/verify-qp.ts';

export interface FileVerdict {
  file: string;
  status: 'pass' | 'fail' | 'skipped' | 'error';
  reason?: string;
  result?: ReferenceCheckResult;
  ms?: number;
}

export interface VerifyReport {
  ok: boolean;
  files: FileVerdict[];
}


/**
 * Runs every registered checker whose fixture is in `dir` (optionally only the files in `only`).
 * Requires an initialised tensor backend.
 */
export async function verifyReference(dir: string, opts: { only?: string[]; log?: (line: string) => void } = {}): Promise<VerifyReport> {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new Error(`verify-reference: ${dir} is not a directory; pass the folder holding qp.json, lml.json, dcem_step.json`);
  }
  const log = opts.log ?? (() => {});
  const present = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
  const checkers = new Map(listReferenceChecks().map((c) => [c.file, c]));
  const known = [...new Set([...present, ...checkers.keys()])];
  const unknown = (opts.only ?? []).filter((f) => !known.includes(f));
  if (unknown.length) {
    throw new Error(`--only: ${unknown.join(', ')} is neither in ${dir} nor a registered fixture; known: ${known.sort().join(', ')}`);
  }
  const names = known.filter((f) => !opts.only || opts.only.includes(f)).sort();
  const files: FileVerdict[] = [];
  for (const file of names) {
    const checker = checkers.get(file);
    if (!checker) {
      files.push({ file, status: 'skipped', reason: 'no checker registered for this file' });
      log(`${file}: skipped (no checker registered)`);
      continue;
    }
    if (!present.includes(file)) {
      files.push({ file, status: 'skipped', reason: `not found in ${dir}` });
      log(`${file}: skipped (not found in ${dir})`);
      continue;
    }
    const t0 = performance.now();
    try {
      let fixture: unknown;
      try {
        fixture = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
      } catch (e) {
        throw new Error(`${path.join(dir, file)} is not valid JSON (${(e as Error).message})`);
      }
      const problems = fixtureProblems(checker, fixture);
      if (problems.length) throw new Error(`malformed fixture:\n    ${problems.join('\n    ')}`);
      let result: ReferenceCheckResult;
      try {
        result = await checker.check(fixture);
      } catch (e) {
        throw new Error(`${file}: the checker failed on this fixture (${(e as Error).message}); is a field missing or of the wrong shape?`);
      }
      const ms = performance.now() - t0;
      if (!(result.cases > 0) || result.rows.length === 0) throw new Error(`${file}: the checker compared nothing (${result.cases} cases, ${result.rows.length} quantities)`);
      const pass = result.rows.every((r) => r.pass);
      files.push({ file, status: pass ? 'pass' : 'fail', result, ms });
      log(`${file}: ${result.cases} cases, ${pass ? 'PASS' : 'FAIL'} (${(ms / 1000).toFixed(1)} s)`);
      log(
        formatTable(
          result.rows.map((r) => ({
            quantity: r.quantity,
            'max error': r.maxError.toExponential(2),
            tolerance: r.tolerance.toExponential(1),
            pass: r.pass ? 'ok' : 'FAIL',
            note: r.note ?? '',
          })),
        )
          .split('\n')
          .map((l) => `  ${l}`)
          .join('\n'),
      );
    } catch (e) {
      files.push({ file, status: 'error', reason: e instanceof Error ? e.message : String(e) });
      log(`${file}: ERROR ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const checked = files.filter((f) => f.status !== 'skipped');
  const ok = checked.length > 0 && checked.every((f) => f.status === 'pass');
  if (checked.length === 0) {
    log(`verify-reference: FAILED: no fixture was checked (${opts.only ? `--only ${opts.only.join(',')} selects` : `${dir} holds`} none of ${[...checkers.keys()].sort().join(', ')})`);
  } else {
    log(ok ? `verify-reference: all ${checked.length} checked file(s) pass` : 'verify-reference: FAILED');
  }
  return { ok, files };
}
