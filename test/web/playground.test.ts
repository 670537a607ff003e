// The browser playground (scripts/web/) in headless Chromium: the page built into a temp dir, served on a free
// loopback port, driven with playwright-core. What would be wrong: console errors; a backend other than
// wasm (tfjs falls back silently when the .wasm files are missing); MPC that does not swing the pendulum up
// (|θ| < 0.3 rad within 10 simulated s, with dcem and with novas); an env or solver the page cannot plan
// with; a drag that is not applied, or not recovered from; charts without data; training whose loss does not
// fall. The planning speed is measured by `diffmpc bench web`, not here. Every wait is bounded.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, playgroundState, startPlayground, waitForPlayground, type Playground, type PlaygroundState } from '../../scripts/web/harness.ts';

const theta = (obs: readonly number[]): number => Math.atan2(obs[1]!, obs[0]!);

let pg: Playground;

beforeAll(async () => {
  pg = await startPlayground();
}, 180_000);

afterAll(async () => {
  await pg?.close();
});

/** Steps of the log (t, θ) with t ≤ maxT. */
function thetas(s: PlaygroundState, maxT: number): Array<[number, number]> {
  return s.log.filter((r) => r.t <= maxT).map((r) => [r.t, Math.atan2(r.obs[1]!, r.obs[0]!)]);
}

