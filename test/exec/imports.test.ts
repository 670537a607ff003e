// src/exec is layer 5 (DESIGN.md): it runs JSON jobs through registered runners and may import only
// src/tensor and itself; never envs/, controllers/, policies/, the other layer-5 folders or scripts/.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DIR = path.join(ROOT, 'src/exec');

describe('src/exec imports', () => {
  it('imports nothing but src/tensor, src/exec and packages', () => {
    const bad: string[] = [];
    const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) {
      const text = fs.readFileSync(path.join(DIR, f), 'utf8');
      for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const target = path.relative(ROOT, path.resolve(DIR, m[1]!)).split(path.sep).join('/');
        if (!target.startsWith('src/tensor/') && !target.startsWith('src/exec/')) bad.push(`src/exec/${f} imports ${target}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
