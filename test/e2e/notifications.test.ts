/**
 * Notifications in a real browser against `fleetops serve --lab`: the permission is granted
 * through the Playwright context (what a click on the browser's prompt would do) and every
 * notification the page creates is captured by an init script that stands in for
 * window.Notification (headless Chromium has no notification centre to look at).
 *
 * With the setting on ("when down"), a fault injected on two nodes of one region gives one
 * grouped notification naming the count and the region; calling its onclick (what a click on
 * it does) opens the first node's drawer. A reload while they are down notifies nothing
 * (transitions only; the setting is remembered), nor does their recovery; with the setting
 * "off", the same faults send none.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, openTab } from './helpers/browser';
import { atLeast1, waitForSummaryCount } from './helpers/console-page';
import { fallDeadlineMs, firstProbeDeadlineMs, riseDeadlineMs, type ProbeCadence } from './helpers/cadence';
import { startE2eServe, watchedCadence, watchedNodeNames, type E2eServe } from './helpers/serve';
import { Teardown } from './helpers/teardown';

const LAB_NODES = 6;
const REGION = 'us-west-2';
/** renderer/src/notifications/planner.ts: changes within this window of the first are one notification. */
const GROUP_WINDOW_MS = 5_000;
const PUSH_MS = 5_000;

/**
 * Replaces window.Notification before the page's scripts run: each notification the page makes
 * is kept in window.__notifications (title, body, tag, its onclick, whether it was closed);
 * the permission is still the browser's own (granted through the context).
 */
const CAPTURE_NOTIFICATIONS = `(() => {
  const Real = window.Notification;
  const shown = [];
  function Captured(title, options) {
    const note = {
      title: String(title),
      body: (options && options.body) || '',
      tag: (options && options.tag) || '',
      onclick: null,
      closed: false,
      close() { this.closed = true; },
    };
    shown.push(note);
    return note;
  }
  Object.defineProperty(Captured, 'permission', { get: () => (Real ? Real.permission : 'denied') });
  Captured.requestPermission = (cb) => (Real ? Real.requestPermission(cb) : Promise.resolve('denied'));
  window.Notification = Captured;
  window.__notifications = shown;
})();`;

interface Captured {
  title: string;
  body: string;
  tag: string;
  closed: boolean;
}

async function captured(page: Page): Promise<Captured[]> {
  // A string, not a function: this file is compiled without DOM types.
  return (await page.evaluate('window.__notifications.map(({ title, body, tag, closed }) => ({ title, body, tag, closed }))')) as Captured[];
}

async function waitForNotifications(page: Page, count: number, timeoutMs: number): Promise<Captured[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const list = await captured(page);
    if (list.length >= count) return list;
    if (Date.now() > deadline) throw new Error(`expected ${count} notification(s) within ${timeoutMs} ms, got ${JSON.stringify(list)}`);
    await page.waitForTimeout(200);
  }
}