describe('web playground', () => {
  it('loads without console errors on the wasm backend and lists every env and solver', async () => {
    const { page, errors } = await openPage(pg.browser, pg.server.url, { autorun: '0' });
    const s = await waitForPlayground(page, 'the env list', (st) => st.ready && st.envs.length > 0 && st.env !== undefined, null);
    expect(s.backend).toBe('wasm');
    expect(await page.textContent('#backend')).toMatch(/^wasm/);
    expect(s.envs).toEqual(expect.arrayContaining(['Pendulum-v1', 'CartPole-v1', 'CartPoleSwingUp-v0', 'MountainCarContinuous-v0', 'PlanarQuadrotor-v0', 'AcrobotSwingUp-v0']));
    expect(s.solvers).toEqual(['dcem', 'novas', 'gd', 'qp']);
    expect(errors).toEqual([]);
    expect(s.errors).toEqual([]);
    await page.context().close();
  });

  for (const solver of ['dcem', 'novas']) {
    it(`swings the pendulum up (|θ| < 0.3 rad within 10 simulated s) with ${solver}, and the charts show data`, async () => {
      const { page, errors } = await openPage(pg.browser, pg.server.url, { env: 'Pendulum-v1', solver, fast: '1' });
      // 10 s of Pendulum-v1 = 200 steps of dt 0.05
      const s = await waitForPlayground(page, '200 steps', (st) => st.log.length >= 200, null, 90_000);
      expect(s.settings?.solver).toBe(solver);
      const first = thetas(s, 200).find(([, th]) => Math.abs(th) < 0.3);
      expect(first, `θ over the first 10 s never came within 0.3 rad of upright: ${JSON.stringify(thetas(s, 200).filter((_, i) => i % 20 === 0))}`).toBeDefined();
      // and it stays up: the last second of the 10 s window is upright
      expect(thetas(s, 200).slice(-20).every(([, th]) => Math.abs(th) < 0.3)).toBe(true);
      expect(s.last!.msPerPlan).toBeGreaterThan(0);
      expect(await page.textContent('#ms')).toMatch(/ms$/);
      // charts: each redrawn with data, and its plot area has non-background pixels
      await waitForPlayground(page, 'chart redraws', (st) => (st.draws['chart-traces'] ?? 0) > 0 && (st.draws['chart-cost'] ?? 0) > 0 && (st.draws['chart-trace'] ?? 0) > 0, null);
      for (const id of ['chart-traces', 'chart-cost', 'chart-trace']) {
        const inked = await page.evaluate((cid) => {
          const c = document.getElementById(cid) as HTMLCanvasElement;
          const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
          return n / (c.width * c.height);
        }, id);
        expect(inked, `${id}: fraction of drawn pixels`).toBeGreaterThan(0.02);
      }
      expect(errors).toEqual([]);
      expect(s.errors).toEqual([]);
      await page.context().close();
    });
  }

  it('applies a mouse drag on the scene and the controller recovers', async () => {
    const { page, errors } = await openPage(pg.browser, pg.server.url, { env: 'Pendulum-v1', solver: 'dcem', fast: '1' });
    await waitForPlayground(page, 'upright', (st) => st.log.length > 20 && st.log.slice(-20).every((r) => Math.abs(Math.atan2(r.obs[1]!, r.obs[0]!)) < 0.1), null, 90_000);
    const box = (await page.locator('#drag-layer').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 120, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    const s = await waitForPlayground(page, 'the push', (st) => st.pushes.length === 1, null, 10_000);
    const p = s.pushes[0]!;
    expect(p.strength).toBeCloseTo(2, 1); // 120 px = 2 units
    expect(p.after[2]! - p.before[2]!).toBeCloseTo(6, 1); // θ̇ += 3 × strength
    // recovered: upright and nearly still again for 20 steps, within 10 simulated s of the push
    const after = await waitForPlayground(
      page,
      'recovery after the push',
      (st, at) => {
        const tail = st.log.filter((r) => r.t > at).slice(-20);
        return tail.length === 20 && tail.every((r) => Math.abs(Math.atan2(r.obs[1]!, r.obs[0]!)) < 0.3 && Math.abs(r.obs[2]!) < 1.5);
      },
      s.pushes[0]!.atStep,
      90_000,
    );
    const since = after.log.filter((r) => r.t > p.atStep);
    // the push moved it: right after, the velocity is far from rest
    expect(Math.abs(since[0]!.obs[2]!)).toBeGreaterThan(3);
    const recoveredAt = since.findIndex((r, i) => since.slice(i, i + 20).length === 20 && since.slice(i, i + 20).every((q) => Math.abs(theta(q.obs)) < 0.3));
    expect(recoveredAt).toBeGreaterThanOrEqual(0);
    expect(recoveredAt).toBeLessThanOrEqual(200);
    // a key push goes the other way
    await page.keyboard.press('ArrowLeft');
    const k = await waitForPlayground(page, 'the key push', (st) => st.pushes.length === 2, null, 10_000);
    expect(k.pushes[1]!.after[2]! - k.pushes[1]!.before[2]!).toBeCloseTo(-4.5, 1);
    expect(errors).toEqual([]);
    expect(after.errors).toEqual([]);
    await page.context().close();
  });

  it('plans with every registered env and each solver', async () => {
    const { page, errors } = await openPage(pg.browser, pg.server.url, { autorun: '0', fast: '1' });
    const s0 = await waitForPlayground(page, 'the env list', (st) => st.envs.length > 0 && st.env !== undefined, null);
    const done: string[] = [];
    for (const env of s0.envs) {
      for (const solver of s0.solvers) {
        // each change event configures (and runs) the page
        await page.selectOption('#env', env);
        await page.selectOption('#solver', solver);
        const s = await waitForPlayground(
          page,
          `a plan on ${env} with ${solver}`,
          (st, want) => st.errors.length > 0 || (st.settings?.env === want.env && st.settings?.solver === want.solver && st.steps >= 2),
          { env, solver },
          120_000,
        );
        expect(s.errors, `${env} / ${solver}`).toEqual([]);
        expect(s.env!.id).toBe(env);
        expect(s.last!.obs.every(Number.isFinite)).toBe(true);
        done.push(`${env}/${solver}`);
      }
    }
    expect(done.length).toBe(s0.envs.length * s0.solvers.length);
    await page.click('#run'); // pause
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('the training tab learns mass and length by imitation: the loss falls', async () => {
    const { page, errors } = await openPage(pg.browser, pg.server.url, { autorun: '0' });
    await waitForPlayground(page, 'ready', (st) => st.ready, null);
    await page.click('#tab-train');
    await page.fill('#t-steps', '30');
    await page.click('#t-start');
    const s = await waitForPlayground(page, 'training to finish', (st) => st.train.done || st.errors.length > 0, null, 150_000);
    expect(s.errors).toEqual([]);
    const l = s.train.losses;
    expect(l.length).toBe(30);
    expect(l.every(Number.isFinite)).toBe(true);
    expect(l[l.length - 1]!).toBeLessThan(0.5 * l[0]!);
    // the parameters move toward the expert's (1, 1) from (1.3, 0.8)
    expect(Math.abs(s.train.mass.at(-1)! - 1)).toBeLessThan(0.3);
    expect(Math.abs(s.train.length.at(-1)! - 1)).toBeLessThan(0.2);
    expect(s.draws['chart-loss'] ?? 0).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('reports a missing .wasm file as an error instead of running on another backend', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diffmpc-web-nowasm-'));
    try {
      for (const f of fs.readdirSync(pg.dir)) if (!f.endsWith('.wasm')) fs.copyFileSync(path.join(pg.dir, f), path.join(dir, f));
      const { serveStatic } = await import('../../scripts/web/server.ts');
      const srv = await serveStatic(dir, { port: 0 });
      try {
        const { page } = await openPage(pg.browser, srv.url);
        const s = await waitForPlayground(page, 'the backend error', (st) => st.errors.length > 0, null, 60_000);
        expect(s.errors.join('\n')).toMatch(/wasm/);
        expect(s.ready).toBe(false);
        expect(s.steps).toBe(0);
        expect(await page.textContent('#backend')).toBe('none');
        await page.context().close();
      } finally {
        await srv.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a screenshot of the running page has the scene and the charts', async () => {
    const { page } = await openPage(pg.browser, pg.server.url, { env: 'Pendulum-v1', solver: 'dcem', fast: '1' });
    await waitForPlayground(page, 'charts', (st) => st.steps > 30 && (st.draws['chart-trace'] ?? 0) > 0, null, 60_000);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'diffmpc-shot-'));
    try {
      const file = path.join(out, 'playground.png');
      await page.screenshot({ path: file });
      const png = fs.readFileSync(file);
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(png.length).toBeGreaterThan(30_000); // a blank 1320×930 page compresses to a few KiB
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
    expect((await playgroundState(page)).errors).toEqual([]);
    await page.context().close();
  });
});
