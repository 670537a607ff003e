// verify-reference: the lml.json and dcem_step.json checkers pass on ../shared/reference (run through the
// library function), files without a checker are skipped, and a failing quantity fails the report.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerReferenceCheck } from '../../scripts/lib/reference-checks.ts';
import { saturatedRows } from '../../scripts/lib/verify-lml.ts';
import { verifyReference } from '../../scripts/verify-reference.ts';
import { useTestBackend } from '../helpers/backend.ts';
import { REFERENCE_DIR, readReference } from '../helpers/reference.ts';

beforeAll(async () => {
  await useTestBackend();
});

describe('verify-reference', () => {
  it('lml.json and dcem_step.json pass every quantity', async () => {
    const lines: string[] = [];
    const report = await verifyReference(REFERENCE_DIR, { only: ['lml.json', 'dcem_step.json'], log: (l) => lines.push(l) });
    expect(report.files.map((f) => [f.file, f.status])).toEqual([
      ['dcem_step.json', 'pass'],
      ['lml.json', 'pass'],
    ]);
    expect(report.ok).toBe(true);
    const lmlRows = report.files.find((f) => f.file === 'lml.json')!.result!.rows;
    expect(lmlRows.map((r) => r.quantity)).toContain('dx (float32 op)');
    for (const r of lmlRows) expect(r.maxError).toBeLessThanOrEqual(r.tolerance);
    expect(lines.join('\n')).toMatch(/lml\.json: \d+ cases, PASS/);
  });

  it('detects the saturated rows from the data (the documented float32-NaN cases)', () => {
    const ref = readReference('lml.json');
    const flagged = ref.cases.filter((c: any) => saturatedRows(c.y).some(Boolean)).map((c: any) => c.id);
    const documented = ref.cases.filter((c: any) => c.check.float32_dx_has_nan).map((c: any) => c.id);
    expect(flagged).toEqual(documented);
  });

  it('skips files without a checker and fails on a quantity over its tolerance', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-ref-'));
    fs.writeFileSync(path.join(dir, 'unknown.json'), '{}');
    fs.writeFileSync(path.join(dir, 'always-off.json'), '{"cases": [{}]}');
    registerReferenceCheck({
      file: 'always-off.json',
      check: () => ({ cases: 1, rows: [{ quantity: 'z', maxError: 1, tolerance: 0.5, pass: false }] }),
    });
    const report = await verifyReference(dir, { only: ['unknown.json', 'always-off.json'] });
    expect(report.files.find((f) => f.file === 'unknown.json')!.status).toBe('skipped');
    expect(report.files.find((f) => f.file === 'always-off.json')!.status).toBe('fail');
    expect(report.ok).toBe(false);
    fs.rmSync(dir, { recursive: true });
    await expect(verifyReference(path.join(dir, 'missing'))).rejects.toThrow(/is not a directory/);
  });

  it('fails when nothing was checked: an empty folder, --only on a file without a checker', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-ref-'));
    const lines: string[] = [];
    const empty = await verifyReference(dir, { log: (l) => lines.push(l) });
    expect(empty.ok).toBe(false);
    expect(empty.files.every((f) => f.status === 'skipped')).toBe(true);
    expect(lines.at(-1)).toMatch(/FAILED: no fixture was checked/);
    fs.writeFileSync(path.join(dir, 'foo.json'), '{"cases": [1]}');
    expect((await verifyReference(dir, { only: ['foo.json'] })).ok).toBe(false);
    await expect(verifyReference(dir, { only: ['nope.json'] })).rejects.toThrow(/--only: nope\.json is neither in .* known: .*lml\.json/);
    fs.rmSync(dir, { recursive: true });
  });

  it('fails a fixture with no cases or a missing field, naming the file and field', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-ref-'));
    const run = async (content: string) => {
      fs.writeFileSync(path.join(dir, 'lml.json'), content);
      const r = await verifyReference(dir, { only: ['lml.json'] });
      expect(r.ok).toBe(false);
      const v = r.files.find((f) => f.file === 'lml.json')!;
      expect(v.status).toBe('error');
      return v.reason!;
    };
    expect(await run('{"cases": []}')).toMatch(/lml\.json: no cases to check \("cases" is empty\)/);
    expect(await run('{}')).toMatch(/lml\.json: no cases to check \("cases" is missing\)/);
    expect(await run('{"cases": 3}')).toMatch(/lml\.json: field "cases" must be an array/);
    expect(await run('[1]')).toMatch(/lml\.json: the fixture must be a JSON object/);
    expect(await run('{"cases": [{"x": [[1]]}]}')).toMatch(/lml\.json: cases\[0\] has no field "nbatch"/);
    expect(await run('{"cases": [')).toMatch(/lml\.json is not valid JSON/);
    fs.rmSync(dir, { recursive: true });
  });
});
