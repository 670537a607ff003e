// The replay buffer lives in src/train/replay-buffer.ts (below policies/, so the training loops of src/ use it
// without importing policies/); this module re-exports it under its old path.
export { ReplayBuffer, type Batch, type StoredTransition } from '../src/train/replay-buffer.ts';
/** @deprecated The buffer's row type; named `StoredTransition` now (the stream's record is `Transition`). */
export type { StoredTransition as Transition } from '../src/train/replay-buffer.ts';
