// Crash-safe file output for runs: atomic writes (write to a temp file in the same directory, fsync, rename)
// and line-appended JSONL metrics, so a killed run never leaves a half-written file behind.
//
// JSONL reading is strict: each record is one `write` of `JSON + '\n'`, so a kill can only tear the last
// line (no newline after it). That line is dropped with a notice; an unparseable line anywhere else is
// corruption and an error naming the file and line number (never silently skipped).
import fs from 'node:fs';
import path from 'node:path';

/** Writes `data` to `file` atomically: readers see either the old or the new content, never a mix. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/** Atomic JSON write with stable 2-space formatting. */
export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
}

/** Appends one JSON object as a line; each line is written with a single `write` call. */
export function appendJsonl(file: string, record: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.appendFileSync(file, JSON.stringify(record) + '\n');
}

export interface JsonlContents<T> {
  records: T[];
  /** `ends[i]` is the byte offset just past record i's newline (truncating there keeps records 0..i). */
  ends: number[];
  /** Bytes of a torn last line (no newline, not parseable) after the records; 0 if none. */
  tornBytes: number;
}

/**
 * Reads a JSONL file with the byte offset where each record ends. A torn last line is reported in
 * `tornBytes`; any other unparseable line throws `FILE:LINE: ...`.
 */
export function readJsonlRecords<T = unknown>(file: string): JsonlContents<T> {
  if (!fs.existsSync(file)) return { records: [], ends: [], tornBytes: 0 };
  const buf = fs.readFileSync(file);
  const records: T[] = [];
  const ends: number[] = [];
  let start = 0;
  let lineNo = 0;
  while (start < buf.length) {
    lineNo++;
    const nl = buf.indexOf(0x0a, start);
    const end = nl === -1 ? buf.length : nl + 1;
    const text = buf.toString('utf8', start, nl === -1 ? buf.length : nl);
    if (text.trim()) {
      try {
        records.push(JSON.parse(text) as T);
        ends.push(end);
      } catch (e) {
        if (nl === -1) return { records, ends, tornBytes: buf.length - start };
        throw new Error(
          `${file}:${lineNo}: not a valid JSON record (${(e as Error).message}); the file is corrupt before its last line. ` +
            `Repair or remove line ${lineNo} by hand (nothing was changed)`,
        );
      }
    } else if (records.length) {
      ends[ends.length - 1] = end;
    }
    start = end;
  }
  return { records, ends, tornBytes: 0 };
}

/**
 * Reads a JSONL file's records. A torn last line (from a kill mid-write) is dropped with a notice through
 * `onNotice` (default: stderr); a corrupt line elsewhere throws, naming the file and line.
 */
export function readJsonl<T = unknown>(file: string, onNotice: (msg: string) => void = (m) => process.stderr.write(m + '\n')): T[] {
  const r = readJsonlRecords<T>(file);
  if (r.tornBytes > 0) onNotice(`note: ${file}: ignoring a torn last line (${r.tornBytes} bytes, no newline; a write interrupted by a kill)`);
  return r.records;
}

/** Cuts `file` to its first `bytes` bytes (in place, fsynced); the bytes kept are never rewritten. */
export function truncateFile(file: string, bytes: number): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.ftruncateSync(fd, bytes);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
