// The TV-QP bench (scripts/bench-tv-qp.ts) on its quick sizes: one row per operator with both forms timed,
// the two solutions agreeing to float32 precision, the JSON saved with the machine load; registered as 'tv-qp'.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchTvQp } from '../../scripts/bench-tv-qp.ts';
import { getBenchSuite } from '../../scripts/lib/bench-suites.ts';

describe('bench tv-qp', () => {
  it('times primal and dual side by side and checks they solve the same problem', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tvqp-'));
    const file = await benchTvQp(['cpu'], true, out);
    const { rows, meta } = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(rows.map((r: Record<string, unknown>) => r.D)).toEqual(['TV (first differences)', 'tuned (D₁ + 0.05·N)', 'dense (0.3·N)']);
    for (const r of rows) {
      for (const k of ['primal fwd ms/signal', 'dual fwd ms/signal', 'primal fwd+bwd ms/signal', 'dual fwd+bwd ms/signal', 'speedup fwd', 'speedup fwd+bwd']) expect(r[k]).toBeGreaterThan(0);
      expect(r['max |Δx|']).toBeLessThan(1e-4 * r['max |x|'] + 1e-3);
      expect(typeof r.load).toBe('number');
    }
    expect(meta.cpus).toBeGreaterThan(0);
    expect(getBenchSuite('tv-qp')?.summary).toMatch(/primal slack form vs dual box QP/);
  }, 60_000);
});
