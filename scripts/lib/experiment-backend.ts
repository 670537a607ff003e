// The backend of the paper experiments (energy, OptNet): --backend, else $DIFFMPC_BACKEND, else wasm (the
// backend their published numbers use, rather than the CLI's `auto`). Prints which one runs.
import { describeBackend, initBackend, BACKEND_ENV_VAR, type BackendChoice } from '../../src/tensor/backend.ts';

export async function initExperimentBackend(values: Record<string, unknown>): Promise<BackendChoice> {
  const info = await initBackend((values.backend as string | undefined) ?? (process.env[BACKEND_ENV_VAR] ? undefined : 'wasm'));
  console.log(describeBackend(info));
  return info;
}
