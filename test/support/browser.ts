// Debian's Chromium driven by playwright-core, with the flags this closed network needs. Without a
// browser a test says it skipped; in CI (which installs one) a missing browser fails it.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const browserPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether a browser is here; warns (or, in CI, throws) naming `what` when it is not. */
export function haveBrowser(what: string): boolean {
  if (existsSync(browserPath)) return true;
  const message = `${what} SKIPPED: no Chromium at ${browserPath} (apt-get install chromium, or set CHROMIUM_PATH).`;
  if (process.env.CI) throw new Error(message);
  console.warn(message);
  return false;
}

export const launchBrowser = (): Promise<Browser> =>
  chromium.launch({
    executablePath: browserPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
