// The layer rule of DESIGN.md ("lower layers never import higher ones"), checked on every relative import of
// every source file: 1 src/tensor, 2 src/linalg, 3 src/solvers, 4 src/models, 5 src/plot / src/streams /
// src/train / src/exec, 6 envs / controllers / policies, 7 scripts. Imports within one layer are allowed, so
// nothing under src/ imports envs/, controllers/ or policies/.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const LAYERS: [string, number][] = [
  ['src/tensor', 1],
  ['src/linalg', 2],
  ['src/solvers', 3],
  ['src/models', 4],
  ['src/plot', 5],
  ['src/streams', 5],
  ['src/train', 5],
  ['src/exec', 5],
  ['envs', 6],
  ['controllers', 6],
  ['policies', 6],
  ['scripts', 7],
];

/** Layer of a repository-relative path, or undefined outside the layered tree. */
function layerOf(rel: string): number | undefined {
  return LAYERS.find(([dir]) => rel === dir || rel.startsWith(`${dir}/`))?.[1];
}

function sources(dir: string): string[] {
  if (!fs.existsSync(path.join(ROOT, dir))) return [];
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return sources(rel);
    return e.name.endsWith('.ts') && !e.name.startsWith('_') ? [rel] : [];
  });
}

/** Relative module specifiers of `import … from '…'`, `export … from '…'` and `import('…')`. */
function relativeImports(text: string): string[] {
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
  return [...new Set(specs)];
}

describe('layer rule', () => {
  it('finds the imports of a module', () => {
    const text = "import a from '../x.ts';\nexport { b } from './y.ts';\nconst c = await import('../../z.ts');\nimport './side.ts';\nimport fs from 'node:fs';";
    expect(relativeImports(text)).toEqual(['../x.ts', './y.ts', '../../z.ts', './side.ts']);
  });

  it('every folder of src/ has a layer', () => {
    const dirs = fs.readdirSync(path.join(ROOT, 'src'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => `src/${e.name}`);
    expect(dirs.filter((d) => layerOf(d) === undefined)).toEqual([]);
  });

  it('no module imports a module of a higher layer', () => {
    const violations: string[] = [];
    let checked = 0;
    for (const [dir, layer] of LAYERS) {
      for (const file of sources(dir)) {
        for (const spec of relativeImports(fs.readFileSync(path.join(ROOT, file), 'utf8'))) {
          const target = path.relative(ROOT, path.resolve(ROOT, path.dirname(file), spec)).split(path.sep).join('/');
          const to = layerOf(target);
          checked++;
          if (to !== undefined && to > layer) violations.push(`${file} (layer ${layer}) imports ${target} (layer ${to})`);
        }
      }
    }
    expect(checked).toBeGreaterThan(200);
    expect(violations).toEqual([]);
  });
});
