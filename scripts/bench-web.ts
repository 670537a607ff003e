// Benchmark of MPC in the browser: the playground page (scripts/web/) in headless Chromium plans closed-loop
// Pendulum-v1 with DCEM at H 20, N 500, 5 iterations (the Pendulum-v1 dcem preset) in its Web Worker on the
// tfjs wasm backend; plans/s = plans / Σ plan time (env steps between plans, no drawing). Target ≥ 30
// plans/s on the 2-core development machine. Each round reloads the page; the machine's load is recorded per
// row. Also saves a screenshot of the running page beside the JSON.
// Run: `diffmpc bench web [--quick]` (or `npx tsx scripts/bench-web.ts [--quick]`).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { registerBenchSuite } from './lib/bench-suites.ts';
import { machineLoad, machineMeta } from './lib/machine-load.ts';
import { formatTable, saveReport, type Row } from './lib/report.ts';
import { openPage, startPlayground, waitForPlayground } from './web/harness.ts';

/** The target for pendulum DCEM H 20, N 500, 5 iterations in the page. */
export const WEB_TARGET_PLANS_PER_SEC = 30;

export async function benchWeb(quick = false, outDir = 'bench-results'): Promise<string> {
  const rounds = quick ? 1 : 3;
  const plans = quick ? 40 : 150;
  const pg = await startPlayground();
  const rows: Row[] = [];
  let screenshot = '';
  const chromium = pg.browser.version();
  try {
    for (let r = 0; r < rounds; r++) {
      const { page, errors } = await openPage(pg.browser, pg.server.url, { autorun: '0' }, { width: 1320, height: 1010 });
      const ready = await waitForPlayground(page, 'the backend', (s) => s.ready && s.env !== undefined, null, 60_000);
      const load = machineLoad();
      await page.evaluate((n) => {
        // the page's own benchmark button, with this run's plan count
        const w = window as unknown as { playgroundBench?: (plans: number) => void };
        w.playgroundBench!(n);
      }, plans);
      const s = await waitForPlayground(page, 'the benchmark result', (st) => st.bench !== undefined || st.errors.length > 0, null, 300_000);
      if (!s.bench) throw new Error(`bench web: the page reported ${s.errors.join('; ')}`);
      if (errors.length) throw new Error(`bench web: console errors in the page: ${errors.join('; ')}`);
      const b = s.bench;
      rows.push({
        round: r + 1,
        env: b.settings.env,
        solver: b.settings.solver,
        H: b.settings.horizon,
        N: b.settings.samples,
        iters: b.settings.iterations,
        backend: `${ready.backend} (${ready.flavour})`,
        plans: b.plans,
        'plans/s': Number(b.plansPerSec.toFixed(1)),
        'median ms/plan': Number(b.msMedian.toFixed(2)),
        [`≥ ${WEB_TARGET_PLANS_PER_SEC} plans/s`]: b.plansPerSec >= WEB_TARGET_PLANS_PER_SEC,
        'load (1 min)': load,
      });
      if (r === rounds - 1) {
        // the screenshot: swung up in real time, then pushed; taken while the controller catches it (plan ghosts visible)
        await page.evaluate(() => (window as unknown as { playgroundRun: () => void }).playgroundRun());
        await waitForPlayground(page, 'upright', (st) => st.log.length > 20 && st.log.slice(-10).every((q) => Math.abs(Math.atan2(q.obs[1]!, q.obs[0]!)) < 0.1), null, 120_000);
        await page.click('#push-right');
        await waitForPlayground(page, 'steps after the push', (st) => st.pushes.length === 1 && st.steps >= st.pushes[0]!.atStep + 5, null, 30_000);
        fs.mkdirSync(outDir, { recursive: true });
        screenshot = path.join(outDir, 'web-playground.png');
        await page.screenshot({ path: screenshot });
      }
      await page.context().close();
    }
  } finally {
    await pg.close();
  }
  console.log(formatTable(rows));
  const file = saveReport('web', rows, { quick, plansPerRound: plans, chromium, bundle: pg.build.files, target: WEB_TARGET_PLANS_PER_SEC, screenshot, ...machineMeta() }, outDir);
  console.log(`saved ${file} and ${screenshot}`);
  return file;
}

registerBenchSuite({
  name: 'web',
  summary: 'MPC plans/s in headless Chromium (the playground page, wasm in a Web Worker): pendulum DCEM H 20, N 500, 5 iterations',
  run: ({ quick, outDir }) => benchWeb(quick, outDir),
});

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchWeb(process.argv.includes('--quick'));
}
