/**
 * Offline review end to end, in a real browser: a lab fault opens an incident; a person
 * acknowledges it, annotates it and resolves it; its page exports the signed bundle (a real
 * download); `fleetops review` opens that file in a console of its own — no fleet, read-only —
 * where the same incident, the same timeline (event for event) and the node's GPU plots are
 * shown, it is marked imported with its signer, and nothing about it can be changed but notes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReview, type ReviewHandle } from '../../electron/cli/review-command';
import { builtRendererDir } from '../../electron/cli/serve-command';
import { axeViolations, formatViolations, isSerious } from './helpers/axe';
import { launchChromium, openPage } from './helpers/browser';
import { fallDeadlineMs } from './helpers/cadence';
import { atLeast1, showView } from './helpers/console-page';
import { startE2eServe, watchedCadence, watchedNodeNames, type E2eServe } from './helpers/serve';
import { pollUntil } from './helpers/services-page';
import { Teardown } from './helpers/teardown';
import { labRuntime } from './helpers/runbooks-page';
import { LAB_SERVICE } from '../../electron/core/lab/lab-services';

const PUSH_MS = 5_000;

/** The timeline rows as drawn (time, kind, subject, message), oldest last: what two consoles must show alike. */
const timelineRows = (page: Page): Promise<string[]> =>
  page.evaluate(
    `[...document.querySelectorAll('[data-testid="timeline-row"]')].map((r) => [r.dataset.ts, r.dataset.kind, r.querySelector('.event-subject')?.textContent ?? '', r.querySelector('.tl-message').textContent].join(' | '))`,
  ) as Promise<string[]>;

async function openIncidentTimeline(page: Page, id: string): Promise<string[]> {
  await page.evaluate(`window.location.hash = '#/incident/${id}'`);
  await page.getByTestId('incident-timeline').click();
  await page.getByTestId('timeline-plots').waitFor({ timeout: PUSH_MS });
  await page.getByTestId('timeline-plot-temperature').waitFor({ timeout: PUSH_MS });
  // Every page of the list loaded (an incident of a few minutes is one page).
  return pollUntil(() => timelineRows(page), (rows) => rows.length > 0, PUSH_MS, 'timeline rows');
}

