/**
 * Headless Chromium for the page tests: Debian's /usr/bin/chromium (installed
 * by .ci/run), driven by playwright-core; never a downloaded browser.
 * Playwright gives every launch a fresh profile directory of its own.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    // The machine is shared and loaded: starting a browser may take a while.
    timeout: 60_000,
  });
}
