/**
 * Debian's Chromium driven by playwright-core (no downloaded browser: `npx playwright install`
 * is not available here). One browser per test file; one context per scenario, so session
 * storage (where the page keeps its token) never leaks between scenarios.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Also what bench/ui.ts launches Chromium with (through its own CDP connection). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`e2e tests need Chromium at ${CHROMIUM_PATH} (Debian package "chromium")`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS], timeout: 30_000 });
}

export interface ConsolePage {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console.error lines, for failure messages. */
  errors: string[];
}

/**
 * Opens `url` in a fresh context (its own storage: a fresh browser, as far as the page can
 * tell) and waits for the page to load. `options` are the context's (viewport, colorScheme;
 * bypassCSP only to inject axe-core, see helpers/axe.ts).
 */
export async function openPage(browser: Browser, url: string, options: BrowserContextOptions = {}): Promise<ConsolePage> {
  const context = await browser.newContext(options);
  return openTab(context, url);
}

/** Opens `url` in a new tab of an existing context (same browser profile: localStorage, BroadcastChannel). */
export async function openTab(context: BrowserContext, url: string): Promise<ConsolePage> {
  const page = await context.newPage();
  // Clicks and fills on a rendered console take milliseconds; a blocked one should fail fast
  // with Playwright's explanation, not after the test's whole budget.
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  await page.goto(url, { waitUntil: 'load' });
  return { context, page, errors };
}
