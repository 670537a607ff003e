// The README's code blocks, extracted from the README itself and run as a user would: each ```ts / ```js
// block becomes a module whose `diffmpc` imports point at the package's entries (scripts/api/), run in its
// own process in a temporary directory; it must exit 0, and a block that saves a PNG must have written it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const ENTRIES: Record<string, string> = { diffmpc: 'index', 'diffmpc/envs': 'envs', 'diffmpc/solvers': 'solvers', 'diffmpc/plot': 'plot', 'diffmpc/train': 'train', 'diffmpc/policies': 'policies' };

/** The fenced ts/js blocks of a markdown text, with the line each starts on. */
export function codeBlocks(md: string): Array<{ lang: 'ts' | 'js'; line: number; code: string }> {
  const out: Array<{ lang: 'ts' | 'js'; line: number; code: string }> = [];
  const re = /^```(ts|js)\n([\s\S]*?)^```$/gm;
  for (const m of md.matchAll(re)) out.push({ lang: m[1] as 'ts' | 'js', line: md.slice(0, m.index).split('\n').length, code: m[2]! });
  return out;
}

/** Rewrites `from 'diffmpc…'` to the repository's entry files. */
export function pointAtRepo(code: string): string {
  return code.replace(/from '(diffmpc(?:\/\w+)?)'/g, (all, spec: string) => {
    const entry = ENTRIES[spec];
    if (!entry) throw new Error(`README imports ${spec}, which is no entry of package.json exports`);
    return `from ${JSON.stringify(path.join(ROOT, 'scripts/api', `${entry}.ts`))}`;
  });
}

const blocks = codeBlocks(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'));

describe('README code blocks', () => {
  it('has the blocks this test is meant to run', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    expect(blocks.every((b) => /from 'diffmpc/.test(b.code))).toBe(true);
  });

  // Modules live under node_modules/.cache so that bare imports (rxjs) resolve from the repository.
  const cache = path.join(ROOT, 'node_modules', '.cache');
  for (const b of blocks) {
    it(`README.md:${b.line} (${b.lang}) runs`, () => {
      fs.mkdirSync(cache, { recursive: true });
      const cwd = fs.mkdtempSync(path.join(cache, 'diffmpc-readme-'));
      const file = path.join(cwd, `block-${b.line}.${b.lang === 'ts' ? 'mts' : 'mjs'}`);
      fs.writeFileSync(file, pointAtRepo(b.code));
      const r = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd, encoding: 'utf8', timeout: 180_000 });
      expect(r.status, `README.md:${b.line}\n${r.stdout}\n${r.stderr}`).toBe(0);
      for (const m of b.code.matchAll(/savePng\('([^']+)'/g)) expect(fs.existsSync(path.join(cwd, m[1]!)), m[1]).toBe(true);
      fs.rmSync(cwd, { recursive: true, force: true });
    }, 200_000);
  }
});
