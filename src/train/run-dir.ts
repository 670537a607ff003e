// A run directory, runs/<name>/: config.json, metrics.jsonl, checkpoint.json and plots.
//
// Everything is written so that a killed run loses nothing already written: the config and checkpoints are
// replaced atomically (temp file + fsync + rename), metrics are appended one line per record, and
// `loadCheckpoint` reloads the last checkpoint and cuts metrics.jsonl at the byte offset where the records
// it had seen end (later lines are re-logged by the resumed run, so none appears twice). Lines are never
// re-serialized: a corrupt line is an error naming file and line, only a torn last line is dropped.
import fs from 'node:fs';
import path from 'node:path';
import { appendJsonl, readJsonlRecords, truncateFile, writeFileAtomic, writeJsonAtomic } from '../tensor/files.ts';

export interface Checkpoint<S = unknown> {
  /** Progress counter (e.g. episodes or epochs completed). */
  step: number;
  state: S;
  /** Number of metric records written when the checkpoint was taken. */
  metricsLines: number;
  /** Size of metrics.jsonl in bytes when the checkpoint was taken. */
  metricsBytes?: number;
  savedAt: string;
}

export interface OpenOptions {
  resume?: boolean;
  overwrite?: boolean;
  /** Numeric config keys a resume may raise (e.g. `episodes`: extending a run); any other change is refused. */
  extendable?: string[];
}

/** Keys ignored when a resumed config is compared with the saved one. */
const NOT_COMPARED = new Set(['resume', 'overwrite']);

/** `key: old → new` for every top-level key whose value differs (compared as JSON). */
export function configDifferences(old: Record<string, unknown>, next: Record<string, unknown>): Array<{ key: string; old: unknown; next: unknown }> {
  const keys = [...new Set([...Object.keys(old), ...Object.keys(next)])].filter((k) => !NOT_COMPARED.has(k)).sort();
  return keys.filter((k) => JSON.stringify(old[k]) !== JSON.stringify(next[k])).map((k) => ({ key: k, old: old[k], next: next[k] }));
}

/** The error of `--resume` when runs/<name> holds no run (checked before anything is loaded or written). */
export function noRunToResume(root: string, name: string): Error {
  return new Error(`--resume: there is no run to resume in ${path.resolve(root, name)} (no config.json); drop --resume to start a new run named "${name}"`);
}

const show = (v: unknown) => (v === undefined ? '(unset)' : JSON.stringify(v));

export class RunDir {
  readonly dir: string;
  private metricsCount = 0;
  private metricsBytes = 0;

  private constructor(dir: string) {
    this.dir = dir;
  }

