// plotSolverTrace: one or several SolverTraces (mean ± σ band and best sample) for a chosen batch row.
import { describe, expect, it } from 'vitest';
import { plotSolverTrace } from '../../src/plot/solver-trace.ts';
import type { SolverTrace } from '../../src/solvers/types.ts';
import { pngInfo } from './images.ts';

const trace = (rate: number): SolverTrace => ({
  mean: Array.from({ length: 8 }, (_, i) => [10 * Math.exp(-rate * i) + 1, 5]),
  std: Array.from({ length: 8 }, (_, i) => [3 * Math.exp(-rate * i), 1]),
  best: Array.from({ length: 8 }, (_, i) => [5 * Math.exp(-rate * i) + 0.5, 4]),
});

describe('plotSolverTrace', () => {
  it('renders traces of several solvers, linear and log', () => {
    const png = plotSolverTrace({ traces: [{ label: 'dcem', trace: trace(0.5) }, { label: 'novas', trace: trace(0.3) }], width: 600, height: 400 });
    expect(pngInfo(png)).toEqual({ isPng: true, width: 600, height: 400 });
    expect(pngInfo(plotSolverTrace({ traces: [{ label: 'dcem', trace: trace(0.5) }], batchIndex: 1, logY: true })).isPng).toBe(true);
  });

  it('names an out-of-range batch index', () => {
    expect(() => plotSolverTrace({ traces: [{ label: 'dcem', trace: trace(0.5) }], batchIndex: 2 })).toThrow(/mean\[0\] has 2 batch entries; batchIndex 2 is out of range/);
  });
});
