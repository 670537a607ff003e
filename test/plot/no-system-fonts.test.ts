// Text on a machine without system fonts: in a mount namespace where /usr/share/fonts is empty (root and
// `unshare` needed, as on CI), a bare @napi-rs/canvas draws no glyph at all and raises no error (the failure
// the bundled font prevents), while a chart through the plotting layer draws its title.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const canUnshare = process.getuid?.() === 0 && spawnSync('unshare', ['-m', 'true']).status === 0 && fs.existsSync('/usr/share/fonts');

const SCRIPT = `
import { createCanvas as bareCanvas } from '@napi-rs/canvas';
const ink = (ctx) => { const d = ctx.getImageData(0, 0, 400, 50).data; let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] < 128 && d[i + 1] < 128 && d[i + 2] < 128) n++; return n; };
// before the plotting layer registers its font: the bare canvas
const bare = bareCanvas(400, 120).getContext('2d');
bare.fillStyle = '#fff'; bare.fillRect(0, 0, 400, 120); bare.fillStyle = '#000'; bare.font = 'bold 24px sans-serif'; bare.fillText('Pendulum θ trace', 10, 35);
const missing = ink(bare);
const { renderChart } = await import(${JSON.stringify(path.join(ROOT, 'src/plot/renderer.ts'))});
const { loadImage, createCanvas } = await import(${JSON.stringify(path.join(ROOT, 'src/plot/canvas.ts'))});
const png = renderChart({ type: 'line', data: { datasets: [] }, options: { plugins: { legend: { display: false }, title: { display: true, text: 'Pendulum θ trace', font: { size: 24 } } }, scales: { x: { display: false }, y: { display: false } } } }, { width: 400, height: 120 });
const img = await loadImage(png); const c = createCanvas(400, 120); const ctx = c.getContext('2d'); ctx.drawImage(img, 0, 0);
console.log(JSON.stringify({ bundled: ink(ctx), missing }));
`;

describe('charts without system fonts', () => {
  it.runIf(canUnshare)('draw their title in the bundled font, where a bare canvas draws nothing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nofont-'));
    const script = path.join(ROOT, 'node_modules', '.cache', `nofont-${process.pid}.mts`);
    fs.mkdirSync(path.dirname(script), { recursive: true });
    fs.writeFileSync(script, SCRIPT);
    const r = spawnSync('unshare', ['-m', 'sh', '-c', `mount --bind "${dir}" /usr/share/fonts && exec "${process.execPath}" --import tsx "${script}"`], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    fs.rmSync(script, { force: true });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(r.status, r.stderr).toBe(0);
    const ink = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { bundled: number; missing: number };
    expect(ink.bundled).toBeGreaterThan(300);
    expect(ink.missing).toBe(0);
  });
});