describe('an incident reviewed offline from its bundle', () => {
  const teardown = new Teardown();
  let serve: E2eServe;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let node: string;
  let downloads: string;

  beforeAll(async () => {
    serve = teardown.add('serve --lab', await startE2eServe(['--lab', '--lab-nodes', '6']), (s) => s.stop());
    node = watchedNodeNames(serve)[0]!;
    teardown.add('lab fault', node, (n) => void serve.handle.lab?.clear(n));
    downloads = teardown.add('downloads', await mkdtemp(join(tmpdir(), 'fleetops-e2e-downloads-')), (d) => rm(d, { recursive: true, force: true }));
    browser = teardown.add('chromium', await launchChromium(), (b) => b.close());
    ({ page, errors } = await openPage(browser, serve.url, { viewport: { width: 1400, height: 1000 } }));
  }, 60_000);

  afterAll(() => teardown.run());

  it('export from the live console, open the file in `fleetops review`: the same incident, timeline and plots, read-only', async () => {
    serve.handle.lab!.inject({ node, kind: 'node-unreachable' });
    await showView(page, 'incidents', PUSH_MS);
    const row = page.locator('[data-testid="incident-row"][data-status="open"]');
    await row.first().waitFor({ state: 'attached', timeout: atLeast1(fallDeadlineMs(watchedCadence(serve)) + 10_000) });
    await row.first().getByRole('link').click();
    const incident = page.getByTestId('incident-page');
    await incident.waitFor({ timeout: PUSH_MS });
    const id = (await incident.getAttribute('data-incident'))!;
    await incident.getByTestId('incident-ack').click();
    await incident.locator('[data-testid="incident-milestone"][data-name="acknowledged"]').waitFor({ state: 'attached', timeout: PUSH_MS });
    await incident.getByTestId('incident-note-input').fill('lost its network; reviewed offline later');
    await incident.getByTestId('incident-note-add').click();
    await incident.getByTestId('incident-notes').getByText('lost its network; reviewed offline later').waitFor({ timeout: PUSH_MS });
    // What was done: a runbook on one of the lab's replicas (not a subject of the incident), linked by hand.
    const replica = serve.handle.labServices!.info().replicas[0]!.name;
    const run = await serve.handle.core.handlers['runbooks.run']({ runbook: 'drain-replica', target: replica, params: { drainTimeoutSeconds: '5' }, confirm: replica });
    const runtime = await labRuntime(serve);
    teardown.add('replica back in rotation', replica, (r) => runtime.setServerState(LAB_SERVICE, r, 'ready'));
    await incident.getByTestId('incident-link-run').selectOption(`runbook/${run.id}`);
    await incident.getByTestId('incident-link-add').click();
    await incident.locator('[data-testid="incident-run"][data-kind="runbook"]').getByText(/linked by /).waitFor({ timeout: PUSH_MS });
    serve.handle.lab!.clear(node);
    await incident.getByTestId('incident-resolve').click();
    await page.locator('[data-testid="incident-page"][data-status="resolved"]').waitFor({ state: 'attached', timeout: PUSH_MS });
    const liveRows = await openIncidentTimeline(page, id);

    await page.evaluate(`window.location.hash = '#/incident/${id}'`);
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: PUSH_MS }), page.getByTestId('incident-export-bundle').click()]);
    expect(download.suggestedFilename()).toMatch(/\.tar\.gz$/);
    const file = join(downloads, download.suggestedFilename());
    await download.saveAs(file);
    expect(errors, 'page errors').toEqual([]);

    // Another console, on nothing but the file (its signer is this lab's key: not trusted there).
    const output: string[] = [];
    const started = await startReview([file, '--trust', '--renderer-dir', builtRendererDir()], { out: (t) => void output.push(t), err: (t) => void output.push(`[err] ${t}`) });
    expect(started.code, output.join('\n')).toBe(0);
    const review = teardown.add('review', started.handle!, (h: ReviewHandle) => h.stop());
    expect(review.incidentId).toBe(id);
    const { page: r, errors: reviewErrors } = await openPage(browser, review.serve.server.url, { viewport: { width: 1400, height: 1000 } });
    await showView(r, 'incidents', PUSH_MS);
    await r.locator(`[data-testid="incident-row"] a`).first().click();
    const reviewed = r.getByTestId('incident-page');
    await reviewed.waitFor({ timeout: PUSH_MS });
    expect(await reviewed.getAttribute('data-incident')).toBe(id);
    expect(await reviewed.getByTestId('incident-imported').getAttribute('data-trust')).toBe('accepted');
    await reviewed.getByTestId('incident-notes').getByText('lost its network; reviewed offline later').waitFor({ timeout: PUSH_MS });
    const names = (p: Page) => p.evaluate(`[...document.querySelectorAll('[data-testid="incident-milestone"]')].map((e) => e.dataset.name + ':' + e.dataset.source)`) as Promise<string[]>;
    expect(await names(r)).toEqual(await (async () => {
      await page.evaluate(`window.location.hash = '#/incident/${id}'`);
      await page.getByTestId('incident-page').waitFor({ timeout: PUSH_MS });
      return names(page);
    })());
    // The linked run came with it (the other console's run: listed, not a link here).
    await reviewed.locator('[data-testid="incident-run"][data-kind="runbook"]').getByText('drain-replica').waitFor({ timeout: PUSH_MS });
    // Evidence: nothing but notes can be changed.
    for (const action of ['incident-ack', 'incident-resolve', 'incident-close']) expect(await reviewed.getByTestId(action).isDisabled()).toBe(true);

    const reviewRows = await openIncidentTimeline(r, id);
    expect(reviewRows).toEqual(liveRows);
    // An event's node, as the fleet had it then: from the bundle's inventory (this console has no fleet).
    await r.locator(`[data-testid="timeline-row"][data-kind="node.health"]`).first().locator('.tl-select').click();
    await r.locator('[data-testid="timeline-subject-then"][data-kind="node"]').waitFor({ timeout: PUSH_MS });
    expect(await r.getByTestId('timeline-subject-then').innerText()).toContain(node);
    // The same GPUs plotted (how many readings each has may differ: the live console keeps measuring into the window's margin).
    const gpus = async (p: Page) => ((await p.getByTestId('timeline-plot-temperature').getAttribute('data-drawn')) ?? '').replace(/:\d+/g, '');
    const reviewGpus = await gpus(r);
    expect(reviewGpus).toMatch(/^gpu0( gpu\d+)*$/);
    await openIncidentTimeline(page, id);
    expect(reviewGpus).toBe(await gpus(page));
    expect(reviewErrors, 'review page errors').toEqual([]);

    const { context, page: a } = await openPage(browser, review.serve.server.url, { bypassCSP: true, viewport: { width: 1400, height: 1000 } });
    try {
      await a.evaluate(`window.location.hash = '#/incident/${id}'`);
      await a.getByTestId('incident-imported').waitFor({ timeout: PUSH_MS });
      const serious = (await axeViolations(a)).filter(isSerious);
      expect(serious, formatViolations('review incident page', serious)).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);
});
