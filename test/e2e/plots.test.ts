/**
 * Plots in Chromium against `serve --lab`: the node drawer's GPU plots read the engine's history
 * and grow from pushes; a thermal fault shows on the temperature plot with the node's health
 * change marked; a replica's latency plots, a service's availability and burn plots, and a load
 * balancer's server strips draw what the engine measured; the range switch reads the rollups.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_LB } from '../../electron/core/lab/lab-services';
import { THERMAL_FAULT_TEMPERATURE_C } from '../../electron/core/lab/gpu-reading';
import { launchChromium, openPage } from './helpers/browser';
import { fallDeadlineMs, firstProbeDeadlineMs, type ProbeCadence } from './helpers/cadence';
import { startE2eServe, watchedCadence, watchedNodeNames, type E2eServe } from './helpers/serve';
import { Teardown } from './helpers/teardown';

const PUSH_MS = 5_000;

/** Polls `read` until `ok` holds, with a deadline; returns the last value read. */
async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let v = await read();
  while (!ok(v)) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
    v = await read();
  }
  return v;
}

const attr = (page: Page, testid: string, name: string) => page.getByTestId(testid).first().getAttribute(name);
const num = async (page: Page, testid: string, name: string) => Number((await attr(page, testid, name)) ?? NaN);

describe('plots in the browser', () => {
  const teardown = new Teardown();
  let serve: E2eServe;
  let browser: Browser;
  let cadence: ProbeCadence;
  let page: Page;
  let nodes: string[];

  beforeAll(async () => {
    serve = teardown.add('serve --lab', await startE2eServe(['--lab', '--lab-nodes', '3']), (s) => s.stop());
    cadence = watchedCadence(serve);
    nodes = watchedNodeNames(serve);
    browser = teardown.add('chromium', await launchChromium(), (b) => b.close());
    page = (await openPage(browser, serve.url, { viewport: { width: 1600, height: 1000 } })).page;
  });

  afterAll(() => teardown.run());

  it('a node’s GPU plots read the history and grow from pushes; a thermal fault shows and its health change is marked', async () => {
    const node = nodes[0]!;
    await page.goto(`${serve.origin}/#/node/${node}`);
    await page.getByTestId('gpu-history').waitFor({ timeout: firstProbeDeadlineMs(cadence) });
    const points = await until(() => num(page, 'gpu-plot-temperature', 'data-points'), (n) => n >= 2, firstProbeDeadlineMs(cadence) + 2 * cadence.intervalSeconds * 1000, 'temperature points');
    // Live: one more point per probe, from nodes.updated (no re-fetch).
    await until(() => num(page, 'gpu-plot-temperature', 'data-points'), (n) => n > points, 2 * cadence.intervalSeconds * 1000 + PUSH_MS, 'a pushed point');
    expect(await num(page, 'gpu-plot-temperature', 'data-last')).toBeLessThan(THERMAL_FAULT_TEMPERATURE_C);

    await serve.handle.core.handlers['lab.injectFault']({ node, kind: 'thermal-slowdown', gpuIndex: 0 });
    const hot = await until(() => num(page, 'gpu-plot-temperature', 'data-last'), (t) => t >= THERMAL_FAULT_TEMPERATURE_C, 2 * cadence.intervalSeconds * 1000 + PUSH_MS, 'GPU 0 temperature');
    expect(hot).toBe(THERMAL_FAULT_TEMPERATURE_C);
    // The node's health change (thermal slowdown) is a marker on the same time axis.
    const marked = await num(page, 'gpu-plot-temperature', 'data-markers');
    await until(() => num(page, 'gpu-plot-temperature', 'data-markers'), (m) => m > marked || m >= 1, fallDeadlineMs(cadence) + PUSH_MS, 'a health marker');
    await serve.handle.core.handlers['lab.clearFault']({ node });

    // 24 h reads the 1-minute rollups: the fault's minute is in them.
    await page.getByTestId('gpu-history').getByTestId('range-24h').click();
    await until(() => num(page, 'gpu-plot-temperature', 'data-points'), (n) => n >= 1, PUSH_MS, '24 h points');
    expect(await attr(page, 'gpu-plot-temperature', 'aria-label')).toContain('last 24h');
  }, 60_000);

  it('a replica’s latency plots, a service’s availability and burn, a load balancer’s server strips', async () => {
    const replica = serve.handle.labServices!.info().replicas[0]!.name;
    await page.goto(`${serve.origin}/#/replica/${replica}`);
    await until(() => num(page, 'replica-plot-health', 'data-points'), (n) => n >= 1, 15_000, 'health probe latency points');
    expect(await num(page, 'replica-plot-health', 'data-last')).toBeGreaterThan(0);

    const service = serve.handle.core.services.availability.services()[0]!.service;
    await page.goto(`${serve.origin}/#/service/${service}`);
    await until(() => num(page, 'availability-plot', 'data-points'), (n) => n >= 1, 15_000, 'availability points');
    expect(await num(page, 'availability-plot', 'data-last')).toBeGreaterThan(0);
    expect(await page.getByTestId('burn-plot').first().count()).toBe(1);

    await page.goto(`${serve.origin}/#/lb/${LAB_LB}`);
    await page.getByTestId('lb-history').waitFor({ timeout: PUSH_MS });
    const strips = page.locator('[data-testid^="lb-strip-"]');
    await until(() => strips.count(), (n) => n >= 1, PUSH_MS, 'server strips');
    await until(() => page.locator('.strip-seg[data-state="UP"]').count(), (n) => n >= 1, 15_000, 'an UP segment');
  }, 60_000);
});
