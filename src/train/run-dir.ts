// A run directory, runs/<name>/: config.json, metrics.jsonl, checkpoint.json and plots.
//
// Everything is written so that a killed run loses nothing already written: the config and checkpoints are
// replaced atomically (temp file + fsync + rename), metrics are appended one line per record, and
// `resume` reloads the last checkpoint and the metrics logged up to it (lines logged after the checkpoint
// are dropped so a resumed run does not log the same step twice).
import fs from 'node:fs';
import path from 'node:path';
import { appendJsonl, readJsonl, writeFileAtomic, writeJsonAtomic } from '../tensor/files.ts';

export interface Checkpoint<S = unknown> {
  /** Progress counter (e.g. episodes or epochs completed). */
  step: number;
  state: S;
  /** Number of metric lines written when the checkpoint was taken. */
  metricsLines: number;
  savedAt: string;
}

export class RunDir {
  readonly dir: string;
  private metricsCount = 0;

  private constructor(dir: string) {
    this.dir = dir;
  }

  /**
   * Opens runs/<name>. Without `resume`, an existing run with a checkpoint is an error (so nothing is
   * overwritten by accident); with `resume`, its config must match the new one on `configKeys`.
   */
  static open(root: string, name: string, config: unknown, opts: { resume?: boolean; overwrite?: boolean } = {}): RunDir {
    if (!/^[\w.-]+$/.test(name)) throw new Error(`--name: "${name}" must use only letters, digits, '.', '_' and '-'`);
    const dir = path.resolve(root, name);
    const run = new RunDir(dir);
    const exists = fs.existsSync(run.file('checkpoint.json')) || fs.existsSync(run.file('metrics.jsonl'));
    if (exists && !opts.resume && !opts.overwrite) {
      throw new Error(`run directory ${dir} already holds a run; pass --resume to continue it or --overwrite to start over`);
    }
    if (opts.overwrite && !opts.resume) {
      for (const f of ['checkpoint.json', 'metrics.jsonl', 'config.json']) fs.rmSync(run.file(f), { force: true });
    }
    fs.mkdirSync(dir, { recursive: true });
    if (opts.resume && fs.existsSync(run.file('config.json'))) {
      const old = JSON.parse(fs.readFileSync(run.file('config.json'), 'utf8'));
      const norm = (c: any) => JSON.stringify({ ...c, resume: undefined, overwrite: undefined });
      if (norm(old) !== norm(config)) {
        throw new Error(`--resume: the config differs from the one the run in ${dir} was started with; resume with the same options`);
      }
    }
    writeJsonAtomic(run.file('config.json'), config);
    run.metricsCount = readJsonl(run.file('metrics.jsonl')).length;
    return run;
  }

  file(name: string): string {
    return path.join(this.dir, name);
  }

  /** Appends one metrics record (with a timestamp). */
  log(record: Record<string, unknown>): void {
    appendJsonl(this.file('metrics.jsonl'), { time: new Date().toISOString(), ...record });
    this.metricsCount++;
  }

  metrics<T = Record<string, unknown>>(): T[] {
    return readJsonl<T>(this.file('metrics.jsonl'));
  }

  saveCheckpoint<S>(step: number, state: S): void {
    const ck: Checkpoint<S> = { step, state, metricsLines: this.metricsCount, savedAt: new Date().toISOString() };
    writeJsonAtomic(this.file('checkpoint.json'), ck);
  }

  /** The last checkpoint, with metrics truncated to what it had seen; undefined if there is none. */
  loadCheckpoint<S>(): Checkpoint<S> | undefined {
    const f = this.file('checkpoint.json');
    if (!fs.existsSync(f)) return undefined;
    const ck = JSON.parse(fs.readFileSync(f, 'utf8')) as Checkpoint<S>;
    const lines = readJsonl(this.file('metrics.jsonl'));
    if (lines.length > ck.metricsLines) {
      writeFileAtomic(this.file('metrics.jsonl'), lines.slice(0, ck.metricsLines).map((l) => JSON.stringify(l) + '\n').join(''));
    }
    this.metricsCount = ck.metricsLines;
    return ck;
  }

  /** Writes a binary artifact (PNG, GIF) atomically and returns its path. */
  writeArtifact(name: string, data: Uint8Array): string {
    const f = this.file(name);
    writeFileAtomic(f, data);
    return f;
  }
}
