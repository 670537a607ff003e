// `diffmpc optnet-sudoku` / `optnet-denoise` on tiny configurations: flags are validated by name, the JSON
// table, the per-epoch rows and the PNGs (with drawn content) are written, a rerun with the same config skips
// the finished models, a rerun with another config into the same --out is refused naming --out, and the
// rows of an interrupted model are dropped before it is trained again.
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadImage, createCanvas } from '../../../src/plot/canvas.ts';
import { getCommand, parseCommandArgs } from '../../../scripts/cli.ts';
import '../../../scripts/commands/optnet-sudoku.ts';
import '../../../scripts/commands/optnet-denoise.ts';
import { runSudoku } from '../../../scripts/optnet-sudoku.ts';
import { runDenoise } from '../../../scripts/optnet-denoise.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Fraction of pixels that are not (near) white. */
async function inked(file: string): Promise<number> {
  const img = await loadImage(fs.readFileSync(file));
  const c = createCanvas(img.width, img.height);
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const d = ctx.getImageData(0, 0, img.width, img.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i]! < 200 || d[i + 1]! < 200 || d[i + 2]! < 200) n++;
  return n / (img.width * img.height);
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'diffmpc-optnet-'));
const quiet = () => {};

describe('optnet commands', () => {
  it('validate their flags by name', () => {
    const s = getCommand('optnet-sudoku')!, d = getCommand('optnet-denoise')!;
    expect(() => parseCommandArgs(s, ['--epochs', '0'])).toThrow(/--epochs/);
    expect(() => parseCommandArgs(s, ['--batch', 'x'])).toThrow(/--batch/);
    expect(() => parseCommandArgs(d, ['--fc-epoch', '3'])).toThrow(/--fc-epochs/);
    expect(parseCommandArgs(d, ['--fc-epochs', '3', '--full']).values).toMatchObject({ 'fc-epochs': 3, full: true });
  });

  it('optnet-sudoku writes table, rows and plot, and resumes by model', async () => {
    const out = tmp();
    const o = { full: false, epochs: 2, train: 6, test: 4, batch: 3, seed: 1, out, log: quiet };
    const r = await runSudoku(o);
    expect(r.rows.map((x) => x.model)).toEqual(['optnet', 'fc', 'conv', 'fc-paper']);
    const saved = JSON.parse(fs.readFileSync(r.json, 'utf8'));
    expect(saved.rows[0].params).toBe(40 * 64 + 64);
    for (const row of saved.rows) expect(row.test_error).toBeGreaterThanOrEqual(0);
    const lines = fs.readFileSync(path.join(out, 'epochs.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.model === 'optnet').map((l) => l.epoch)).toEqual([0, 1, 2]);
    expect(lines.find((l) => l.model === 'optnet' && l.epoch === 1).ms_per_batch).toBeGreaterThan(0);
    expect(await inked(r.png)).toBeGreaterThan(0.01);
    const logs: string[] = [];
    const again = await runSudoku({ ...o, log: (s) => logs.push(s) });
    expect(logs.filter((l) => /finished in an earlier run/.test(l))).toHaveLength(4);
    expect(again.rows.map((x) => x.test_error)).toEqual(r.rows.map((x) => x.test_error));
    await expect(runSudoku({ ...o, epochs: 3 })).rejects.toThrow(/--out .* another config \(epochs: 2 → 3\)/);
    await expect(runSudoku({ ...o, out: tmp(), only: ['cnn'] })).rejects.toThrow(/--only: unknown model "cnn"; known: optnet, fc, conv, fc-paper/);
    fs.rmSync(out, { recursive: true, force: true });
  }, 120_000);

  it('optnet-sudoku drops the rows (and a torn line) of an interrupted model', async () => {
    const out = tmp();
    const o = { full: false, epochs: 1, train: 4, test: 2, batch: 2, seed: 2, out, log: quiet, only: ['fc'] };
    await runSudoku(o);
    // As if killed after fc's first epoch row: done.jsonl gone, a stale row left behind.
    fs.rmSync(path.join(out, 'done.jsonl'));
    fs.appendFileSync(path.join(out, 'epochs.jsonl'), JSON.stringify({ model: 'fc', epoch: 7, stale: true }) + '\n' + '{"model":"fc","epo');
    const r = await runSudoku(o);
    expect(r.epochs.filter((e) => e.model === 'fc').map((e) => e.epoch)).toEqual([0, 1]);
    const lines = fs.readFileSync(path.join(out, 'epochs.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.epoch)).toEqual([0, 1]);
    fs.rmSync(out, { recursive: true, force: true });
  }, 120_000);

  it('optnet-denoise writes the five rows beside the paper, rows per epoch and both plots', async () => {
    const out = tmp();
    const r = await runDenoise({ full: false, epochs: 1, fcEpochs: 2, train: 4, test: 2, batch: 2, seed: 0, len: 16, out, log: quiet });
    expect(r.rows.map((x) => x.model)).toEqual(['fc', 'tv', 'optnet', 'optnet-tv', 'optnet-tv-full']);
    for (const row of r.rows) {
      expect(Number.isFinite(row.test_mse)).toBe(true);
      if (row.model === 'optnet-tv') expect(row.paper_test_mse).toBeNull();
      else expect(row.paper_test_mse).toBeGreaterThan(0);
    }
    const tv = r.epochs.filter((e) => e.model === 'tv');
    expect(tv).toHaveLength(7);
    expect(r.epochs.filter((e) => e.model === 'optnet').map((e) => e.epoch)).toEqual([0, 1]);
    expect(r.epochs.filter((e) => e.model === 'optnet-tv-full').map((e) => e.epoch)).toEqual([0, 1]);
    expect(r.pngs.map((p) => path.basename(p))).toEqual(['optnet-denoise-mse.png', 'optnet-denoise-fc-mse.png', 'optnet-denoise-example.png']);
    for (const p of r.pngs) expect(await inked(p)).toBeGreaterThan(0.01);
    await expect(runDenoise({ full: false, out: tmp(), seed: 0, only: ['optnet-tv'], log: quiet })).rejects.toThrow(/optnet-tv starts from the best λ of tv/);
    await expect(runDenoise({ full: false, out: tmp(), seed: 0, only: ['optnet-tv-full'], log: quiet })).rejects.toThrow(/optnet-tv-full starts from the best λ of tv/);
    fs.rmSync(out, { recursive: true, force: true });
  }, 120_000);
});
