// Stage cost c_t = c(x_t, u_t) (or −r_t) per time step of one or more episodes, optionally on a log axis,
// to see where a controller spends its cost (swing-up transient vs. steady state).
import type { ChartConfiguration } from 'chart.js';
import { renderChart, type ChartSize } from './renderer.ts';
import { axis, colorAt, plugins, points, series, timeAxis } from './style.ts';

export interface CostPerStepOptions extends ChartSize {
  /** One series `[T]` or several labelled ones. */
  costs: ArrayLike<number> | Array<{ label: string; values: ArrayLike<number> }>;
  dt?: number;
  logY?: boolean;
  title?: string;
  yLabel?: string;
}

export function plotCostPerStep(o: CostPerStepOptions): Buffer {
  const list = Array.isArray(o.costs) && o.costs.length > 0 && typeof o.costs[0] === 'object'
    ? (o.costs as Array<{ label: string; values: ArrayLike<number> }>)
    : [{ label: 'cost', values: o.costs as ArrayLike<number> }];
  const datasets = list.map((s, i) => {
    const y = series(`plotCostPerStep: costs${list.length > 1 ? `[${i}]` : ''}`, s.values);
    if (o.logY && y.some((v) => v <= 0)) {
      throw new Error(`plotCostPerStep: costs${list.length > 1 ? `[${i}]` : ''} has values ≤ 0, which a log axis cannot show; pass logY: false`);
    }
    const color = colorAt(i);
    return {
      label: s.label,
      data: points(timeAxis(y.length, o.dt ?? 1), y),
      borderColor: color,
      backgroundColor: color,
      borderWidth: 2,
      pointRadius: y.length <= 60 ? 2.5 : 0,
      stepped: 'before',
    };
  });
  const config = {
    type: 'line',
    data: { datasets },
    options: {
      scales: {
        x: axis({ title: o.dt !== undefined ? 'time [s]' : 'time step' }),
        y: axis({ title: o.yLabel ?? 'cost per step', type: o.logY ? 'logarithmic' : 'linear' }),
      },
      plugins: plugins(o.title ?? 'Cost per step'),
    },
  } as unknown as ChartConfiguration;
  return renderChart(config, o);
}
