import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/**
 * The Chromium the browser tests drive: `CHROMIUM_PATH` when set, else Debian's /usr/bin/chromium
 * (what .ci/run installs), else Playwright's own downloaded browser (`npx playwright-core install
 * chromium` on a developer's machine).
 */
export const chromiumExecutable = (env: NodeJS.ProcessEnv = process.env): string => {
  if (env.CHROMIUM_PATH) return env.CHROMIUM_PATH;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  const bundled = chromium.executablePath();
  if (existsSync(bundled)) return bundled;
  throw new Error(
    'no Chromium found: install the OS package (apt-get install chromium), run `npx playwright-core install chromium`, or set CHROMIUM_PATH',
  );
};

/** Flags for a quiet, reproducible headless run that never reaches the network on its own. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A headless Chromium with a fresh profile; `close` removes the profile. */
export const launchBrowser = async (): Promise<{ context: BrowserContext; close(): Promise<void> }> => {
  const profile = mkdtempSync(join(tmpdir(), 'wp-chromium-'));
  // A persistent context is how Playwright takes a --user-data-dir of our choosing.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumExecutable(),
    headless: true,
    args: FLAGS,
    viewport: { width: 1400, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
};