describe('notifications in the browser', () => {
  const teardown = new Teardown();
  let serve: E2eServe;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let cadence: ProbeCadence;
  let west: string[];

  const inject = () => {
    for (const node of west) serve.handle.lab?.inject({ node, kind: 'gpu-lost', gpuIndex: 0 });
  };
  const clear = () => {
    for (const node of west) serve.handle.lab?.clear(node);
  };

  beforeAll(async () => {
    serve = teardown.add('serve --lab', await startE2eServe(['--lab', '--lab-nodes', String(LAB_NODES)]), (s) => s.stop());
    cadence = watchedCadence(serve);
    const statuses = serve.handle.core.monitor.statuses();
    west = watchedNodeNames(serve).filter((name) => statuses.find((s) => s.name === name)?.region === REGION);
    teardown.add('lab faults', serve, () => clear());
    browser = teardown.add('chromium', await launchChromium(), (b) => b.close());
    context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    await context.grantPermissions(['notifications'], { origin: serve.origin });
    await context.addInitScript({ content: CAPTURE_NOTIFICATIONS });
    ({ page, errors } = await openTab(context, serve.url));
    await waitForSummaryCount(page, 'healthy', LAB_NODES, firstProbeDeadlineMs(cadence));
  }, 60_000);

  afterAll(() => teardown.run());

  it('is off until chosen, and the browser’s permission is what the page sees', async () => {
    // The lab deals one inference and one training node to each region.
    expect(west).toEqual(['usw2-inf-01', 'usw2-trn-01']);
    const select = page.getByTestId('notify-select');
    expect(await select.inputValue()).toBe('off');
    expect(await select.getAttribute('data-permission')).toBe('granted');
    await select.selectOption('critical');
    expect(await page.evaluate("localStorage.getItem('fleetops.notifications')")).toBe('critical');
    expect(await captured(page)).toEqual([]);
  });

  it('two nodes of one region turning unhealthy: one notification naming the count and the region; a click opens the node', async () => {
    const injectedAt = Date.now();
    inject();
    await waitForSummaryCount(page, 'unhealthy', 2, fallDeadlineMs(cadence));
    const bothDownAt = Date.now();
    // The group is sent 5 s after its first change; the second change came within that window.
    const [note] = await waitForNotifications(page, 1, atLeast1(fallDeadlineMs(cadence) + GROUP_WINDOW_MS + PUSH_MS - (Date.now() - injectedAt)));
    // Nothing more comes for these two: wait out a whole window after the second went down.
    await page.waitForTimeout(atLeast1(GROUP_WINDOW_MS + 1_000 - (Date.now() - bothDownAt)));
    const all = await captured(page);
    expect(all, JSON.stringify(all)).toHaveLength(1);
    expect(note.title).toBe(`2 nodes in ${REGION} unhealthy`);
    for (const node of west) expect(note.body).toContain(`${node}: `);
    expect(note.body).toMatch(/GPU/);

    // What a click on it does: the page's own onclick (focus the window, open the subject).
    await page.evaluate("window.__notifications[0].onclick(new Event('click'))");
    const drawer = page.locator(`[data-testid="node-detail"][data-node="${west[0]}"]`);
    await drawer.waitFor({ state: 'visible', timeout: PUSH_MS });
    expect(new URL(page.url()).hash).toBe(`#/node/${west[0]}`);
    expect((await captured(page))[0].closed).toBe(true);
    expect(errors, 'page errors').toEqual([]);
  }, 60_000);

  it('a page loaded while they are down says nothing about them, and keeps the setting', async () => {
    await page.reload({ waitUntil: 'load' });
    await waitForSummaryCount(page, 'unhealthy', 2, PUSH_MS);
    expect(await page.getByTestId('notify-select').inputValue()).toBe('critical');
    // Several probe rounds and a whole grouping window with both nodes still down.
    await page.waitForTimeout(GROUP_WINDOW_MS + 2 * cadence.intervalSeconds * 1000);
    expect(await captured(page)).toEqual([]);
  }, 30_000);

  it('recovering is not news', async () => {
    const clearedAt = Date.now();
    clear();
    await waitForSummaryCount(page, 'healthy', LAB_NODES, riseDeadlineMs(cadence));
    await page.waitForTimeout(atLeast1(GROUP_WINDOW_MS + 1_000 - (Date.now() - clearedAt)));
    expect(await captured(page)).toEqual([]);
  }, 30_000);

  it('"off" sends none for the same faults', async () => {
    await page.getByTestId('notify-select').selectOption('off');
    expect(await page.evaluate("localStorage.getItem('fleetops.notifications')")).toBe('off');
    inject();
    await waitForSummaryCount(page, 'unhealthy', 2, fallDeadlineMs(cadence));
    await page.waitForTimeout(GROUP_WINDOW_MS + 2_000);
    expect(await captured(page)).toEqual([]);
    clear();
    await waitForSummaryCount(page, 'healthy', LAB_NODES, riseDeadlineMs(cadence));
    expect(await captured(page)).toEqual([]);
    expect(errors, 'page errors').toEqual([]);
  }, 60_000);
});
