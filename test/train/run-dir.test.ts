// Run directories: atomic config/checkpoints, metrics append, resume truncating metrics written after the
// last checkpoint, refusal to overwrite a run by accident, config mismatch on resume.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonl, writeJsonAtomic } from '../../src/tensor/files.ts';
import { RunDir } from '../../src/train/run-dir.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'diffmpc-run-'));

describe('RunDir', () => {
  it('writes config, metrics and checkpoints, and resumes from the last checkpoint', () => {
    const root = tmp();
    const cfg = { lr: 0.1 };
    const run = RunDir.open(root, 'a', cfg);
    run.log({ kind: 'epoch', epoch: 0 });
    run.saveCheckpoint(1, { w: [1, 2] });
    run.log({ kind: 'epoch', epoch: 1 }); // logged after the checkpoint: lost work on a kill
    const again = RunDir.open(root, 'a', cfg, { resume: true });
    const ck = again.loadCheckpoint<{ w: number[] }>();
    expect(ck?.step).toBe(1);
    expect(ck?.state.w).toEqual([1, 2]);
    expect(again.metrics().map((m: any) => m.epoch)).toEqual([0]);
    again.log({ kind: 'epoch', epoch: 1 });
    expect(again.metrics().map((m: any) => m.epoch)).toEqual([0, 1]);
    expect(JSON.parse(fs.readFileSync(path.join(root, 'a', 'config.json'), 'utf8'))).toEqual(cfg);
  });

  it('refuses to overwrite an existing run unless asked, and checks the config on resume', () => {
    const root = tmp();
    const run = RunDir.open(root, 'b', { x: 1 });
    run.log({ a: 1 });
    expect(() => RunDir.open(root, 'b', { x: 1 })).toThrow(/already holds a run; pass --resume to continue it or --overwrite/);
    expect(() => RunDir.open(root, 'b', { x: 2 }, { resume: true })).toThrow(/config differs/);
    const fresh = RunDir.open(root, 'b', { x: 2 }, { overwrite: true });
    expect(fresh.metrics()).toEqual([]);
    expect(() => RunDir.open(root, 'bad name', {})).toThrow(/--name: "bad name" must use only/);
  });

  it('reads JSONL with a torn last line (a kill mid-write) and leaves no temp files behind', () => {
    const dir = tmp();
    const f = path.join(dir, 'm.jsonl');
    fs.writeFileSync(f, '{"a":1}\n{"a":2}\n{"a":');
    expect(readJsonl(f)).toEqual([{ a: 1 }, { a: 2 }]);
    writeJsonAtomic(path.join(dir, 'c.json'), { ok: true });
    expect(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
