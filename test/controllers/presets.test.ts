// Planner presets (controllers/presets.ts): lookup by (env, solver), copies that callers cannot mutate, user
// registration, and the per-env listing the quality benchmark iterates over.
import { describe, expect, it } from 'vitest';
import { plannerPreset, plannerPresetsFor, registerPlannerPreset } from '../../controllers/presets.ts';

describe('planner presets', () => {
  it('returns the tuned settings of a registered pair and undefined otherwise', () => {
    expect(plannerPreset('Pendulum-v1', 'dcem')).toEqual({ horizon: 20, samples: 500, iterations: 5, solverConfig: { elites: 50, temp: 2 } });
    expect(plannerPreset('Pendulum-v1', 'no-such-solver')).toBeUndefined();
    expect(Object.keys(plannerPresetsFor('CartPoleSwingUp-v0')).sort()).toEqual(['dcem', 'novas']);
  });

  it('hands out copies and accepts user presets', () => {
    plannerPreset('Pendulum-v1', 'dcem')!.solverConfig.elites = 1;
    expect(plannerPreset('Pendulum-v1', 'dcem')!.solverConfig.elites).toBe(50);
    registerPlannerPreset('My-v0', 'novas', { horizon: 5, samples: 10, iterations: 2, solverConfig: { kappa: 3 } });
    expect(plannerPresetsFor('My-v0')).toEqual({ novas: { horizon: 5, samples: 10, iterations: 2, solverConfig: { kappa: 3 } } });
  });
});
