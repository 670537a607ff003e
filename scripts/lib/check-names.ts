// Checks the env id and planner name of a configuration before anything is written, so a typo leaves no
// run directory behind; the registries' errors list the known names.
import { envSpec, make } from '../../envs/registry.ts';
import { getPlanner } from '../../controllers/planners.ts';

export function checkEnvAndSolver(cfg: { env: string; solver?: string; solverConfig?: Record<string, unknown>; controller?: string }): void {
  if (!envSpec(cfg.env)) make(cfg.env);
  if (cfg.solver !== undefined && (cfg.controller === undefined || cfg.controller === 'mpc')) getPlanner(cfg.solver, cfg.solverConfig ?? {});
}

/** The physics an env runs with: the configured one if the env has the option, else its only one (analytic). */
export function physicsUsed(env: string, physics: string | undefined): string {
  const has = envSpec(env)?.defaults.physics !== undefined;
  return has ? String(physics ?? envSpec(env)!.defaults.physics) : 'analytic';
}
