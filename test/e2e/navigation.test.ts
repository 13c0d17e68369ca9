/**
 * Views and navigation, in a real browser against `fleetops serve --lab`: a sidebar view each
 * for Overview, Topology, Services and Runbooks; a URL for every view and subject, kept through
 * back/forward and reload, and opening in another tab; the command palette; `/` and `g` keys;
 * the Overview putting a fault first; the theme switch remembered; the sidebar remembered; the
 * GPU table on one line per GPU; and axe over every view in both themes.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { builtRendererDir } from '../../electron/cli/serve-command';
import type { HaproxyRuntime } from '../../electron/core/haproxy';
import { LAB_LB, LAB_SERVICE } from '../../electron/core/lab/lab-services';
import { COMPILE_HINT } from '../../renderer/build/compile-hints';
import { PERF_MARKS_FLAG } from '../../renderer/src/api/perf-marks';
import { PUSH_MARK_PREFIX } from '../../renderer/src/api/push-sync';
import { formatViolations, isSerious, axeViolations } from './helpers/axe';
import { launchChromium, openPage, openTab } from './helpers/browser';
import { deadlineForProbes, fallDeadlineMs, firstProbeDeadlineMs, riseDeadlineMs, type ProbeCadence } from './helpers/cadence';
import { atLeast1, showView, waitForSummaryCount, type ViewId } from './helpers/console-page';
import { focusedTestId, lbKey, waitForPreview } from './helpers/lb-change-page';
import { labRuntime } from './helpers/runbooks-page';
import { startE2eServe, watchedCadence, watchedNodeNames, type E2eServe } from './helpers/serve';
import { haproxyRiseDeadlineMs, labServicesCadence, replicaProbeDeadlineMs, type ServicesCadence } from './helpers/services-cadence';
import { lbServerTestId, waitForLbServer } from './helpers/services-page';
import { Teardown } from './helpers/teardown';

const LAB_NODES = 6;
/** Pushed changes and call replies reach the page within a fraction of a second; this is only a ceiling. */
const PUSH_MS = 5_000;
const WIDE = { width: 1600, height: 1000 };
const VIEWS: ReadonlyArray<readonly [ViewId, string]> = [
  ['overview', 'Overview'],
  ['topology', 'Topology'],
  ['services', 'Services'],
  ['capacity', 'Capacity'],
  ['training', 'Training'],
  ['runbooks', 'Runbooks'],
  ['drills', 'Drills'],
  ['incidents', 'Incidents'],
  ['timeline', 'Timeline'],
];

const hashOf = (page: Page): string => new URL(page.url()).hash;

/** The view drawn (its main element and its sidebar entry marked current). */
async function expectView(page: Page, view: ViewId): Promise<void> {
  await page.getByTestId(`view-${view}`).waitFor({ state: 'attached', timeout: PUSH_MS });
  await page.locator(`[data-testid="nav-${view}"][aria-current="page"]`).waitFor({ state: 'attached', timeout: PUSH_MS });
}

