// TimeLimit (envs/time-limit.ts) forwards the wrapped env's seconds per step, which the plots use for their
// time axes: Gymnasium's dt 0.05 s for Pendulum-v1 and tau 0.02 s for the cart-poles; none for mountain car.
import { describe, expect, it } from 'vitest';
import { make } from '../../envs/index.ts';

describe('TimeLimit', () => {
  it('forwards dt of the wrapped env', () => {
    expect(make('Pendulum-v1', { physics: 'analytic' }).dt).toBe(0.05);
    expect(make('CartPole-v1', { physics: 'analytic' }).dt).toBe(0.02);
    expect(make('CartPoleSwingUp-v0', { physics: 'analytic' }).dt).toBe(0.02);
    expect(make('MountainCarContinuous-v0').dt).toBeUndefined();
  });
});
