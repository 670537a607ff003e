// plotPlannedVsExecuted: executed line and plans drawn (both colours present), plan validation.
import { describe, expect, it } from 'vitest';
import { plannedVsExecutedChart, plotPlannedVsExecuted } from '../../src/plot/planned-vs-executed.ts';
import { PALETTE, breakWraps } from '../../src/plot/style.ts';
import { countColor, pngInfo, pngPixels } from './images.ts';

describe('plotPlannedVsExecuted', () => {
  it('draws the executed trajectory and every plan from its decision step', async () => {
    const ex = Array.from({ length: 60 }, (_, t) => Math.exp(-t / 15));
    const plans = [0, 15, 30].map((k) => ({ start: k, values: Array.from({ length: 11 }, (_, j) => Math.exp(-(k + j) / 12)) }));
    const png = plotPlannedVsExecuted({ executed: ex, plans, target: 0, width: 640, height: 360 });
    expect(pngInfo(png)).toEqual({ isPng: true, width: 640, height: 360 });
    const { data } = await pngPixels(png);
    expect(countColor(data, PALETTE[0]!)).toBeGreaterThan(200);
    expect(countColor(data, PALETTE[1]!, 40)).toBeGreaterThan(30);
  });

  it('breaks an angle line where it wraps instead of drawing a vertical stroke across the chart', async () => {
    // θ rises through π and reappears at −π: one wrap between t = 19 and t = 20.
    const ex = Array.from({ length: 40 }, (_, t) => Math.atan2(Math.sin(2.2 + 0.1 * t), Math.cos(2.2 + 0.1 * t)));
    const draw = (period?: number) => plotPlannedVsExecuted({ executed: ex, plans: [], width: 480, height: 480, ...(period ? { period } : {}) });
    const count = async (png: Buffer) => countColor((await pngPixels(png)).data, PALETTE[0]!);
    const joined = await count(draw());
    const broken = await count(draw(2 * Math.PI));
    // The vertical stroke spans most of the plot height (3 px wide): at least 500 executed-colour pixels fewer.
    expect(joined - broken).toBeGreaterThan(500);
    expect(breakWraps([{ x: 0, y: 3.1 }, { x: 1, y: -3.1 }, { x: 2, y: -3 }], 2 * Math.PI)).toEqual([{ x: 0, y: 3.1 }, { x: 0.5, y: null }, { x: 1, y: -3.1 }, { x: 2, y: -3 }]);
    expect(() => breakWraps([], 0)).toThrow(/period must be a positive number/);
  });

  it('rejects a plan with a bad start', () => {
    expect(() => plotPlannedVsExecuted({ executed: [1, 2], plans: [{ start: -1, values: [1] }] })).toThrow(/plans\[0\]\.start must be a non-negative integer/);
  });

  it('clips the x axis, the target and late plans to the executed episode', () => {
    // 201 states (10 s at dt 0.05); the plan made at step 190 predicts 40 steps, up to 11.5 s.
    const c = plannedVsExecutedChart({ executed: new Array(201).fill(0), plans: [{ start: 190, values: new Array(41).fill(0.1) }], dt: 0.05, target: 0 }) as unknown as {
      data: { datasets: Array<{ label: string; data: Array<{ x: number }> }> };
      options: { scales: { x: { min: number; max: number } } };
    };
    expect(c.options.scales.x.min).toBe(0);
    expect(c.options.scales.x.max).toBeCloseTo(10, 9);
    const plan = c.data.datasets.find((d) => d.label.startsWith('planned'))!;
    expect(plan.data.length).toBe(11); // steps 190 … 200
    expect(Math.max(...c.data.datasets.flatMap((d) => d.data.map((p) => p.x)))).toBeCloseTo(10, 9);
  });
});
