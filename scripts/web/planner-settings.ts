// The playground's planner settings per (env, solver): the tuned preset (controllers/presets.ts) when one is
// registered, else a generic default per solver; and the page's "temperature" mapped to the solver's own
// option: DCEM's inverse temperature τ (`temp`) or NOVAS's softmax sharpness κ (`kappa`); gd and qp have none.
import { plannerPreset } from '../../controllers/presets.ts';
import type { PlannerSettings } from './protocol.ts';

/** The solvers the page offers (each registered by the library). */
export const PLAYGROUND_SOLVERS = ['dcem', 'novas', 'gd', 'qp'] as const;

/** The option `temperature` sets, per solver. */
const TEMPERATURE_KEY: Record<string, string> = { dcem: 'temp', novas: 'kappa' };

const FALLBACK: Record<string, { horizon: number; samples: number; iterations: number; solverConfig: Record<string, unknown> }> = {
  dcem: { horizon: 20, samples: 300, iterations: 5, solverConfig: { temp: 1 } },
  novas: { horizon: 20, samples: 300, iterations: 5, solverConfig: { kappa: 10 } },
  gd: { horizon: 20, samples: 1, iterations: 20, solverConfig: { method: 'adam', lr: 0.05 } },
  qp: { horizon: 20, samples: 1, iterations: 5, solverConfig: {} },
};

function base(env: string, solver: string) {
  return plannerPreset(env, solver) ?? FALLBACK[solver] ?? { horizon: 20, samples: 300, iterations: 5, solverConfig: {} };
}

/** Horizon, samples, iterations and (dcem, novas) temperature the page starts from. */
export function plannerDefaults(env: string, solver: string): { horizon: number; samples: number; iterations: number; temperature?: number } {
  const p = base(env, solver);
  const key = TEMPERATURE_KEY[solver];
  const fallbackT = key ? (FALLBACK[solver]!.solverConfig[key] as number) : undefined;
  const t = key ? ((p.solverConfig[key] as number | undefined) ?? fallbackT) : undefined;
  return { horizon: p.horizon, samples: p.samples, iterations: p.iterations, ...(t !== undefined ? { temperature: t } : {}) };
}

/** The solver options of a page setting: the preset's, with the temperature applied. */
export function solverConfigFor(s: PlannerSettings): Record<string, unknown> {
  const cfg = { ...base(s.env, s.solver).solverConfig };
  const key = TEMPERATURE_KEY[s.solver];
  if (key && s.temperature !== undefined) {
    if (!(Number.isFinite(s.temperature) && s.temperature > 0)) throw new Error(`temperature must be a positive number (got ${s.temperature})`);
    cfg[key] = s.temperature;
  }
  return cfg;
}
