// The browser playground (scripts/web/) in headless Chromium: the page built into a temp dir, served on a free
// loopback port, driven with playwright-core. What would be wrong: console errors; a backend other than
// wasm (tfjs falls back silently when the .wasm files are missing); MPC that does not swing the pendulum up
// (|θ| < 0.3 rad within 10 simulated s, with dcem and with novas); an env or solver the page cannot plan
// with; a mouse drag that does not hold the pendulum (a matter-js constraint, envs/pointer.ts) while the
// controller fights it, or is not recovered from after release; MountainCar without ghosts or pushes; charts without data; training whose loss does not
// fall. The planning speed is measured by `diffmpc bench web`, not here. Every wait is bounded.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, playgroundState, startPlayground, waitForPlayground, type Playground, type PlaygroundState } from '../../scripts/web/harness.ts';
import { PendulumEnv } from '../../envs/pendulum.ts';
import { CartPoleEnv } from '../../envs/cartpole.ts';

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

  it('a mouse drag holds the pendulum away from upright while the controller fights it, and it recovers after release', async () => {
    const { page, errors } = await openPage(pg.browser, pg.server.url, { env: 'Pendulum-v1', solver: 'dcem', fast: '1' });
    const s0 = await waitForPlayground(page, 'upright', (st) => st.log.length > 20 && st.log.slice(-20).every((r) => Math.abs(Math.atan2(r.obs[1]!, r.obs[0]!)) < 0.1), null, 90_000);
    expect(s0.env!.draggable).toBe(true);
    expect(await page.textContent('#drag-hint')).toMatch(/matter-js constraint/);
    // page pixels of a world point (m, y up), through the env's own frame view and the canvas's CSS scale
    const box = (await page.locator('#drag-layer').boundingBox())!;
    const frame = s0.env!.frame;
    const view = new PendulumEnv().frameView(frame.width, frame.height);
    const at = (x: number, y: number): [number, number] => {
      const [fx, fy] = view.px(x, y);
      return [box.x + (fx * box.width) / frame.width, box.y + (fy * box.height) / frame.height];
    };
    // a press far from the rod grabs nothing, and says so
    await page.mouse.move(...at(0, -1.1));
    await page.mouse.down();
    await page.mouse.up();
    const miss = await waitForPlayground(page, 'the missed grab', (st) => st.grabMisses.length === 1, null, 10_000);
    expect(miss.grabMisses[0]).toMatch(/no body within 0.25 m .* the nearest, rod, is 1\.\d\d m away/);
    expect(miss.drags).toEqual([]);
    // press on the bob, carry it along its circle to θ = 1 rad and hold it there
    const th0 = theta(miss.last!.obs);
    await page.mouse.move(...at(Math.sin(th0), Math.cos(th0)));
    await page.mouse.down();
    const HELD = 1.0;
    for (let k = 1; k <= 10; k++) {
      const th = th0 + ((HELD - th0) * k) / 10;
      await page.mouse.move(...at(Math.sin(th), Math.cos(th)));
    }
    const held = await waitForPlayground(
      page,
      'the pendulum held near θ = 1 rad',
      (st, want) => st.drags.length === 1 && st.log.filter((r) => r.t > st.drags[0]!.grabbedAt && Math.abs(Math.atan2(r.obs[1]!, r.obs[0]!) - want) < 0.1).length >= 20,
      HELD,
      60_000,
    );
    expect(held.drags[0]!.body).toBe('rod');
    expect(held.last!.ghosts).toBe(6); // the plan keeps drawing while held
    const shots = path.resolve('bench-results');
    fs.mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: path.join(shots, 'playground-drag.png') });
    await page.mouse.up();
    const rel = await waitForPlayground(page, 'the release', (st) => st.drags[0]?.releasedAt !== undefined, null, 10_000);
    const { grabbedAt, releasedAt, moves } = rel.drags[0]!;
    expect(moves).toBeGreaterThanOrEqual(10); // every move of the carry reached the held grab
    const during = rel.log.filter((r) => r.t > grabbedAt && r.t <= releasedAt!);
    const nearHeld = during.filter((r) => Math.abs(theta(r.obs) - HELD) < 0.1);
    expect(nearHeld.length).toBeGreaterThanOrEqual(20);
    // the controller fights the hand live: while held near θ = 1 it torques back toward upright
    const meanU = nearHeld.reduce((a, r) => a + r.action[0]!, 0) / nearHeld.length;
    expect(meanU, 'mean torque while held at θ ≈ 1 rad').toBeLessThan(-1);
    // recovered: 20 upright steps (|θ| < 0.3 rad) starting within 10 simulated s (200 steps) of the release
    const after = await waitForPlayground(
      page,
      'recovery after the release',
      (st, r0) => {
        const tail = st.log.filter((r) => r.t > r0).slice(-20);
        return tail.length === 20 && tail.every((r) => Math.abs(Math.atan2(r.obs[1]!, r.obs[0]!)) < 0.3 && Math.abs(r.obs[2]!) < 1.5);
      },
      releasedAt!,
      90_000,
    );
    const since = after.log.filter((r) => r.t > releasedAt!);
    expect(Math.abs(theta(since[0]!.obs))).toBeGreaterThan(0.7); // let go far from upright
    const recoveredAt = since.findIndex((r, i) => since.slice(i, i + 20).length === 20 && since.slice(i, i + 20).every((q) => Math.abs(theta(q.obs)) < 0.3));
    expect(recoveredAt).toBeGreaterThanOrEqual(0);
    expect(recoveredAt).toBeLessThanOrEqual(200);
    // a key push kicks θ̇ by 3 × 1.5 the other way
    await page.keyboard.press('ArrowLeft');
    const k = await waitForPlayground(page, 'the key push', (st) => st.pushes.length === 1, null, 10_000);
    expect(k.pushes[0]!.after[2]! - k.pushes[0]!.before[2]!).toBeCloseTo(-4.5, 1);
    expect(errors).toEqual([]);
    expect(k.errors).toEqual([]);
    await page.context().close();
  });

  it('dragging CartPole-v1\'s pole past 12° ends the episode cleanly (no step error), and R starts a new one', async () => {
    const { page, errors } = await openPage(pg.browser, pg.server.url, { env: 'CartPole-v1', solver: 'dcem', fast: '1' });
    const s0 = await waitForPlayground(page, 'steps', (st) => st.env?.id === 'CartPole-v1' && st.steps >= 10, null, 90_000);
    expect(s0.env!.draggable).toBe(true);
    const box = (await page.locator('#drag-layer').boundingBox())!;
    const frame = s0.env!.frame;
    const view = new CartPoleEnv().frameView(frame.width, frame.height);
    const at = (x: number, y: number): [number, number] => {
      const [fx, fy] = view.px(x, y);
      return [box.x + (fx * box.width) / frame.width, box.y + (fy * box.height) / frame.height];
    };
    const [x, , th] = s0.last!.obs as [number, number, number];
    await page.mouse.move(...at(x + Math.sin(th), Math.cos(th))); // the pole's tip (pole length 1 m)
    await page.mouse.down();
    for (let k = 1; k <= 8; k++) await page.mouse.move(...at(x + Math.sin(th) + 0.1 * k, Math.cos(th) - 0.05 * k));
    const t = await waitForPlayground(page, 'the termination', (st) => st.terminatedAt !== undefined || st.errors.length > 0, null, 30_000);
    await page.mouse.up();
    expect(t.errors).toEqual([]);
    expect(t.drags[0]!.body).toBe('pole');
    expect(Math.abs(t.last!.obs[2]!)).toBeGreaterThan(0.2);
    await waitForPlayground(page, 'the run to stop', (st) => !st.running, null, 10_000);
    expect(await page.textContent('#drag-status')).toMatch(/terminated at step \d+: press R/);
    await page.keyboard.press('r');
    const r = await waitForPlayground(page, 'the reset', (st) => st.terminatedAt === undefined && st.steps === 0, null, 10_000);
    expect(r.errors).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('MountainCar draws plan ghosts and takes a key push; a drag there pushes (no matter-js world)', async () => {
    const { page, errors } = await openPage(pg.browser, pg.server.url, { env: 'MountainCarContinuous-v0', solver: 'dcem', fast: '1' });
    const s0 = await waitForPlayground(page, 'steps', (st) => st.env?.id === 'MountainCarContinuous-v0' && st.steps >= 5, null, 90_000);
    expect(s0.env!.pushable).toBe(true);
    expect(s0.env!.draggable).toBe(false);
    expect(await page.textContent('#drag-hint')).toMatch(/no matter-js world: drag across the scene/);
    await page.keyboard.press('ArrowRight');
    const k = await waitForPlayground(page, 'the key push', (st) => st.pushes.length === 1, null, 10_000);
    const p = k.pushes[0]!;
    expect(p.after[1]! - p.before[1]!).toBeCloseTo(Math.min(0.07, p.before[1]! + 0.0225) - p.before[1]!, 6);
    expect(p.after[0]).toBe(p.before[0]);
    const box = (await page.locator('#drag-layer').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 - 90, box.y + box.height / 2, { steps: 4 });
    await page.mouse.up();
    const d = await waitForPlayground(page, 'the drag push', (st) => st.pushes.length === 2, null, 10_000);
    expect(d.pushes[1]!.strength).toBeCloseTo(-1.5, 1);
    expect(d.drags).toEqual([]);
    // the plan's ghosts are drawn over the car at every step
    expect(d.last!.ghosts).toBe(6);
    expect(errors).toEqual([]);
    expect(d.errors).toEqual([]);
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
