/**
 * The timeline in a real browser against `fleetops serve --lab`: a lab fault opens an incident;
 * its page links to the timeline of its window and subjects, with its milestones on the axis and
 * the node's GPU history on the same axis; the filters (severity, text, subject) narrow the list
 * and each is a link that back/forward walks through; dragging across the axis zooms; events
 * pushed meanwhile are offered above the list, not slipped in; axe finds nothing serious.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, formatViolations, isSerious } from './helpers/axe';
import { launchChromium, openPage } from './helpers/browser';
import { fallDeadlineMs } from './helpers/cadence';
import { atLeast1, showView } from './helpers/console-page';
import { pollUntil } from './helpers/services-page';
import { startE2eServe, watchedCadence, watchedNodeNames, type E2eServe } from './helpers/serve';
import { Teardown } from './helpers/teardown';

const PUSH_MS = 5_000;

/** Waits until `expr` is true in the page (the page's CSP forbids waitForFunction's eval; evaluate goes through DevTools). */
const until = (page: Page, expr: string, timeoutMs = PUSH_MS): Promise<unknown> => pollUntil(() => page.evaluate(expr), Boolean, timeoutMs, expr);

/** Every row's attribute `name` in the list as drawn. */
const rowValues = (page: Page, name: string): Promise<string[]> =>
  page.evaluate(`[...document.querySelectorAll('[data-testid="timeline-row"]')].map((r) => r.getAttribute('${name}'))`) as Promise<string[]>;