describe('views and navigation in the browser', () => {
  const teardown = new Teardown();
  let serve: E2eServe;
  let browser: Browser;
  let cadence: ProbeCadence;
  let services: ServicesCadence;
  let runtime: HaproxyRuntime;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let nodes: string[];
  let replicas: string[];
  /** The drain-replica run the URL test starts, for the palette test. */
  let run: { id: string; target: string } | null = null;

  const key = (shortcut: string) => page.keyboard.press(shortcut);
  /** Escape on a palette a failed step left open, so the next test starts on the page. */
  const closePalette = async () => {
    const palette = page.getByTestId('palette');
    if ((await palette.count()) === 0) return;
    await key('Escape');
    await palette.waitFor({ state: 'detached', timeout: PUSH_MS });
  };

  beforeAll(async () => {
    serve = teardown.add('serve --lab', await startE2eServe(['--lab', '--lab-nodes', String(LAB_NODES)]), (s) => s.stop());
    cadence = watchedCadence(serve);
    services = await labServicesCadence(serve);
    runtime = await labRuntime(serve);
    nodes = watchedNodeNames(serve);
    replicas = (serve.handle.labServices?.info().replicas ?? []).map((r) => r.name);
    // Whatever a failed test leaves behind: no lab fault, every HAProxy server ready.
    teardown.add('lab state', serve, async (s) => {
      for (const n of nodes) s.handle.lab?.clear(n);
      for (const r of replicas) await runtime.setServerState(LAB_SERVICE, r, 'ready');
    });
    browser = teardown.add('chromium', await launchChromium(), (b) => b.close());
    ({ page, errors, context } = await openPage(browser, serve.url, { viewport: WIDE }));
    await waitForSummaryCount(page, 'healthy', LAB_NODES, firstProbeDeadlineMs(cadence));
  }, 60_000);

  afterAll(() => teardown.run());

  it('lands on the Overview, and opens every view from the sidebar: its own URL, its heading, its entry marked', async () => {
    await expectView(page, 'overview');
    expect(hashOf(page)).toBe('');
    expect(page.url()).not.toContain('token');
    for (const [id, label] of VIEWS) {
      await page.getByTestId(`nav-${id}`).click();
      await expectView(page, id);
      expect(hashOf(page)).toBe(`#/${id}`);
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(label);
      for (const [other] of VIEWS) if (other !== id) expect(await page.getByTestId(`nav-${other}`).getAttribute('aria-current')).toBeNull();
    }
    expect(errors, 'page errors').toEqual([]);
  });

  it('a fault injected in the lab shows first on the Overview, is the palette’s first suggestion, and links to its node', async () => {
    const name = nodes[0];
    await showView(page, 'overview');
    // Healthy first: every node, replica and the load balancer polled.
    const settle = Math.max(replicaProbeDeadlineMs(services, 2), haproxyRiseDeadlineMs(services));
    const healthy = page.getByTestId('overview-healthy');
    await healthy.waitFor({ state: 'attached', timeout: settle });
    expect(await healthy.innerText()).toContain(`The fleet is healthy: ${LAB_NODES} nodes, ${replicas.length} replicas, 1 service.`);

    const panel = page.getByTestId('lab-panel');
    await panel.getByTestId('lab-node').selectOption(name);
    await panel.getByTestId('lab-kind').selectOption('gpu-lost');
    await panel.getByTestId('lab-gpu').fill('0');
    const injectedAt = Date.now();
    await panel.getByTestId('lab-inject').click();

    const item = page.locator(`[data-testid="attention-item"][data-kind="node"][data-subject="${name}"]`);
    await item.waitFor({ state: 'attached', timeout: atLeast1(fallDeadlineMs(cadence) - (Date.now() - injectedAt)) });
    const first = page.getByTestId('attention-item').first();
    expect(await first.getAttribute('data-subject'), await page.getByTestId('attention-list').innerText()).toBe(name);
    expect(await first.getAttribute('data-severity')).toBe('critical');
    // Its first reason, in the engine's words: a GPU gone from nvidia-smi's list.
    expect(await first.innerText()).toMatch(/GPU/);
    expect(Number(await page.getByTestId('nav-badge-overview').getAttribute('data-count'))).toBeGreaterThanOrEqual(1);

    // Ctrl-K, Enter: the worst problem is two keystrokes away.
    await key('Control+k');
    const palette = page.getByTestId('palette');
    await palette.waitFor({ state: 'visible', timeout: PUSH_MS });
    expect(await focusedTestId(page)).toBe('palette-input');
    const top = palette.getByTestId('palette-option').first();
    expect(await top.getAttribute('data-href')).toBe(`#/node/${name}`);
    expect(await top.getAttribute('aria-selected')).toBe('true');
    await key('Escape');
    await palette.waitFor({ state: 'detached', timeout: PUSH_MS });

    // The item's link opens the node's drawer over the Overview; closing it comes back here.
    await first.getByRole('link', { name }).click();
    const drawer = page.locator(`[data-testid="node-detail"][data-node="${name}"]`);
    await drawer.waitFor({ state: 'visible', timeout: PUSH_MS });
    expect(hashOf(page)).toBe(`#/node/${name}`);
    await expectView(page, 'overview');
    await key('Escape');
    await drawer.waitFor({ state: 'detached', timeout: PUSH_MS });
    expect(hashOf(page)).toBe('#/overview');

    const clearedAt = Date.now();
    await panel.getByTestId('lab-clear').click();
    await item.waitFor({ state: 'detached', timeout: atLeast1(riseDeadlineMs(cadence) - (Date.now() - clearedAt) + PUSH_MS) });
    await healthy.waitFor({ state: 'attached', timeout: PUSH_MS });
    expect(errors, 'page errors').toEqual([]);
  }, 60_000);

  it('gives every view and subject a URL: typed, walked back and forward, and kept by a reload', async () => {
    const target = replicas[replicas.length - 1];
    const origin = serve.origin;
    const go = (hash: string) => page.goto(`${origin}/${hash}`);

    // A run to link to: drain-replica through the Runbooks view (HAProxy is put back afterwards).
    const deadline = Date.now() + haproxyRiseDeadlineMs(services) + PUSH_MS;
    await showView(page, 'services');
    for (const r of replicas) await waitForLbServer(page, lbServerTestId(LAB_LB, LAB_SERVICE, r), { lbStatus: 'UP', replicaHealth: 'healthy' }, deadline - Date.now());
    await showView(page, 'runbooks');
    const panel = page.getByTestId('runbooks-panel');
    await panel.getByTestId('runbook-drain-replica').click();
    expect(hashOf(page)).toBe('#/runbook/drain-replica');
    await panel.getByTestId('runbook-target').selectOption(target);
    await panel.getByTestId('runbook-param-drainTimeoutSeconds').fill('10');
    await panel.getByTestId('runbook-preview').click();
    await panel.getByTestId('plan-run').click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.getByTestId('confirm-input').fill(target);
    await dialog.getByTestId('confirm-run').click();
    const done = page.locator('[data-testid="run-view"][data-status="succeeded"]');
    await done.waitFor({ state: 'attached', timeout: 20_000 });
    const runId = (await done.getAttribute('data-run-id')) as string;
    run = { id: runId, target };
    expect(hashOf(page)).toBe(`#/run/${runId}`);
    await runtime.setServerState(LAB_SERVICE, target, 'ready');

    const node = nodes[1];
    const replica = replicas[0];
    const steps: Array<{ hash: string; view: ViewId; shows: string }> = [
      { hash: '#/overview', view: 'overview', shows: '[data-testid="attention"]' },
      { hash: '#/topology', view: 'topology', shows: '[data-testid="topology"]' },
      { hash: '#/services', view: 'services', shows: '[data-testid="lb-panel"]' },
      { hash: '#/runbooks', view: 'runbooks', shows: '[data-testid="runbooks-panel"]' },
      // A drawer opens over the view it was opened from.
      { hash: `#/node/${node}`, view: 'runbooks', shows: `[data-testid="node-detail"][data-node="${node}"]` },
      { hash: `#/replica/${replica}`, view: 'runbooks', shows: `[data-testid="replica-detail"][data-replica="${replica}"]` },
      { hash: `#/service/${LAB_SERVICE}`, view: 'services', shows: `[data-testid="service-${LAB_SERVICE}"][aria-current="true"]` },
      { hash: `#/lb/${LAB_LB}`, view: 'services', shows: `[data-testid="lb-${LAB_LB}"][aria-current="true"]` },
      { hash: '#/runbook/drain-replica', view: 'runbooks', shows: '[data-testid="runbook-drain-replica"][aria-pressed="true"]' },
      { hash: `#/run/${runId}`, view: 'runbooks', shows: `[data-testid="run-view"][data-run-id="${runId}"]` },
    ];
    const expectStep = async (step: (typeof steps)[number], how: string) => {
      try {
        await expectView(page, step.view);
        await page.locator(step.shows).waitFor({ state: 'attached', timeout: PUSH_MS });
      } catch (err) {
        throw new Error(`${how} ${step.hash}: expected ${step.shows} over ${step.view}; URL ${page.url()}: ${(err as Error).message}`);
      }
      expect(hashOf(page), how).toBe(step.hash);
    };

    for (const step of steps) {
      await go(step.hash);
      await expectStep(step, 'typed');
    }
    // A subject shown in place is brought into view and given the focus.
    await go(`#/service/${LAB_SERVICE}`);
    await page.locator(`[data-testid="service-${LAB_SERVICE}"][aria-current="true"]`).waitFor({ timeout: PUSH_MS });
    expect(await focusedTestId(page)).toBe(`service-${LAB_SERVICE}`);
    await page.goBack();

    for (let i = steps.length - 2; i >= 0; i--) {
      await page.goBack();
      await expectStep(steps[i], 'back to');
    }
    for (let i = 1; i < 4; i++) {
      await page.goForward();
      await expectStep(steps[i], 'forward to');
    }

    // Reload keeps the view and the open subject: a node drawer opened over the Overview…
    await go('#/overview');
    await page.getByTestId('nav-overview').waitFor();
    await go(`#/node/${node}`);
    await expectStep({ hash: `#/node/${node}`, view: 'overview', shows: `[data-testid="node-detail"][data-node="${node}"]` }, 'opened');
    await page.reload({ waitUntil: 'load' });
    await expectStep({ hash: `#/node/${node}`, view: 'overview', shows: `[data-testid="node-detail"][data-node="${node}"] [data-testid="gpu-table"]` }, 'reloaded');
    // …and the run.
    await go(`#/run/${runId}`);
    await page.reload({ waitUntil: 'load' });
    await expectStep(steps[steps.length - 1], 'reloaded');

    // A name that is not in the fleet says so, and garbage lands on the Overview.
    await go('#/service/no-such-service');
    expect(await page.getByTestId('subject-missing').innerText()).toContain('No service named no-such-service');
    await go('#/no-such-view/x');
    await expectView(page, 'overview');
    expect(errors, 'page errors').toEqual([]);
  }, 90_000);

  it('the command palette: Ctrl-K, part of a name, Enter; arrows choose; Escape closes it and nothing under it', async () => {
    await showView(page, 'overview');
    const palette = page.getByTestId('palette');
    const options = palette.getByTestId('palette-option');
    const open = async () => {
      await key('Control+k');
      await palette.waitFor({ state: 'visible', timeout: PUSH_MS });
    };
    const choose = async (query: string, href: string) => {
      await open();
      await page.keyboard.type(query);
      await palette
        .locator(`[data-testid="palette-option"][data-href="${href}"]`)
        .waitFor({ timeout: PUSH_MS })
        .catch(async (err: Error) => {
          // What the palette held, and where the keys went, say which of them failed.
          const typed = await page.getByTestId('palette-input').inputValue().catch(() => '(no input)');
          const shown = await options.evaluateAll((els) => els.slice(0, 8).map((e) => (e as unknown as { dataset: { href?: string } }).dataset.href));
          throw new Error(`no option ${href} for "${query}": the field holds "${typed}", the focus is on ${await focusedTestId(page)}, options ${JSON.stringify(shown)}; ${err.message}`);
        });
      expect(await options.first().getAttribute('data-href'), `first result for "${query}"`).toBe(href);
      await key('Enter');
      await palette.waitFor({ state: 'detached', timeout: PUSH_MS });
      expect(hashOf(page)).toBe(href);
    };

    try {
      // Nothing typed: the views are there (the fleet is healthy: no suggestion before them).
      await open();
      expect(await palette.locator('[data-testid="palette-option"][data-kind="view"]').count()).toBe(VIEWS.length);
      await key('Escape');
      await palette.waitFor({ state: 'detached', timeout: PUSH_MS });

      // A node by part of its name, a view, a service, a runbook, a run, a replica.
      const node = nodes[3];
      await choose(node.slice(0, -1), `#/node/${node}`);
      await page.locator(`[data-testid="node-detail"][data-node="${node}"]`).waitFor({ timeout: PUSH_MS });
      await choose('topo', '#/topology');
      await expectView(page, 'topology');
      await choose(LAB_SERVICE, `#/service/${LAB_SERVICE}`);
      await expectView(page, 'services');
      await choose('region-failo', '#/runbook/region-failover');
      await page.locator('[data-testid="runbook-region-failover"][aria-pressed="true"]').waitFor({ timeout: PUSH_MS });
      if (run) {
        await choose(`drain-replica on ${run.target}`, `#/run/${run.id}`);
        await page.locator(`[data-testid="run-view"][data-run-id="${run.id}"]`).waitFor({ timeout: PUSH_MS });
      }
      await choose(replicas[0], `#/replica/${replicas[0]}`);
      const drawer = page.getByTestId('replica-detail');
      await drawer.waitFor({ state: 'visible', timeout: PUSH_MS });

      // Arrows move the choice (wrapping); the mouse-free path to the second result.
      await open();
      await page.keyboard.type('inf-01');
      await expect(options.count()).resolves.toBeGreaterThan(2);
      const second = await options.nth(1).getAttribute('data-href');
      await key('ArrowDown');
      expect(await options.nth(1).getAttribute('aria-selected')).toBe('true');
      await key('ArrowUp');
      await key('ArrowUp');
      expect(await options.last().getAttribute('aria-selected')).toBe('true');
      await key('ArrowDown');
      await key('ArrowDown');
      await key('Enter');
      expect(hashOf(page)).toBe(second);

      // Escape closes the palette, not the drawer under it; nothing typed finds nothing.
      await choose(replicas[0], `#/replica/${replicas[0]}`);
      await drawer.waitFor({ state: 'visible', timeout: PUSH_MS });
      await open();
      await page.keyboard.type('zzzz-no-such-thing');
      await palette.getByText('Nothing matches').waitFor({ timeout: PUSH_MS });
      await key('Escape');
      await palette.waitFor({ state: 'detached', timeout: PUSH_MS });
      expect(await drawer.isVisible(), 'the drawer stays open').toBe(true);
      await key('Escape');
      await drawer.waitFor({ state: 'detached', timeout: PUSH_MS });
      expect(errors, 'page errors').toEqual([]);
    } finally {
      await closePalette();
    }
  }, 60_000);

  it('a route change under the open palette (a notification, a pasted link) marks its subject or opens its drawer and leaves the keyboard in the palette', async () => {
    await showView(page, 'services');
    const palette = page.getByTestId('palette');
    try {
      await key('Control+k');
      await palette.waitFor({ state: 'visible', timeout: PUSH_MS });
      await page.keyboard.type('inf');
      await page.evaluate(`location.hash = '#/lb/${LAB_LB}'`);
      await page.locator(`[data-testid="lb-${LAB_LB}"][aria-current="true"]`).waitFor({ state: 'attached', timeout: PUSH_MS });
      // The reveal runs in an effect after that render: two frames later it has.
      await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
      expect(await focusedTestId(page), 'the focus stays in the palette').toBe('palette-input');
      await page.keyboard.type('-01');
      expect(await page.getByTestId('palette-input').inputValue()).toBe('inf-01');
      // A drawer opening under it (a node's link) leaves the keyboard there too.
      await page.evaluate(`location.hash = '#/node/${nodes[0]}'`);
      await page.locator(`[data-testid="node-detail"][data-node="${nodes[0]}"]`).waitFor({ state: 'attached', timeout: PUSH_MS });
      await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
      expect(await focusedTestId(page), 'the focus stays in the palette over the drawer').toBe('palette-input');
    } finally {
      await closePalette();
    }
    expect(errors, 'page errors').toEqual([]);
  });

  it('`/` focuses the current view’s filter unless a field has the keyboard; `g` then a letter opens a view', async () => {
    await showView(page, 'topology');
    await page.getByRole('heading', { level: 1 }).click();
    await key('/');
    expect(await focusedTestId(page)).toBe('node-filter');
    await page.keyboard.type('use1');
    // In the field, `/` is just a character.
    await key('/');
    expect(await page.getByTestId('node-filter').inputValue()).toBe('use1/');
    await page.getByTestId('node-filter').fill('');

    await showView(page, 'services');
    await page.getByRole('heading', { level: 1 }).click();
    await key('/');
    expect(await focusedTestId(page)).toBe('replica-filter');

    await page.getByRole('heading', { level: 1 }).click();
    for (const [id, letter] of [
      ['overview', 'o'],
      ['runbooks', 'r'],
      ['topology', 't'],
      ['services', 's'],
      ['capacity', 'c'],
      ['drills', 'd'],
      ['incidents', 'i'],
      ['timeline', 'e'],
      ['training', 'j'],
    ] as const) {
      await key('g');
      await key(letter);
      await expectView(page, id);
    }
    expect(errors, 'page errors').toEqual([]);
  });

  it('the theme: system follows the OS, dark and light pin it, the choice survives a reload; the sidebar stays collapsed too', async () => {
    const bg = async () => (await page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--bg').trim()")) as string;
    const dataTheme = async () => (await page.evaluate("document.documentElement.getAttribute('data-theme')")) as string | null;
    const DARK_BG = '#0f1216';
    const LIGHT_BG = '#f4f6f8';
    const select = page.getByTestId('theme-select');
    try {
      expect(await select.inputValue()).toBe('system');
      await page.emulateMedia({ colorScheme: 'dark' });
      expect(await bg()).toBe(DARK_BG);
      await page.emulateMedia({ colorScheme: 'light' });
      expect(await bg()).toBe(LIGHT_BG);

      await select.selectOption('dark');
      expect(await dataTheme()).toBe('dark');
      expect(await bg()).toBe(DARK_BG);
      await page.reload({ waitUntil: 'load' });
      await page.getByTestId('theme-select').waitFor();
      expect(await page.getByTestId('theme-select').inputValue()).toBe('dark');
      expect(await dataTheme()).toBe('dark');
      expect(await bg(), 'pinned dark while the OS asks for light').toBe(DARK_BG);

      await page.getByTestId('theme-select').selectOption('light');
      await page.emulateMedia({ colorScheme: 'dark' });
      expect(await bg(), 'pinned light while the OS asks for dark').toBe(LIGHT_BG);
      await page.reload({ waitUntil: 'load' });
      expect(await page.getByTestId('theme-select').inputValue()).toBe('light');
      expect(await bg()).toBe(LIGHT_BG);

      await page.getByTestId('theme-select').selectOption('system');
      expect(await dataTheme()).toBeNull();
      expect(await bg()).toBe(DARK_BG);
      expect(await page.evaluate("localStorage.getItem('fleetops.theme')")).toBe('system');
    } finally {
      await page.emulateMedia({ colorScheme: null });
    }

    const sidebar = page.getByTestId('sidebar');
    expect(await sidebar.getAttribute('data-collapsed')).toBe('false');
    await page.getByTestId('sidebar-toggle').click();
    expect(await sidebar.getAttribute('data-collapsed')).toBe('true');
    // Collapsed, each entry keeps its name for screen readers.
    expect(await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Topology' }).count()).toBe(1);
    await page.reload({ waitUntil: 'load' });
    expect(await page.getByTestId('sidebar').getAttribute('data-collapsed')).toBe('true');
    await page.getByTestId('sidebar-toggle').click();
    expect(await page.getByTestId('sidebar').getAttribute('data-collapsed')).toBe('false');
    expect(errors, 'page errors').toEqual([]);
  }, 30_000);

  it('a link opened in a new tab gets the token from the open console; in a fresh browser it asks for the printed URL, then opens the page linked', async () => {
    const node = nodes[2];
    // The same browser: a new tab has its own (empty) sessionStorage; the open console tab hands its token over.
    const tab = await openTab(context, `${serve.origin}/#/node/${node}`);
    try {
      await tab.page.locator(`[data-testid="node-detail"][data-node="${node}"] [data-testid="gpu-table"]`).waitFor({ timeout: 10_000 });
      await tab.page.getByTestId('view-topology').waitFor({ state: 'attached' });
      expect(tab.errors).toEqual([]);
    } finally {
      await tab.page.close();
    }

    // A fresh browser: no console tab to ask; the page asks for the printed URL and keeps the link's page.
    const replica = replicas[1];
    const fresh = await openPage(browser, `${serve.origin}/#/replica/${replica}`, { viewport: WIDE });
    try {
      const banner = fresh.page.locator('[data-testid="connection-banner"][data-status="unauthorized"]');
      await banner.waitFor({ timeout: 10_000 });
      const submit = banner.getByTestId('token-submit');
      expect(await submit.isDisabled()).toBe(true);
      await banner.getByTestId('token-input').fill(serve.url);
      await submit.click();
      await fresh.page.locator(`[data-testid="replica-detail"][data-replica="${replica}"]`).waitFor({ timeout: 10_000 });
      expect(new URL(fresh.page.url()).hash).toBe(`#/replica/${replica}`);
      expect(fresh.page.url()).not.toContain(serve.handle.server.token);
    } finally {
      await fresh.context.close();
    }
  }, 40_000);

  it('a page draws the view first and the side column (lab, recent events) in a later task, keeping its place meanwhile', async () => {
    // Each MutationObserver callback closes one task's DOM changes: the view's clusters must be
    // in an earlier callback than the lab panel (App.tsx, useAfterFirstRender).
    const ORDER = `(() => {
      const seen = { callbacks: 0, view: null, side: null, sideEmptyWithView: false };
      window.__sideOrder = seen;
      new MutationObserver(() => {
        seen.callbacks++;
        const view = document.querySelector('[data-testid="view-topology"] [data-testid^="cluster-"]');
        const side = document.querySelector('aside.side [data-testid="lab-panel"]');
        if (view && seen.view === null) {
          seen.view = seen.callbacks;
          const aside = document.querySelector('aside.side');
          seen.sideEmptyWithView = aside !== null && aside.childElementCount === 0 && aside.getAttribute('aria-busy') === 'true';
        }
        if (side && seen.side === null) seen.side = seen.callbacks;
      }).observe(document, { childList: true, subtree: true });
    })();`;
    const fresh = await browser.newContext({ viewport: WIDE });
    try {
      await fresh.addInitScript({ content: ORDER });
      const tab = await openTab(fresh, `${serve.url}#/topology`);
      await tab.page.getByTestId('lab-panel').waitFor({ state: 'attached', timeout: PUSH_MS });
      const order = (await tab.page.evaluate('window.__sideOrder')) as { view: number | null; side: number | null; sideEmptyWithView: boolean };
      expect(order.view).not.toBeNull();
      expect(order.side).not.toBeNull();
      expect(order.view as number).toBeLessThan(order.side as number);
      expect(order.sideEmptyWithView).toBe(true);
      expect(tab.errors, 'page errors').toEqual([]);
    } finally {
      await fresh.close();
    }
  });

  it('the first render needs no zod: the contract parser’s chunk is asked for only after the view is drawn, then loads while the page is idle', async () => {
    // api/parse.ts: the snapshot passes the quick check against the contract's shapes; zod and the
    // contract's schemas (zod-parse.ts, a chunk of its own) come later. A snapshot the quick check
    // left to zod, or a module of the first render importing a schema, would load it before.
    const ZOD_ORDER = `(() => {
      const seen = { zodAtView: null };
      window.__zodOrder = seen;
      const zodAsked = () =>
        performance.getEntriesByType('resource').some((e) => /zod-parse-/.test(e.name)) ||
        [...document.querySelectorAll('link[rel="modulepreload"], script[src]')].some((l) => /zod-parse-/.test(l.href || l.src));
      new MutationObserver((_, observer) => {
        if (!document.querySelector('[data-testid="view-topology"] [data-testid^="cluster-"]')) return;
        seen.zodAtView = zodAsked();
        observer.disconnect();
      }).observe(document, { childList: true, subtree: true });
    })();`;
    const fresh = await browser.newContext({ viewport: WIDE });
    try {
      await fresh.addInitScript({ content: ZOD_ORDER });
      const tab = await openTab(fresh, `${serve.url}#/topology`);
      // Polled with evaluate: waitForFunction evaluates a string in the page, which its CSP forbids.
      await vi.waitFor(async () => expect(await tab.page.evaluate('window.__zodOrder.zodAtView')).not.toBeNull(), { timeout: PUSH_MS, interval: 50 });
      expect(await tab.page.evaluate('window.__zodOrder.zodAtView')).toBe(false);
      // …and it does load once the page is drawn (App.tsx, when idle): a reply the quick check leaves to zod does not wait for it.
      await vi.waitFor(async () => expect(await tab.page.evaluate("performance.getEntriesByType('resource').some((e) => /zod-parse-/.test(e.name))")).toBe(true), {
        timeout: PUSH_MS,
        interval: 50,
      });
      expect(tab.errors, 'page errors').toEqual([]);
    } finally {
      await fresh.close();
    }
  });

  it('the scripts the page runs at start carry V8’s compile hint on their first line; the chunks loaded later do not', async () => {
    // renderer/build/compile-hints.ts: their functions compile while they stream in, off the main
    // thread. Read as the browser gets them, from the server that serves the page.
    const origin = new URL(serve.url).origin;
    const html = await (await fetch(`${origin}/`)).text();
    const atStart = [...html.matchAll(/<(?:script type="module"[^>]* src|link rel="modulepreload"[^>]* href)="\.\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
    expect(atStart.some((f) => /\/index-/.test(f)), 'the entry').toBe(true);
    expect(atStart.some((f) => /\/console-/.test(f)), 'the console chunk').toBe(true);
    const firstLine = async (file: string) => (await (await fetch(`${origin}/${file}`)).text()).split('\n', 1)[0];
    // The bundler's runtime (a few hundred bytes, preloaded as the start chunk's import) is neither the entry nor a start chunk.
    for (const file of atStart.filter((f) => !/rolldown-runtime/.test(f))) expect(await firstLine(file), file).toBe(COMPILE_HINT);
    // A view's chunk, fetched when the view opens: lazy, as V8 compiles by default.
    const later = (await readdir(join(builtRendererDir(), 'assets'))).filter((f) => /^RunbooksView-.*\.js$/.test(f));
    expect(later).toHaveLength(1);
    expect(await firstLine(`assets/${later[0]}`)).not.toContain(COMPILE_HINT);
  });

  it('a push writes nothing to the controls: the filter, "problems only" and the read-only switch are left alone while nodes are pushed', async () => {
    // React writes an input's type and name back each time it renders it; the view and the header
    // render with every push, their controls (memoized) do not.
    const fresh = await browser.newContext({ viewport: WIDE });
    try {
      await fresh.addInitScript({ content: `window[${JSON.stringify(PERF_MARKS_FLAG)}] = true;` });
      const tab = await openTab(fresh, `${serve.url}#/topology`);
      await tab.page.locator('[data-testid="view-topology"] [data-testid^="cluster-"]').first().waitFor({ state: 'attached', timeout: PUSH_MS });
      const pushes = `performance.getEntriesByName(${JSON.stringify(`${PUSH_MARK_PREFIX}nodes.updated`)}).length`;
      await tab.page.evaluate(`(() => {
        const seen = { writes: [], pushesAtStart: ${pushes} };
        window.__controlWrites = seen;
        const controls = ['node-filter', 'problems-only', 'read-only-toggle'].map((id) => document.querySelector('[data-testid="' + id + '"]'));
        if (controls.some((c) => !c)) throw new Error('a control is missing');
        const observer = new MutationObserver((list) => { for (const m of list) seen.writes.push(m.target.getAttribute('data-testid') + '@' + m.attributeName); });
        for (const c of controls) observer.observe(c, { attributes: true });
      })()`);
      await vi.waitFor(async () => expect(await tab.page.evaluate(`${pushes} - window.__controlWrites.pushesAtStart`)).toBeGreaterThanOrEqual(3), {
        timeout: deadlineForProbes(cadence, 4),
        interval: 100,
      });
      expect(await tab.page.evaluate('window.__controlWrites.writes')).toEqual([]);
      expect(tab.errors, 'page errors').toEqual([]);
    } finally {
      await fresh.close();
    }
  });

  it('the node drawer’s GPU table: one line per GPU and no sideways scroll, at 1600×1000 and in a narrow window', async () => {
    const node = nodes[4];
    serve.handle.lab?.inject({ node, kind: 'ecc-uncorrectable', gpuIndex: 0 });
    try {
      await page.goto(`${serve.origin}/#/node/${node}`);
      const row0 = page.locator(`[data-testid="node-detail"] [data-testid="gpu-row-0"][data-health="unhealthy"]`);
      await row0.waitFor({ state: 'attached', timeout: fallDeadlineMs(cadence) + PUSH_MS });
      // A string, not a function: this file is compiled without DOM types.
      const measure = `(() => {
        const drawer = document.querySelector('[data-testid="node-detail"]');
        const wrap = drawer.querySelector('.gpu-table-wrap');
        const table = drawer.querySelector('[data-testid="gpu-table"]');
        const rows = [...table.querySelectorAll('tbody tr')].map((r) => r.getBoundingClientRect().height);
        const visibleColumns = [...table.querySelectorAll('thead th')].filter((th) => th.getClientRects().length > 0).length;
        return { tableWidth: table.scrollWidth, wrapWidth: wrap.clientWidth, drawerScroll: drawer.scrollWidth - drawer.clientWidth, rows, visibleColumns,
                 lineHeight: parseFloat(getComputedStyle(table).lineHeight) };
      })()`;
      type Measure = { tableWidth: number; wrapWidth: number; drawerScroll: number; rows: number[]; visibleColumns: number; lineHeight: number };
      const check = (m: Measure, where: string) => {
        expect(m.tableWidth, `${where}: table wider than its box ${JSON.stringify(m)}`).toBeLessThanOrEqual(m.wrapWidth + 1);
        expect(m.drawerScroll, `${where}: the drawer scrolls sideways`).toBeLessThanOrEqual(0);
        expect(m.rows).toHaveLength(8);
        // One line each: GPU 0 (long reasons) no taller than the others, and less than two lines.
        for (const h of m.rows) expect(h, `${where}: row heights ${m.rows.join(', ')}`).toBeLessThan(2 * m.lineHeight + 8);
        expect(Math.max(...m.rows) - Math.min(...m.rows), `${where}: row heights ${m.rows.join(', ')}`).toBeLessThan(1);
      };
      const wide = (await page.evaluate(measure)) as Measure;
      check(wide, '1600×1000');
      expect(wide.visibleColumns).toBe(13);
      await page.setViewportSize({ width: 760, height: 900 });
      const narrow = (await page.evaluate(measure)) as Measure;
      check(narrow, '760×900');
      expect(narrow.visibleColumns, 'the less urgent columns make room').toBeLessThan(wide.visibleColumns);
      // The frame between a narrowing window and the plots' ResizeObserver: a canvas still at its wide width must
      // not scroll the drawer sideways (it did under load in CI: 435 px).
      const staleScroll = await page.evaluate(`(() => {
        const drawer = document.querySelector('[data-testid="node-detail"]');
        const plot = drawer.querySelector('.uplot');
        plot.style.width = '${wide.wrapWidth}px';
        return drawer.scrollWidth - drawer.clientWidth;
      })()`);
      expect(staleScroll, 'a plot not yet resized scrolls the drawer').toBeLessThanOrEqual(0);
      // GPU 0's reasons are still there, whole, in its tooltip.
      expect(await page.getByTestId('node-detail').getByTestId('gpu-row-0').getAttribute('title')).toMatch(/uncorrectable ECC/);
    } finally {
      await page.setViewportSize(WIDE);
      serve.handle.lab?.clear(node);
    }
    expect(errors, 'page errors').toEqual([]);
  }, 40_000);

  it('axe finds no serious or critical violation on any view, a node drawer, a replica drawer, the palette and a dialog, in both themes', async () => {
    // axe is injected as an inline script: its context bypasses the page's CSP (helpers/axe.ts).
    const axe = await openPage(browser, serve.url, { viewport: WIDE, bypassCSP: true });
    const a = axe.page;
    const node = nodes[5];
    // A node that is not healthy, so its pills, the attention list and the badges are on screen too.
    serve.handle.lab?.inject({ node, kind: 'thermal-slowdown' });
    const found: string[] = [];
    const scan = async (where: string) => {
      const serious = (await axeViolations(a)).filter(isSerious);
      if (serious.length > 0) found.push(formatViolations(where, serious));
    };
    try {
      await waitForSummaryCount(a, 'degraded', 1, fallDeadlineMs(cadence) + PUSH_MS);
      // The harness sees what it must: light grey on white (1.4:1) is reported (then removed).
      // Not white on white: axe takes 1:1 for a hiding trick and leaves it "incomplete".
      await a.evaluate(`(() => { const p = document.createElement('p'); p.id = 'axe-self-check'; p.textContent = 'unreadable'; p.style.cssText = 'position:fixed;top:40%;left:40%;z-index:100;color:#ddd;background:#fff'; document.body.append(p); })()`);
      const planted = (await axeViolations(a)).filter(isSerious);
      expect(planted.find((v) => v.id === 'color-contrast')?.nodes.map((n) => n.target.join(' ')), formatViolations('self-check', planted)).toEqual(['#axe-self-check']);
      await a.evaluate(`document.getElementById('axe-self-check').remove()`);
      for (const theme of ['dark', 'light'] as const) {
        await a.getByTestId('theme-select').selectOption(theme);
        for (const [view] of VIEWS) {
          await showView(a, view);
          await a.getByRole('heading', { level: 1 }).waitFor();
          if (view === 'runbooks') {
            // With a runbook chosen: its form too.
            await a.getByTestId('runbook-drain-replica').click();
            await a.getByTestId('runbook-form').waitFor();
          }
          await scan(`${theme} ${view}`);
        }
        await a.goto(`${serve.origin}/#/node/${node}`);
        await a.getByTestId('node-detail').getByTestId('gpu-table').waitFor({ timeout: PUSH_MS });
        await scan(`${theme} node drawer`);
        await a.goto(`${serve.origin}/#/replica/${replicas[0]}`);
        await a.getByTestId('replica-detail').waitFor({ timeout: PUSH_MS });
        await scan(`${theme} replica drawer`);
        await a.keyboard.press('Control+k');
        await a.getByTestId('palette').waitFor({ state: 'visible' });
        await a.keyboard.type('inf');
        await scan(`${theme} palette`);
        await a.keyboard.press('Escape');
        await a.keyboard.press('Escape');
        await showView(a, 'services');
        await a.getByTestId(`lb-drain-${lbKey(LAB_LB, LAB_SERVICE, replicas[0])}`).click();
        await waitForPreview(a, PUSH_MS);
        await scan(`${theme} load balancer change dialog`);
        await a.getByTestId('lb-change-cancel').click();
        await a.getByTestId('lb-change-dialog').waitFor({ state: 'detached' });
      }
      expect(found, `axe violations:\n${found.join('\n')}`).toEqual([]);
      expect(axe.errors, 'page errors').toEqual([]);
    } finally {
      serve.handle.lab?.clear(node);
      await axe.context.close();
    }
  }, 120_000);
});
