// Size limits of one MPC plan, checked before any tensor is allocated. The largest tensor of a sampling plan
// holds the candidates `[B, N, H·nu]` (and as many noise draws and rollout states), so B·N·H·nu float32s
// bound its memory; past MAX_PLAN_ELEMENTS (256 MiB per tensor) the wasm backend aborts deep inside its
// kernels, and far before that a plan takes minutes. The CLI names its flags through `names`.
export const MAX_PLAN_ELEMENTS = 2 ** 26;

export interface PlanSize {
  batch: number;
  samples: number;
  horizon: number;
  actionDim: number;
}

/**
 * Throws when B·N·H·nu exceeds MAX_PLAN_ELEMENTS, naming the option (or flag) to lower.
 * @example checkPlanSize({ batch: 1, samples: 500, horizon: 20, actionDim: 1 }, { samples: '--samples', horizon: '--horizon' });
 */
export function checkPlanSize(s: PlanSize, names: Partial<Record<keyof PlanSize, string>> = {}): void {
  const n = (k: keyof PlanSize) => names[k] ?? k;
  for (const k of ['batch', 'samples', 'horizon', 'actionDim'] as const) {
    const v = s[k];
    if (!Number.isInteger(v) || v < 1) throw new Error(`${n(k)}: expected a positive integer (got ${v})`);
  }
  const elements = s.batch * s.samples * s.horizon * s.actionDim;
  if (elements > MAX_PLAN_ELEMENTS) {
    const maxSamples = Math.max(1, Math.floor(MAX_PLAN_ELEMENTS / (s.batch * s.horizon * s.actionDim)));
    throw new Error(
      `${n('samples')} ${s.samples} × ${n('horizon')} ${s.horizon} × ${s.actionDim} action dim(s) × batch ${s.batch} = ` +
        `${elements.toExponential(2)} candidate values per plan, over the limit of ${MAX_PLAN_ELEMENTS} (256 MiB of float32); ` +
        `lower ${n('samples')} (at most ${maxSamples} at this horizon) or ${n('horizon')}`,
    );
  }
}
