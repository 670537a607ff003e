// Browser stand-in for src/tensor/files.ts (swapped in by scripts/web/build.ts): the page writes no files, so
// every file helper is an error naming the Node-only feature instead of a missing `node:fs`.

const NODE_ONLY = (name: string): Error => new Error(`${name}: file output runs in Node only (the page keeps its results in memory)`);

export function writeFileAtomic(_file: string, _data: string | Uint8Array): never {
  throw NODE_ONLY('writeFileAtomic');
}
export function writeJsonAtomic(_file: string, _value: unknown): never {
  throw NODE_ONLY('writeJsonAtomic');
}
export function appendJsonl(_file: string, _record: unknown): never {
  throw NODE_ONLY('appendJsonl');
}
export function readJsonlRecords(_file: string): never {
  throw NODE_ONLY('readJsonlRecords');
}
export function readJsonl(_file: string): never {
  throw NODE_ONLY('readJsonl');
}
export function truncateFile(_file: string, _bytes: number): never {
  throw NODE_ONLY('truncateFile');
}
