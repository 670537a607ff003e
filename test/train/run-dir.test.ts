// Run directories: atomic config/checkpoints, metrics append, resume truncating metrics written after the
// last checkpoint, refusal to overwrite a run by accident, config mismatch on resume.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonl, readJsonlRecords, writeJsonAtomic } from '../../src/tensor/files.ts';
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
    expect(() => RunDir.open(root, 'b', { x: 2 }, { resume: true })).toThrow(/options differ[^]*x: 1 \(run\) vs 2 \(now\)/);
    const fresh = RunDir.open(root, 'b', { x: 2 }, { overwrite: true });
    expect(fresh.metrics()).toEqual([]);
    expect(() => RunDir.open(root, 'bad name', {})).toThrow(/--name: "bad name" must use only/);
  });

  it('reads JSONL with a torn last line (a kill mid-write) and leaves no temp files behind', () => {
    const dir = tmp();
    const f = path.join(dir, 'm.jsonl');
    fs.writeFileSync(f, '{"a":1}\n{"a":2}\n{"a":');
    const notices: string[] = [];
    expect(readJsonl(f, (m) => notices.push(m))).toEqual([{ a: 1 }, { a: 2 }]);
    expect(notices.join()).toMatch(/m\.jsonl: ignoring a torn last line/);
    writeJsonAtomic(path.join(dir, 'c.json'), { ok: true });
    expect(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('a corrupt line other than the last is an error naming the file and line', () => {
    const f = path.join(tmp(), 'm.jsonl');
    fs.writeFileSync(f, '{"a":1}\n{"a":\n{"a":3}\n');
    expect(() => readJsonl(f)).toThrow(/m\.jsonl:2: not a valid JSON record/);
    fs.writeFileSync(f, '{"a":1}\n{"a":2\n');
    expect(() => readJsonl(f)).toThrow(/m\.jsonl:2:/); // a complete (newline-terminated) bad line is not a torn write
  });

  it('resume cuts metrics by byte offset, never rewriting the lines it keeps, and refuses a corrupt file', () => {
    const root = tmp();
    const run = RunDir.open(root, 'c', { x: 1 });
    run.log({ i: 0, v: 0.1 });
    run.saveCheckpoint(1, {});
    run.log({ i: 1 });
    const mf = path.join(root, 'c', 'metrics.jsonl');
    const first = fs.readFileSync(mf, 'utf8').split('\n')[0]!;
    // Write a different spelling of line 1 (same value): a re-serializing resume would change it.
    const spelled = first.replace('"v":0.1', '"v":1e-1');
    fs.writeFileSync(mf, spelled + '\n' + fs.readFileSync(mf, 'utf8').split('\n').slice(1).join('\n') + '{"i":');
    fs.writeFileSync(path.join(root, 'c', 'checkpoint.json'), JSON.stringify({ step: 1, state: {}, metricsLines: 1, savedAt: '' }));
    const again = RunDir.open(root, 'c', { x: 1 }, { resume: true });
    again.loadCheckpoint();
    expect(fs.readFileSync(mf, 'utf8')).toBe(spelled + '\n');
    // Corrupt line 1 of a run with a checkpoint: an error naming the line, the file left as it is.
    fs.writeFileSync(mf, 'garbage\n{"i":1}\n');
    expect(() => RunDir.open(root, 'c', { x: 1 }, { resume: true })).toThrow(/metrics\.jsonl:1: not a valid JSON record/);
    expect(fs.readFileSync(mf, 'utf8')).toBe('garbage\n{"i":1}\n');
    // Fewer records than the checkpoint saw: lines were lost.
    fs.writeFileSync(mf, '');
    expect(() => RunDir.open(root, 'c', { x: 1 }, { resume: true }).loadCheckpoint()).toThrow(/holds 0 complete records but .*checkpoint\.json was saved after 1/);
  });

  it('resume without a checkpoint drops the records of the unfinished first step; a torn last line is cut before appending', () => {
    const root = tmp();
    const run = RunDir.open(root, 'd', {});
    run.log({ i: 0 });
    fs.appendFileSync(run.file('metrics.jsonl'), '{"i":');
    const again = RunDir.open(root, 'd', {}, { resume: true });
    again.log({ i: 9 });
    expect(readJsonlRecords(run.file('metrics.jsonl')).records.map((r: any) => r.i)).toEqual([0, 9]);
    expect(again.loadCheckpoint()).toBeUndefined();
    expect(fs.readFileSync(run.file('metrics.jsonl'), 'utf8')).toBe('');
  });

  it('resume of a run that never existed is an error; a larger extendable key is accepted', () => {
    const root = tmp();
    expect(() => RunDir.open(root, 'never', { x: 1 }, { resume: true })).toThrow(/no run to resume in .*never.*drop --resume/);
    expect(fs.existsSync(path.join(root, 'never'))).toBe(false);
    RunDir.open(root, 'e', { episodes: 4, seed: 1 }).log({});
    expect(() => RunDir.open(root, 'e', { episodes: 3, seed: 1 }, { resume: true, extendable: ['episodes'] })).toThrow(/episodes: 4 \(run\) vs 3 \(now\)/);
    expect(() => RunDir.open(root, 'e', { episodes: 6, seed: 2 }, { resume: true, extendable: ['episodes'] })).toThrow(/seed: 1 \(run\) vs 2 \(now\)/);
    RunDir.open(root, 'e', { episodes: 6, seed: 1 }, { resume: true, extendable: ['episodes'] });
    expect(RunDir.savedConfig(root, 'e')).toEqual({ episodes: 6, seed: 1 });
  });
});
