// renderChart/savePng: PNG output of the requested size on a white background, one renderer per size reused,
// atomic save, and size validation.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderChart, rendererCount, savePng } from '../../src/plot/renderer.ts';
import { countColor, pngInfo, pngPixels } from './images.ts';

const config = {
  type: 'line' as const,
  data: { datasets: [{ label: 'y', data: [{ x: 0, y: 0 }, { x: 1, y: 1 }], borderColor: '#0072B2', borderWidth: 3 }] },
  options: { scales: { x: { type: 'linear' as const } } },
};

describe('renderChart', () => {
  it('renders a PNG of the requested size on a white background and reuses one renderer per size', async () => {
    const before = rendererCount();
    const a = renderChart(config, { width: 320, height: 200 });
    const b = renderChart(config, { width: 320, height: 200 });
    const c = renderChart(config, { width: 200, height: 320 });
    expect(rendererCount() - before).toBe(2);
    expect(pngInfo(a)).toEqual({ isPng: true, width: 320, height: 200 });
    expect(pngInfo(c)).toEqual({ isPng: true, width: 200, height: 320 });
    expect(Buffer.compare(a, b)).toBe(0);
    const px = await pngPixels(a);
    expect(Array.from(px.data.slice(0, 4))).toEqual([255, 255, 255, 255]);
    expect(countColor(px.data, '#0072B2', 20)).toBeGreaterThan(50);
  });

  it('rejects a bad size and saves atomically', () => {
    expect(() => renderChart(config, { width: 10 })).toThrow(/width must be an integer number of pixels/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plot-'));
    const file = path.join(dir, 'sub', 'chart.png');
    savePng(file, renderChart(config, { width: 320, height: 200 }));
    expect(pngInfo(fs.readFileSync(file)).isPng).toBe(true);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['chart.png']);
    fs.rmSync(dir, { recursive: true });
  });
});
