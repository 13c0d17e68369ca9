/**
 * Incidents in a real browser against `fleetops serve --lab`: a lab fault makes the console open
 * an incident for the node's region; the Incidents view lists it; its page shows the node; a
 * person acknowledges it, adds a note and resolves it, each shown at once with who did it; the
 * palette finds it; axe finds nothing serious.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, formatViolations, isSerious } from './helpers/axe';
import { launchChromium, openPage } from './helpers/browser';
import { fallDeadlineMs } from './helpers/cadence';
import { atLeast1, showView } from './helpers/console-page';
import { startE2eServe, watchedCadence, watchedNodeNames, type E2eServe } from './helpers/serve';
import { Teardown } from './helpers/teardown';

const PUSH_MS = 5_000;

describe('incidents in the browser', () => {
  const teardown = new Teardown();
  let serve: E2eServe;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let node: string;

  beforeAll(async () => {
    serve = teardown.add('serve --lab', await startE2eServe(['--lab', '--lab-nodes', '6']), (s) => s.stop());
    node = watchedNodeNames(serve)[0]!;
    teardown.add('lab fault', node, (n) => void serve.handle.lab?.clear(n));
    browser = teardown.add('chromium', await launchChromium(), (b) => b.close());
    ({ page, errors } = await openPage(browser, serve.url, { viewport: { width: 1400, height: 1000 } }));
  }, 60_000);

  afterAll(() => teardown.run());

  it('a lab fault opens an incident; acknowledge, annotate and resolve it from its page', async () => {
    await showView(page, 'incidents', PUSH_MS);
    await page.getByTestId('incidents-empty').waitFor({ state: 'attached', timeout: PUSH_MS });
    serve.handle.lab!.inject({ node, kind: 'node-unreachable' });
    const row = page.locator('[data-testid="incident-row"][data-status="open"]');
    await row.first().waitFor({ state: 'attached', timeout: atLeast1(fallDeadlineMs(watchedCadence(serve)) + 10_000) });
    // Counted on the sidebar, listed on the Overview (worst first, a link to its page).
    await page.locator('[data-testid="nav-badge-incidents"][data-count="1"]').waitFor({ state: 'attached', timeout: PUSH_MS });
    await showView(page, 'overview', PUSH_MS);
    await page.getByTestId('overview-incident').first().waitFor({ timeout: PUSH_MS });
    await showView(page, 'incidents', PUSH_MS);
    await row.first().getByRole('link').click();
    const incident = page.getByTestId('incident-page');
    await incident.waitFor({ state: 'attached', timeout: PUSH_MS });
    expect(new URL(page.url()).hash).toMatch(/^#\/incident\/[0-9a-f-]{36}$/);
    await incident.locator(`[data-testid="incident-subject"][data-subject="${node}"][data-health="unreachable"]`).waitFor({ state: 'attached', timeout: PUSH_MS });
    const milestones = incident.locator('[data-testid="incident-milestone"]');
    expect(await milestones.count()).toBe(2);
    expect([await milestones.nth(0).getAttribute('data-name'), await milestones.nth(1).getAttribute('data-name')]).toEqual(['started', 'detected']);

    await incident.getByTestId('incident-ack').click();
    await incident.locator('[data-testid="incident-milestone"][data-name="acknowledged"][data-source="operator"]').waitFor({ state: 'attached', timeout: PUSH_MS });
    expect(await incident.getByTestId('incident-ack').isDisabled()).toBe(true);
    expect(await incident.getByTestId('incident-ack-seconds').innerText()).toMatch(/^\d+(\.\d)? s$/);
    await incident.getByTestId('incident-note-input').fill('the node lost its network; drained it');
    await incident.getByTestId('incident-note-add').click();
    await incident.getByTestId('incident-notes').getByText('the node lost its network; drained it').waitFor({ timeout: PUSH_MS });

    await incident.getByTestId('incident-severity').selectOption('sev2');
    await incident.getByTestId('incident-severity-reason').fill('the only GPU node of the region');
    await incident.getByTestId('incident-severity-set').click();
    await incident.getByText('sev2 (set by').waitFor({ timeout: PUSH_MS });
    expect(await incident.innerText()).toContain('the only GPU node of the region');

    await incident.getByTestId('incident-resolve').click();
    await page.locator('[data-testid="incident-page"][data-status="resolved"]').waitFor({ state: 'attached', timeout: PUSH_MS });
    await page.locator('[data-testid="incident-row"][data-status="resolved"]').first().waitFor({ state: 'attached', timeout: PUSH_MS });
    await page.getByTestId('nav-badge-incidents').waitFor({ state: 'detached', timeout: PUSH_MS });

    // The palette finds it by its title.
    await page.keyboard.press('Control+k');
    await page.getByTestId('palette-input').fill(node);
    await page.locator('[data-testid="palette-option"][data-kind="incident"]').first().waitFor({ timeout: PUSH_MS });
    await page.keyboard.press('Escape');
    expect(errors, 'page errors').toEqual([]);

    // axe over the list and the page, both themes (a context of its own: axe is injected inline).
    const incidentHash = new URL(page.url()).hash;
    const { context, page: a } = await openPage(browser, serve.url, { bypassCSP: true, viewport: { width: 1400, height: 1000 } });
    try {
      for (const theme of ['dark', 'light'] as const) {
        await a.getByTestId('theme-select').selectOption(theme);
        await showView(a, 'incidents', PUSH_MS);
        await a.getByTestId('incident-list').waitFor({ timeout: PUSH_MS });
        await a.evaluate(`window.location.hash = '${incidentHash}'`);
        await a.getByTestId('incident-page').waitFor({ timeout: PUSH_MS });
        const serious = (await axeViolations(a)).filter(isSerious);
        expect(serious, formatViolations(`${theme} incident page`, serious)).toEqual([]);
      }
    } finally {
      await context.close();
    }
  }, 120_000);
});
