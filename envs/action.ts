// Action validation shared by the environments: an action must be an array-like of exactly
// `actionSpace.size` numbers with no NaN; values outside [low, high] (±Infinity included) are clipped into
// the box, as Gymnasium's continuous envs do with np.clip(action, low, high). The clipped Float64 copy is
// what the physics sees, so a bad action can never put NaN into the state.
import type { Box } from './spaces.ts';

export class ActionError extends Error {
  override name = 'ActionError';
}

/** Checks `action` against `space` and returns it clipped into the box, `[n]`. */
export function validateAction(envId: string, action: unknown, space: Box): Float64Array {
  const n = space.size;
  const isArrayLike = Array.isArray(action) || (ArrayBuffer.isView(action) && !(action instanceof DataView));
  if (!isArrayLike) {
    throw new ActionError(
      `${envId}.step: action must be a Float32Array (or number[]) of length ${n} within ${space}; got ${typeof action === 'number' ? `the number ${action} (wrap it: [${action}])` : typeof action}`,
    );
  }
  const a = action as ArrayLike<unknown>;
  if (a.length !== n) {
    throw new ActionError(`${envId}.step: action has length ${a.length} but the action space ${space} needs length ${n}`);
  }
  for (let i = 0; i < n; i++) {
    const v = a[i];
    if (typeof v !== 'number' || Number.isNaN(v)) {
      throw new ActionError(`${envId}.step: action[${i}] is ${String(v)}; actions must be numbers (out-of-range values are clipped into ${space})`);
    }
  }
  return space.clip(a as ArrayLike<number>);
}
