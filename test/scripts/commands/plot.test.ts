// `diffmpc plot DIR`: any existing folder works (spaces included, no --name rules); a corrupt config.json or
// a cut line inside metrics.jsonl is an error naming the file (and line), not a silent partial plot.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { replot } from '../../../scripts/commands/plot.ts';

function runDir(): string {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'diffmpc-plot-')), 'dir with space');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ env: 'Pendulum-v1' }));
  const lines = [0, 1, 2].map((e) => JSON.stringify({ kind: 'episode', controller: 'mpc', episode: e, return: -100 - e }));
  fs.writeFileSync(path.join(dir, 'metrics.jsonl'), lines.join('\n') + '\n');
  return dir;
}

describe('plot', () => {
  it('re-renders a run in a folder whose name has spaces', () => {
    const dir = runDir();
    expect(replot(dir)).toEqual([path.join(dir, 'training-returns.png')]);
  });

  it('names the file of a corrupt config and the line of a corrupt metrics record', () => {
    const dir = runDir();
    const m = path.join(dir, 'metrics.jsonl');
    const lines = fs.readFileSync(m, 'utf8').split('\n');
    fs.writeFileSync(m, [lines[0], lines[1]!.slice(0, 20), lines[2], ''].join('\n'));
    expect(() => replot(dir)).toThrow(/metrics\.jsonl:2: not a valid JSON record/);
    fs.writeFileSync(path.join(dir, 'config.json'), '{"env": ');
    expect(() => replot(dir)).toThrow(/config\.json is not valid JSON/);
  });
});
