// Locates and reads the reference fixtures in ../shared/reference (beside the repository), never a copy.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const REFERENCE_DIR = path.resolve(REPO_ROOT, '../shared/reference');

/** Parses `../shared/reference/<name>`; throws a clear error when the folder is missing. */
export function readReference<T = any>(name: string): T {
  const file = path.join(REFERENCE_DIR, name);
  if (!fs.existsSync(file)) throw new Error(`reference fixture ${file} not found: ../shared/reference must sit beside the repository`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}
