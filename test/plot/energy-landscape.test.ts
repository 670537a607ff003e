// Tests of the energy-landscape chart: the colour ramp, per-column normalization, PNG output and input checks.
import { describe, expect, it } from 'vitest';
import { normalizeColumns, plotEnergyLandscape, viridis } from '../../src/plot/energy-landscape.ts';

describe('energy landscape plot', () => {
  it('maps [0, 1] onto the viridis ramp, clamping outside', () => {
    expect(viridis(0)).toBe('rgb(68, 1, 84)');
    expect(viridis(1)).toBe('rgb(253, 231, 37)');
    expect(viridis(-3)).toBe(viridis(0));
    expect(viridis(0.5)).toBe('rgb(33, 145, 140)');
  });

  it('normalizes each x column to [0, 1] with 0 at its minimizer', () => {
    // [nx = 2][ny = 3]
    const n = normalizeColumns([3, 1, 2, 10, 30, 20], 2, 3);
    expect(Array.from(n)).toEqual([1, 0, 0.5, 0, 1, 0.5]);
  });

  it('renders a PNG and names the field whose length is wrong', () => {
    const xs = [0, 1, 2];
    const ys = [-1, 0, 1, 2];
    const energy = Array.from({ length: 12 }, (_, k) => (k % 4) - 1.5);
    const png = plotEnergyLandscape({ xs, ys, energy, yhat: [0, 0.5, 1], truth: [0, 0.8, 1.8], trainX: [0.5], trainY: [0.2], width: 300, height: 200 });
    expect(Array.from(png.subarray(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(() => plotEnergyLandscape({ xs, ys, energy: energy.slice(1), yhat: [0, 0, 0], truth: [0, 0, 0] })).toThrow(
      /plotEnergyLandscape: energy: expected 12 values/,
    );
  });
});
