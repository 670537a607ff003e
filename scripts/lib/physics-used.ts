// The physics a run actually uses, for its summary line (an env without a `physics` option has only its
// analytic step, whatever --physics says).
import { envSpec } from '../../envs/registry.ts';

/** The physics an env runs with: the configured one if the env has the option, else its only one (analytic). */
export function physicsUsed(env: string, physics: string | undefined): string {
  const has = envSpec(env)?.defaults.physics !== undefined;
  return has ? String(physics ?? envSpec(env)!.defaults.physics) : 'analytic';
}
