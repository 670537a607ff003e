// `diffmpc verify-reference DIR`: compares this implementation with the reference fixtures in DIR (qpth,
// lml, dcem; see ../shared/reference/README.md). Each fixture file is handled by the checker registered for
// its name (scripts/lib/reference-checks.ts); checkers live in scripts/lib/verify-*.ts and are loaded
// automatically, so adding one needs no edit here. Prints, per file, the maximum error of each quantity
// against its tolerance; a file without a checker (or a checker without its file) is reported as skipped.
// The result is failed (exit code 1) when any quantity exceeds its tolerance or a checker throws.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { listReferenceChecks, type ReferenceCheckResult } from './lib/reference-checks.ts';
import { formatTable } from './lib/report.ts';

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

const LIB_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'lib');

/** Imports every scripts/lib/verify-*.ts so each registers its checker (idempotent: modules are cached). */
export async function loadReferenceCheckers(dir = LIB_DIR): Promise<void> {
  const files = fs.readdirSync(dir).filter((f) => /^verify-[\w-]+\.ts$/.test(f)).sort();
  for (const f of files) await import(pathToFileURL(path.join(dir, f)).href);
}

/**
 * Runs every registered checker whose fixture is in `dir` (optionally only the files in `only`).
 * Requires an initialised tensor backend.
 */
export async function verifyReference(dir: string, opts: { only?: string[]; log?: (line: string) => void } = {}): Promise<VerifyReport> {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new Error(`verify-reference: ${dir} is not a directory; pass the folder holding qp.json, lml.json, dcem_step.json`);
  }
  await loadReferenceCheckers();
  const log = opts.log ?? (() => {});
  const present = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
  const checkers = new Map(listReferenceChecks().map((c) => [c.file, c]));
  const names = [...new Set([...present, ...checkers.keys()])].filter((f) => !opts.only || opts.only.includes(f)).sort();
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
      const fixture = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
      const result = await checker.check(fixture);
      const ms = performance.now() - t0;
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
  const ok = files.every((f) => f.status === 'pass' || f.status === 'skipped');
  log(ok ? 'verify-reference: all checked files pass' : 'verify-reference: FAILED');
  return { ok, files };
}
