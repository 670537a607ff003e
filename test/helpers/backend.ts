// Test setup helper: initialises a tensor backend once per test file (DIFFMPC_TEST_BACKEND, default cpu,
// which is deterministic and needs no wasm start-up).
import { initBackend } from '../../src/tensor/backend.ts';

export async function useTestBackend(): Promise<void> {
  await initBackend(process.env.DIFFMPC_TEST_BACKEND ?? 'cpu');
}
