// Per-epoch results of an experiment with several models, written as they happen and resumable by model:
//   <out>/config.json    the experiment's config (a rerun with another config into the same --out is refused)
//   <out>/epochs.jsonl   one line per finished epoch {model, epoch, ...}, appended (a killed run keeps them)
//   <out>/done.jsonl     one line per finished model {model, summary}
// On a rerun with the same config, finished models are skipped (their rows and summary are read back); the
// rows of a model that was interrupted are cut from epochs.jsonl and that model is trained again from its
// seed (data and initialisation are functions of the seed, so the rows it rewrites are the same run).
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../flags.ts';
import { configDifferences } from '../../../src/train/run-dir.ts';
import { appendJsonl, readJsonlRecords, writeFileAtomic, writeJsonAtomic } from '../../../src/tensor/files.ts';

export interface EpochRow {
  model: string;
  epoch: number;
  [k: string]: string | number | boolean | null;
}

export class EpochLog<S = Record<string, unknown>> {
  readonly dir: string;
  private readonly rows = new Map<string, EpochRow[]>();
  private readonly done = new Map<string, S>();

  constructor(dir: string, config: Record<string, unknown>, flagOfOut = '--out') {
    this.dir = path.resolve(dir);
    const cfgFile = path.join(this.dir, 'config.json');
    if (fs.existsSync(cfgFile)) {
      let old: Record<string, unknown>;
      try {
        old = JSON.parse(fs.readFileSync(cfgFile, 'utf8')) as Record<string, unknown>;
      } catch (e) {
        throw new UsageError(`${cfgFile}: not valid JSON (${(e as Error).message}); delete it or pick another ${flagOfOut}`);
      }
      const diff = configDifferences(old, config);
      if (diff.length) {
        const shown = diff.map((d) => `${d.key}: ${JSON.stringify(d.old)} → ${JSON.stringify(d.next)}`).join(', ');
        throw new UsageError(`${flagOfOut} ${dir} holds a run with another config (${shown}); pick another ${flagOfOut} or delete that directory`);
      }
    } else writeJsonAtomic(cfgFile, config);
    const done = readJsonlRecords<{ model: string; summary: S }>(path.join(this.dir, 'done.jsonl')).records;
    for (const d of done) this.done.set(d.model, d.summary);
    // Keep the rows of finished models only; the byte ranges of the others are dropped.
    const file = path.join(this.dir, 'epochs.jsonl');
    const { records, tornBytes } = readJsonlRecords<EpochRow>(file);
    const kept = records.filter((r) => this.done.has(r.model));
    if (kept.length !== records.length || tornBytes > 0) writeFileAtomic(file, kept.map((r) => JSON.stringify(r) + '\n').join(''));
    for (const r of kept) this.push(r);
  }

  private push(r: EpochRow): void {
    const list = this.rows.get(r.model) ?? [];
    list.push(r);
    this.rows.set(r.model, list);
  }

  /** The summary of a model finished by an earlier run, if any. */
  finished(model: string): S | undefined {
    return this.done.get(model);
  }

  /**
   * The summary of `model`: read back when an earlier run finished it (after `onCached`), else `run()`'s,
   * recorded as finished.
   */
  once<T extends S>(model: string, run: () => T, onCached?: () => void): T {
    if (this.done.has(model)) {
      onCached?.();
      return this.done.get(model) as T;
    }
    const summary = run();
    this.finish(model, summary);
    return summary;
  }

  epochRows(model: string): EpochRow[] {
    return this.rows.get(model) ?? [];
  }

  allRows(): EpochRow[] {
    return [...this.rows.values()].flat();
  }

  append(row: EpochRow): void {
    appendJsonl(path.join(this.dir, 'epochs.jsonl'), row);
    this.push(row);
  }

  finish(model: string, summary: S): void {
    appendJsonl(path.join(this.dir, 'done.jsonl'), { model, summary });
    this.done.set(model, summary);
  }
}
