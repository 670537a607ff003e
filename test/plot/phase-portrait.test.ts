// plotPhasePortrait: angle wrapping to [−π, π), line breaks at the wrap, θ from Pendulum-v1 observations, PNG.
import { describe, expect, it } from 'vitest';
import { pendulumPhase, phasePoints, plotPhasePortrait, wrapAngle } from '../../src/plot/phase-portrait.ts';
import { pngInfo } from './images.ts';

describe('plotPhasePortrait', () => {
  it('wraps θ and breaks the line where it crosses ±π', () => {
    expect(wrapAngle(Math.PI + 0.1)).toBeCloseTo(-Math.PI + 0.1, 12);
    expect(wrapAngle(-0.5)).toBeCloseTo(-0.5, 12);
    const pts = phasePoints([3.0, 3.1, 3.2, 3.3], [1, 1, 1, 1]);
    expect(pts).toHaveLength(5);
    expect(pts[2]!.y).toBeNull();
    expect(pts[3]!.x).toBeCloseTo(3.2 - 2 * Math.PI, 12);
  });

  it('reads θ, θ̇ from [cos θ, sin θ, θ̇] observations and renders', () => {
    const obs = Array.from({ length: 80 }, (_, t) => {
      const th = Math.PI * Math.exp(-t / 20) * Math.cos(t / 5);
      return Float32Array.of(Math.cos(th), Math.sin(th), -Math.sin(t / 5));
    });
    const tr = pendulumPhase('mpc', obs);
    expect(tr.theta[0]).toBeCloseTo(Math.PI, 5);
    const png = plotPhasePortrait({ trajectories: [tr], width: 500, height: 500 });
    expect(pngInfo(png)).toEqual({ isPng: true, width: 500, height: 500 });
    expect(() => pendulumPhase('x', [Float32Array.of(1, 0)])).toThrow(/obs\[0\] has 2 entries/);
    expect(() => plotPhasePortrait({ trajectories: [{ label: 'a', theta: [0, 1], thetaDot: [0] }] })).toThrow(/thetaDot: expected 2 values/);
  });
});
