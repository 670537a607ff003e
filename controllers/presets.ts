// Tuned MPC planner settings per (environment, solver): the horizon H, samples N, solver iterations and the
// solver's own options that reach the control-quality targets of `diffmpc bench quality` (Pendulum-v1 mean
// return ≥ −160 over 10 seeds; CartPoleSwingUp-v0 swung up and held on every seed). `diffmpc run`, `demo`
// and the quality benchmark start from these; flags and config files override any field. Users register
// presets for their own envs with `registerPlannerPreset`.
import { Registry } from '../src/tensor/registry.ts';

export interface PlannerPreset {
  horizon: number;
  samples: number;
  iterations: number;
  solverConfig: Record<string, unknown>;
}

/** Every registered preset, keyed `env/solver` (e.g. `Pendulum-v1/dcem`). */
export const presetRegistry = new Registry<{ env: string; solver: string; preset: PlannerPreset }>({ kind: 'planner preset' });
const key = (env: string, solver: string): string => `${env}/${solver}`;
const copy = (p: PlannerPreset): PlannerPreset => ({ ...p, solverConfig: { ...p.solverConfig } });

/** Registers (or replaces) the preset of `solver` on `env`. */
export function registerPlannerPreset(env: string, solver: string, preset: PlannerPreset): void {
  presetRegistry.register(key(env, solver), { env, solver, preset: copy(preset) }, { replace: true });
}

/** The preset of `solver` on `env`, or undefined when none is registered. */
export function plannerPreset(env: string, solver: string): PlannerPreset | undefined {
  const p = presetRegistry.find(key(env, solver));
  return p && copy(p.preset);
}

/** Every registered preset of `env`, by solver name. */
export function plannerPresetsFor(env: string): Record<string, PlannerPreset> {
  const out: Record<string, PlannerPreset> = {};
  for (const [, p] of presetRegistry.items()) if (p.env === env) out[p.solver] = copy(p.preset);
  return out;
}

// Pendulum-v1 (10 seeds, analytic / matter-js: dcem −156 / −159, novas −156 / −158, qp −145 / −146).
registerPlannerPreset('Pendulum-v1', 'dcem', { horizon: 20, samples: 500, iterations: 5, solverConfig: { elites: 50, temp: 2 } });
registerPlannerPreset('Pendulum-v1', 'novas', { horizon: 20, samples: 300, iterations: 5, solverConfig: {} });
registerPlannerPreset('Pendulum-v1', 'qp', { horizon: 20, samples: 1, iterations: 5, solverConfig: {} });
// CartPoleSwingUp-v0 (10/10 seeds swung up and held on both physics).
registerPlannerPreset('CartPoleSwingUp-v0', 'dcem', { horizon: 40, samples: 300, iterations: 5, solverConfig: { elites: 30, temp: 1 } });
registerPlannerPreset('CartPoleSwingUp-v0', 'novas', { horizon: 40, samples: 300, iterations: 5, solverConfig: { kappa: 10 } });
// PlanarQuadrotor-v0 (seeds 0–2, goal (0, 1) m: within 0.1 m by t ≈ 30 and held; dcem −31, novas −28, qp −20,
// gd (Adam) −25 and held within 3 mm).
// Sampling planners prefer short horizons here: the sampled noise of a long plan swamps the position term.
registerPlannerPreset('PlanarQuadrotor-v0', 'dcem', { horizon: 12, samples: 500, iterations: 5, solverConfig: {} });
registerPlannerPreset('PlanarQuadrotor-v0', 'novas', { horizon: 15, samples: 300, iterations: 5, solverConfig: {} });
registerPlannerPreset('PlanarQuadrotor-v0', 'gd', { horizon: 12, samples: 1, iterations: 20, solverConfig: { method: 'adam', lr: 0.05 } });
registerPlannerPreset('PlanarQuadrotor-v0', 'qp', { horizon: 20, samples: 1, iterations: 5, solverConfig: {} });
// AcrobotSwingUp-v0 (seeds 0–2: tip above the bar h = 1 by t ≈ 60–110 on every seed; novas −325 and reaches
// h = 2, above the bar 86–94% of the last 50 steps; dcem −393, 56–64%; qp (SQP) −247, swung up by t ≈ 63 and held
// upright, h = 2.00 over the last 50 steps, ~360 ms per act; gd (Adam) −390, up by t ≈ 62–78, falls again).
// Only qp holds it upright.
registerPlannerPreset('AcrobotSwingUp-v0', 'dcem', { horizon: 20, samples: 500, iterations: 5, solverConfig: { elites: 50, temp: 2 } });
registerPlannerPreset('AcrobotSwingUp-v0', 'novas', { horizon: 20, samples: 300, iterations: 5, solverConfig: {} });
registerPlannerPreset('AcrobotSwingUp-v0', 'qp', { horizon: 20, samples: 1, iterations: 5, solverConfig: {} });
registerPlannerPreset('AcrobotSwingUp-v0', 'gd', { horizon: 20, samples: 1, iterations: 20, solverConfig: { method: 'adam', lr: 0.05 } });