describe('the timeline in the browser', () => {
  const teardown = new Teardown();
  let serve: E2eServe;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let node: string;
  let other: string;

  beforeAll(async () => {
    serve = teardown.add('serve --lab', await startE2eServe(['--lab', '--lab-nodes', '6']), (s) => s.stop());
    [node, other] = watchedNodeNames(serve) as [string, string];
    teardown.add('lab faults', node, () => {
      void serve.handle.lab?.clear(node);
      void serve.handle.lab?.clear(other);
    });
    browser = teardown.add('chromium', await launchChromium(), (b) => b.close());
    ({ page, errors } = await openPage(browser, serve.url, { viewport: { width: 1400, height: 1000 } }));
  }, 60_000);

  afterAll(() => teardown.run());

  it("an incident's timeline: its window, its milestones on the axis, its node's GPUs on the same axis; filters are links", async () => {
    serve.handle.lab!.inject({ node, kind: 'node-unreachable' });
    await showView(page, 'incidents', PUSH_MS);
    const row = page.locator('[data-testid="incident-row"][data-status="open"]');
    await row.first().waitFor({ state: 'attached', timeout: atLeast1(fallDeadlineMs(watchedCadence(serve)) + 10_000) });
    await row.first().getByRole('link').click();
    await page.getByTestId('incident-page').waitFor({ state: 'attached', timeout: PUSH_MS });
    const incidentId = (await page.getByTestId('incident-page').getAttribute('data-incident'))!;

    await page.getByTestId('incident-timeline').click();
    expect(decodeURIComponent(new URL(page.url()).hash)).toBe(`#/events/incident=${incidentId}`);
    await page.getByTestId('timeline-incident').waitFor({ timeout: PUSH_MS });
    await page.locator(`[data-testid="timeline-row"][data-kind="node.health"]`).first().waitFor({ timeout: PUSH_MS });
    const axis = page.getByTestId('timeline-axis');
    await until(page, `Number(document.querySelector('[data-testid="timeline-axis"]')?.dataset.markers) >= 2`);
    expect(Number(await axis.getAttribute('data-total'))).toBeGreaterThan(0);
    // The node's GPUs, on the axis's own range (a line per GPU that has readings).
    const temperature = page.getByTestId('timeline-plot-temperature');
    await temperature.waitFor({ timeout: PUSH_MS });
    expect(await temperature.getAttribute('data-drawn')).toMatch(/gpu0:\d+/);
    // Everything listed is the incident's node or fleet-wide.
    for (const subject of await page.evaluate(`[...document.querySelectorAll('[data-testid="timeline-row"] .event-subject')].map((e) => e.textContent)`) as string[]) {
      expect(subject).toBe(node);
    }

    // Severity: only errors, and the link says so.
    await page.getByTestId('timeline-sev-error').check();
    await until(page, `decodeURIComponent(location.hash).includes('severities=error')`);
    await until(page, `[...document.querySelectorAll('[data-testid="timeline-row"]')].every((r) => r.classList.contains('sev-error'))`);
    // Back: the incident's timeline as it was.
    await page.goBack();
    await until(page, `!decodeURIComponent(location.hash).includes('severities')`);
    expect(await page.getByTestId('timeline-sev-error').isChecked()).toBe(false);
    expect(errors, 'page errors').toEqual([]);
  }, 120_000);

  it('free text and a subject narrow every event; a row opens its details; dragging across the axis zooms', async () => {
    await page.evaluate(`window.location.hash = '#/timeline'`);
    await page.getByTestId('timeline-list').waitFor({ timeout: PUSH_MS });
    await page.getByTestId('timeline-text').fill(node);
    await until(page, `decodeURIComponent(location.hash).includes('text=')`);
    await until(page, `(() => { const rows = [...document.querySelectorAll('[data-testid="timeline-row"]')]; return rows.length > 0 && rows.every((r) => r.textContent.includes(${JSON.stringify(node)})); })()`);
    await page.getByTestId('timeline-text').fill('');
    await until(page, `!decodeURIComponent(location.hash).includes('text=')`);

    await page.locator(`[data-testid="timeline-row"][data-kind="node.health"]`).first().locator('.tl-select').click();
    await page.getByTestId('timeline-detail').waitFor({ timeout: PUSH_MS });
    await page.getByTestId('timeline-only-subject').click();
    await until(page, `decodeURIComponent(location.hash).includes('subjects=${node}')`);
    await until(page, `[...document.querySelectorAll('[data-testid="timeline-row"] .event-subject')].every((e) => e.textContent === ${JSON.stringify(node)})`);

    // Drag across the middle half of the axis: the timeline zooms to that stretch.
    const axis = page.getByTestId('timeline-axis');
    const before = { from: Number(await axis.getAttribute('data-from')), to: Number(await axis.getAttribute('data-to')) };
    const over = (await page.locator('[data-testid="timeline-axis"] .u-over').boundingBox())!;
    await page.mouse.move(over.x + over.width * 0.25, over.y + over.height / 2);
    await page.mouse.down();
    await page.mouse.move(over.x + over.width * 0.75, over.y + over.height / 2, { steps: 8 });
    await page.mouse.up();
    await until(page, `decodeURIComponent(location.hash).includes('from=') && decodeURIComponent(location.hash).includes('to=')`);
    await until(page, `Number(document.querySelector('[data-testid="timeline-axis"]')?.dataset.from) > ${before.from}`);
    const after = { from: Number(await axis.getAttribute('data-from')), to: Number(await axis.getAttribute('data-to')) };
    const span = before.to - before.from;
    expect(after.to - after.from).toBeGreaterThan(span * 0.4);
    expect(after.to - after.from).toBeLessThan(span * 0.6);
    await page.getByTestId('timeline-zoom-reset').click();
    await until(page, `!decodeURIComponent(location.hash).includes('from=')`);
    expect(errors, 'page errors').toEqual([]);
  }, 60_000);

  it('events pushed while the list is read are offered above it, then shown', async () => {
    await page.evaluate(`window.location.hash = '#/timeline'`);
    await page.getByTestId('timeline-list').waitFor({ timeout: PUSH_MS });
    const top = await page.locator('[data-testid="timeline-row"]').first().getAttribute('data-id');
    serve.handle.lab!.inject({ node: other, kind: 'node-unreachable' });
    await page.getByTestId('timeline-newer').waitFor({ timeout: atLeast1(fallDeadlineMs(watchedCadence(serve)) + 10_000) });
    expect(await page.locator('[data-testid="timeline-row"]').first().getAttribute('data-id')).toBe(top);
    await page.getByTestId('timeline-newer').click();
    // A first row, and another one than before: while the newer events load the list may have no row at all.
    await until(page, `((id) => id != null && id !== ${JSON.stringify(top)})(document.querySelector('[data-testid="timeline-row"]')?.getAttribute('data-id'))`);
    expect(Number((await rowValues(page, 'data-id'))[0])).toBeGreaterThan(Number(top));
    expect(errors, 'page errors').toEqual([]);
  }, 60_000);

  it('axe finds nothing serious on an incident timeline with its plots, in both themes', async () => {
    const { context, page: a } = await openPage(browser, serve.url, { bypassCSP: true, viewport: { width: 1400, height: 1000 } });
    try {
      await showView(a, 'incidents', PUSH_MS);
      const href = await a.locator('[data-testid="incident-row"] a').first().getAttribute('href');
      await a.evaluate(`window.location.hash = ${JSON.stringify(href)}`);
      await a.getByTestId('incident-timeline').click();
      await a.getByTestId('timeline-plots').waitFor({ timeout: PUSH_MS });
      await a.locator('[data-testid="timeline-row"]').first().locator('.tl-select').click();
      await a.getByTestId('timeline-detail').waitFor({ timeout: PUSH_MS });
      for (const theme of ['dark', 'light'] as const) {
        await a.getByTestId('theme-select').selectOption(theme);
        const serious = (await axeViolations(a)).filter(isSerious);
        expect(serious, formatViolations(`${theme} timeline`, serious)).toEqual([]);
      }
    } finally {
      await context.close();
    }
  }, 60_000);
});
