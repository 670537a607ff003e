// Headless Chromium for the playground's browser test and benchmark: playwright-core driving the system's
// Chromium (Debian's `chromium` package; no browser download). playwright gives every launch a fresh
// temporary profile; the network features that would reach outside the machine are turned off.
import fs from 'node:fs';
import type { Browser } from 'playwright-core';

/** Where the system Chromium is looked for ($CHROMIUM_PATH first). */
export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function chromiumPath(): string {
  const env = process.env.CHROMIUM_PATH;
  const found = [env, ...CHROMIUM_CANDIDATES].find((p): p is string => !!p && fs.existsSync(p));
  if (!found) throw new Error(`no Chromium found (looked at ${[env ? `$CHROMIUM_PATH=${env}` : '', ...CHROMIUM_CANDIDATES].filter(Boolean).join(', ')}); install it: apt-get install chromium, or set CHROMIUM_PATH`);
  return found;
}

export interface LaunchedChromium {
  browser: Browser;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<LaunchedChromium> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    timeout: 60_000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    browser,
    close: async () => {
      await browser.close().catch(() => undefined);
    },
  };
}