  /** The config.json of runs/<name>, or undefined when there is none (no run started there). */
  static savedConfig(root: string, name: string): Record<string, unknown> | undefined {
    const f = path.join(path.resolve(root, name), 'config.json');
    if (!fs.existsSync(f)) return undefined;
    try {
      return JSON.parse(fs.readFileSync(f, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new Error(`${f}: not valid JSON (${(e as Error).message}); repair it or start over with --overwrite`);
    }
  }

  /**
   * Opens runs/<name>. Without `resume`, an existing run is an error (so nothing is overwritten by
   * accident); with `resume`, the run must exist and its config must equal the new one, except for
   * `extendable` keys that grow.
   */
  static open(root: string, name: string, config: unknown, opts: OpenOptions = {}): RunDir {
    if (!/^[\w.-]+$/.test(name)) throw new Error(`--name: "${name}" must use only letters, digits, '.', '_' and '-'`);
    const dir = path.resolve(root, name);
    const run = new RunDir(dir);
    const exists = fs.existsSync(run.file('checkpoint.json')) || fs.existsSync(run.file('metrics.jsonl'));
    if (opts.resume) {
      const old = RunDir.savedConfig(root, name);
      if (!old) throw noRunToResume(root, name);
      const diffs = configDifferences(old, config as Record<string, unknown>);
      const refused = diffs.filter((d) => !(opts.extendable?.includes(d.key) && typeof d.old === 'number' && typeof d.next === 'number' && d.next > d.old));
      if (refused.length) {
        const grow = opts.extendable?.length ? ` (only a larger ${opts.extendable.map((k) => `"${k}"`).join(', ')} may be given, to extend the run)` : '';
        throw new Error(
          `--resume: the options differ from those the run in ${dir} was started with${grow}:\n` +
            refused.map((d) => `  ${d.key}: ${show(d.old)} (run) vs ${show(d.next)} (now)`).join('\n') +
            `\nresume with the run's options (omit these flags), or start over with --overwrite`,
        );
      }
    } else if (exists && !opts.overwrite) {
      throw new Error(`run directory ${dir} already holds a run; pass --resume to continue it or --overwrite to start over`);
    }
    if (opts.overwrite && !opts.resume) {
      for (const f of ['checkpoint.json', 'metrics.jsonl', 'config.json']) fs.rmSync(run.file(f), { force: true });
    }
    fs.mkdirSync(dir, { recursive: true });
    writeJsonAtomic(run.file('config.json'), config);
    run.syncMetricsCount(opts.resume === true);
    return run;
  }

  /** An existing run directory (any path, e.g. for re-plotting); writes nothing. */
  static attach(dir: string): RunDir {
    const run = new RunDir(path.resolve(dir));
    run.syncMetricsCount(false);
    return run;
  }

  /** Counts the metric records; a torn last line is cut off when `cutTorn` (so new records start on a fresh line). */
  private syncMetricsCount(cutTorn: boolean): void {
    const f = this.file('metrics.jsonl');
    const m = readJsonlRecords(f);
    this.metricsCount = m.records.length;
    this.metricsBytes = m.ends[m.ends.length - 1] ?? 0;
    if (cutTorn && m.tornBytes > 0) {
      process.stderr.write(`note: ${f}: dropping a torn last line (${m.tornBytes} bytes, from a write interrupted by a kill)\n`);
      truncateFile(f, this.metricsBytes);
    }
  }

  file(name: string): string {
    return path.join(this.dir, name);
  }

  /** Appends one metrics record (with a timestamp). */
  log(record: Record<string, unknown>): void {
    const rec = { time: new Date().toISOString(), ...record };
    appendJsonl(this.file('metrics.jsonl'), rec);
    this.metricsCount++;
    this.metricsBytes += Buffer.byteLength(JSON.stringify(rec) + '\n');
  }

  metrics<T = Record<string, unknown>>(): T[] {
    return readJsonlRecords<T>(this.file('metrics.jsonl')).records;
  }

  saveCheckpoint<S>(step: number, state: S): void {
    const ck: Checkpoint<S> = { step, state, metricsLines: this.metricsCount, metricsBytes: this.metricsBytes, savedAt: new Date().toISOString() };
    writeJsonAtomic(this.file('checkpoint.json'), ck);
  }

  /**
   * The last checkpoint, with metrics.jsonl cut just after the records it had seen (by byte offset); with no
   * checkpoint, every record is later than the start and the file is emptied. Undefined if there is none.
   * Throws when the file holds fewer records than the checkpoint saw (lines were lost or edited).
   */
  loadCheckpoint<S>(): Checkpoint<S> | undefined {
    const f = this.file('checkpoint.json');
    const mf = this.file('metrics.jsonl');
    let ck: Checkpoint<S> | undefined;
    if (fs.existsSync(f)) {
      try {
        ck = JSON.parse(fs.readFileSync(f, 'utf8')) as Checkpoint<S>;
      } catch (e) {
        throw new Error(`${f}: not valid JSON (${(e as Error).message}); start over with --overwrite`);
      }
    }
    const keepRecords = ck?.metricsLines ?? 0;
    const m = readJsonlRecords(mf);
    if (m.records.length < keepRecords) {
      throw new Error(`${mf} holds ${m.records.length} complete records but ${f} was saved after ${keepRecords}: metrics were lost or edited since; nothing was changed`);
    }
    const keepBytes = keepRecords === 0 ? 0 : m.ends[keepRecords - 1]!;
    if (ck?.metricsBytes !== undefined && ck.metricsBytes !== keepBytes) {
      throw new Error(`${mf}: its first ${keepRecords} records span ${keepBytes} bytes but ${ck.metricsBytes} when ${f} was saved: the file was edited since; nothing was changed`);
    }
    if (fs.existsSync(mf) && fs.statSync(mf).size > keepBytes) truncateFile(mf, keepBytes);
    this.metricsCount = keepRecords;
    this.metricsBytes = keepBytes;
    return ck;
  }

  /** Writes a binary artifact (PNG, GIF) atomically and returns its path. */
  writeArtifact(name: string, data: Uint8Array): string {
    const f = this.file(name);
    writeFileAtomic(f, data);
    return f;
  }
}
