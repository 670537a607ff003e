// The playground in headless Chromium, for the browser tests (test/web/) and `diffmpc bench web`: build the
// page into a temporary folder, serve it on a free loopback port, launch Chromium, and open pages that record
// their console errors. Every wait is bounded (playwright timeouts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { buildWeb, type WebBuild } from './build.ts';
import { launchChromium } from './chromium.ts';
import type { PlaygroundState } from './protocol.ts';
import { serveStatic, type StaticServer } from './server.ts';

export type { PlaygroundState };

export interface Playground {
  dir: string;
  build: WebBuild;
  server: StaticServer;
  browser: Browser;
  close(): Promise<void>;
}

/** Builds (into a fresh temp dir, removed by close) and serves the page, and launches Chromium. */
export async function startPlayground(): Promise<Playground> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diffmpc-web-'));
  const build = await buildWeb(dir);
  const server = await serveStatic(dir, { port: 0 });
  let chromium;
  try {
    chromium = await launchChromium();
  } catch (e) {
    await server.close();
    throw e;
  }
  return {
    dir,
    build,
    server,
    browser: chromium.browser,
    close: async () => {
      await chromium.close();
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface OpenedPage {
  page: Page;
  /** Console errors and uncaught page errors since the page opened. */
  errors: string[];
}

/** Opens the page with URL parameters (env, solver, fast, autorun) in a fresh context. */
export async function openPage(browser: Browser, url: string, query: Record<string, string> = {}, viewport = { width: 1320, height: 930 }): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  const q = new URLSearchParams(query).toString();
  await page.goto(`${url}${q ? `?${q}` : ''}`, { timeout: 60_000 });
  return { page, errors };
}

/** The page's `window.playground`. */
export function playgroundState(page: Page): Promise<PlaygroundState> {
  return page.evaluate(() => (window as unknown as { playground: PlaygroundState }).playground);
}

/**
 * Waits (at most `timeoutMs`) until `predicate(window.playground, arg)` holds in the page; on timeout the
 * error says what was awaited and shows the page's errors.
 */
export async function waitForPlayground<A>(page: Page, what: string, predicate: (s: PlaygroundState, arg: A) => boolean, arg: A, timeoutMs = 60_000): Promise<PlaygroundState> {
  try {
    // the state is returned from the same evaluation that saw the predicate hold (no second read to race)
    const handle = await page.waitForFunction(
      ({ src, a }) => {
        const s = (window as unknown as { playground?: PlaygroundState }).playground;
        // eslint-disable-next-line @typescript-eslint/no-implied-eval
        const ok = !!s && (new Function(`return (${src})`)() as (s: PlaygroundState, a: unknown) => boolean)(s, a);
        return ok ? JSON.stringify(s) : false;
      },
      { src: predicate.toString(), a: arg },
      { timeout: timeoutMs, polling: 100 },
    );
    return JSON.parse((await handle.jsonValue()) as string) as PlaygroundState;
  } catch (e) {
    const s = await playgroundState(page).catch(() => undefined);
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; page errors: ${JSON.stringify(s?.errors ?? [])}, steps ${s?.steps}, backend ${s?.backend}: ${(e as Error).message.split('\n')[0]}`);
  }
}
