/**
 * Plots in Chromium against `serve --lab`: the node drawer's GPU plots read the engine's history
 * and grow from pushes; a thermal fault shows on the temperature plot with the node's health
 * change marked; a replica's latency plots (p50 and p95, read back from the canvas at each range),
 * a service's availability and burn plots, and a load balancer's server strips draw what the
 * engine measured; the range switch reads the rollups.
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

/** The lines a plot has values for (its data-drawn: "key:count …"), as key → how many points are not gaps. */
async function drawnLines(page: Page, testid: string): Promise<Record<string, number>> {
  const text = (await attr(page, testid, 'data-drawn')) ?? '';
  return Object.fromEntries(text.split(' ').filter(Boolean).map((kv) => [kv.slice(0, kv.lastIndexOf(':')), Number(kv.slice(kv.lastIndexOf(':') + 1))]));
}

/**
 * How many opaque pixels of a plot's canvas are (nearly) each of these theme colours (CSS
 * variables, #rrggbb): what uPlot really drew, read back from the canvas. A script string: the
 * tests are type-checked without the DOM's types.
 */
const PIXELS_SCRIPT = `(testid, names) => {
  const host = document.querySelector('[data-testid="' + testid + '"]');
  const canvas = host && host.querySelector('canvas');
  if (!canvas) return names.map(() => 0);
  const img = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  const rgb = names.map((n) => {
    const hex = /^#([0-9a-f]{6})$/i.exec(getComputedStyle(host).getPropertyValue(n).trim());
    if (!hex) throw new Error(n + ' is not a #rrggbb colour');
    const v = parseInt(hex[1], 16);
    return [v >> 16, (v >> 8) & 255, v & 255];
  });
  const counts = names.map(() => 0);
  for (let i = 0; i < img.length; i += 4) {
    if (img[i + 3] < 200) continue;
    rgb.forEach(([r, g, b], k) => {
      if (Math.abs(img[i] - r) + Math.abs(img[i + 1] - g) + Math.abs(img[i + 2] - b) < 40) counts[k]++;
    });
  }
  return counts;
}`;
const pixelsOf = async (page: Page, testid: string, colors: readonly string[]) => (await page.evaluate(`(${PIXELS_SCRIPT})(${JSON.stringify(testid)}, ${JSON.stringify(colors)})`)) as number[];

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

  it('a replica’s latency p50 and p95 at 1 h, 24 h and 30 d, a service’s availability and burn, a load balancer’s server strips', async () => {
    const replica = serve.handle.labServices!.info().replicas[0]!.name;
    await page.goto(`${serve.origin}/#/replica/${replica}`);
    await until(() => num(page, 'replica-plot-health', 'data-points'), (n) => n >= 1, 15_000, 'health probe latency points');
    expect(await num(page, 'replica-plot-health', 'data-last')).toBeGreaterThan(0);
    // Each range reads the engine again (raw readings in 30 s intervals, minutes, half hours): both
    // plots hold p50 and p95 values, and both lines are on the canvas (p95 wider, under p50).
    for (const range of ['1h', '24h', '30d'] as const) {
      await page.getByTestId('replica-history').getByTestId(`range-${range}`).click();
      for (const [plot, metric] of [['replica-plot-health', 'healthLatencyMs'], ['replica-plot-completion', 'completionLatencyMs']] as const) {
        await until(() => attr(page, plot, 'aria-label'), (l) => l?.includes(`last ${range}`) ?? false, PUSH_MS, `${plot} at ${range}`);
        const lines = await until(() => drawnLines(page, plot), (d) => (d[`${metric}.p50`] ?? 0) >= 1 && (d[`${metric}.p95`] ?? 0) >= 1, 15_000, `${plot} p50 and p95 at ${range}`);
        expect(lines[`${metric}.p95`]).toBe(lines[`${metric}.p50`]);
        const [p50, p95] = await until(() => pixelsOf(page, plot, ['--accent', '--unreachable']), ([a, b]) => a! > 0 && b! > 0, PUSH_MS, `${plot} p50 and p95 pixels at ${range}`);
        expect(p50).toBeGreaterThan(3);
        expect(p95).toBeGreaterThan(3);
      }
      expect(await page.getByTestId('replica-plot-completion').locator('.u-legend').innerText()).toMatch(/p95[\s\S]*p50/);
    }

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
