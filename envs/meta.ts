// What plots and GIFs need to know about an env's signals, stated by the env itself (beside its head comment)
// rather than switched on its id in the plotting code: a label with unit and an optional target per
// observation entry, the physical quantity each action entry applies (e.g. CartPole-v1's a ∈ [0, 1] is the
// force F = ±10 N, `applied(a)`), whether the env's natural per-step signal is a reward or a cost
// (cost c = −r), and the frame size that fits its scene. The types live in src/streams/env.ts (with `Env`);
// this module keeps the helpers that build them.

export type { EnvMeta, ObservationMeta } from '../src/streams/env.ts';
import type { EnvMeta } from '../src/streams/env.ts';

/** A target annotation, e.g. `target(1, 'upright: cos θ = 1')`. */
export function target(value: number, label: string): { value: number; label: string } {
  return { value, label };
}

/** Metadata for an env that states none: `obs[i]` / `action[i]` labels, the raw action, a reward. */
export function genericMeta(obsDim: number, actDim: number): EnvMeta {
  return {
    observations: Array.from({ length: obsDim }, (_, i) => ({ label: `obs[${i}]` })),
    actions: Array.from({ length: actDim }, (_, i) => `action[${i}]`),
    applied: (a) => Array.from(a),
    signal: 'reward',
    frame: { width: 400, height: 400 },
  };
}
