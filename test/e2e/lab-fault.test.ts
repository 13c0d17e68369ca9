/**
 * The acceptance flow, in a real browser against `fleetops serve --lab`: the lab's
 * topology comes up healthy, a GPU lost through the lab panel turns its node unhealthy within
 * the fall count's probe cycles with a reason naming the lost GPU, and clearing it recovers the
 * node within the rise count's cycles; the event list records both changes. The tiles live on
 * the Topology view, where healthy clusters start collapsed (helpers/console-page.ts reveals a
 * node's tile through the topology's filter).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openPage } from './helpers/browser';
import { LAB_CADENCE, fallDeadlineMs, firstProbeDeadlineMs, riseDeadlineMs, type ProbeCadence } from './helpers/cadence';
import { showAllTiles, showTopology, summaryCounts, texts, tileNames, tileSelector, waitForEvent, waitForSummaryCount, waitForTileHealth } from './helpers/console-page';
import { startE2eServe, watchedCadence, watchedNodeNames, type E2eServe } from './helpers/serve';
import { Teardown } from './helpers/teardown';

const LAB_NODES = 6;
const GPUS_PER_NODE = 8;
/** Pushed events reach the page within a fraction of a second; this is only a ceiling. */
const PUSH_MS = 5_000;

describe('lab fault flow in the browser', () => {
  const teardown = new Teardown();
  let serve: E2eServe;
  let browser: Browser;
  let cadence: ProbeCadence;
  let page: Page;
  let nodes: string[];

  beforeAll(async () => {
    serve = teardown.add('serve --lab', await startE2eServe(['--lab', '--lab-nodes', String(LAB_NODES)]), (s) => s.stop());
    cadence = watchedCadence(serve);
    browser = teardown.add('chromium', await launchChromium(), (b) => b.close());
    page = (await openPage(browser, serve.url)).page;
    nodes = watchedNodeNames(serve);
  });

  afterAll(() => teardown.run());

  it('shows every lab node with its 8 GPUs, all healthy after the first probes', async () => {
    expect(nodes).toHaveLength(LAB_NODES);
    // The deadlines below follow the cadence the issue names: interval 3 s, timeout 2 s, fall 2, rise 2.
    expect(cadence).toEqual(LAB_CADENCE);
    await waitForSummaryCount(page, 'healthy', LAB_NODES, firstProbeDeadlineMs(cadence));
    expect(await summaryCounts(page)).toEqual({ healthy: LAB_NODES, degraded: 0, unhealthy: 0, unreachable: 0, unknown: 0 });
    // Every cluster healthy: all start collapsed, each a count and a health summary.
    await showTopology(page);
    await expect(page.locator('[data-testid^="cluster-"][data-expanded="true"]').count()).resolves.toBe(0);
    await expect(page.locator('[data-testid^="node-tile-"]').count()).resolves.toBe(0);
    await showAllTiles(page);
    for (const name of nodes) {
      const tile = page.locator(tileSelector(name, 'healthy'));
      await expect(tile.count()).resolves.toBe(1);
      // A square per GPU the probe reported (one element: gpu-strip.ts), and a dashed one per GPU the inventory expects but is missing.
      await expect(tile.locator('.gpus').getAttribute('data-gpu-health')).resolves.toBe(Array(GPUS_PER_NODE).fill('healthy').join(' '));
      await expect(tile.locator('.gpu-missing').count()).resolves.toBe(0);
    }
    expect(await page.getByTestId('gpu-count').innerText()).toBe(`GPUs ${LAB_NODES * GPUS_PER_NODE} / ${LAB_NODES * GPUS_PER_NODE} healthy`);
    // The tiles are exactly the inventory's nodes, nothing more.
    expect(await tileNames(page)).toEqual(nodes);
  });

  it('opens a node from its tile: GPU table with 8 rows, driver version, last probe latency', async () => {
    const name = nodes[1];
    await showTopology(page);
    await waitForTileHealth(page, name, 'healthy', firstProbeDeadlineMs(cadence));
    await page.locator(tileSelector(name)).click();
    const detail = page.locator(`[data-testid="node-detail"][data-node="${name}"]`);
    await detail.getByTestId('gpu-table').waitFor({ timeout: PUSH_MS });
    expect(new URL(page.url()).hash).toBe(`#/node/${name}`);

    await expect(detail.locator('[data-testid^="gpu-row-"]').count()).resolves.toBe(GPUS_PER_NODE);
    for (let i = 0; i < GPUS_PER_NODE; i++) {
      await expect(detail.getByTestId(`gpu-row-${i}`).getAttribute('data-health')).resolves.toBe('healthy');
    }
    expect(await detail.getByTestId('detail-health').getAttribute('data-health')).toBe('healthy');

    const status = serve.handle.core.monitor.status(name);
    expect(status?.driverVersion).toMatch(/^\d+\.\d+/);
    const text = await detail.innerText();
    expect(text).toMatch(new RegExp(`driver\\s+${(status?.driverVersion as string).replace(/\./g, '\\.')}`));
    expect(text).toMatch(new RegExp(`GPUs\\s+${GPUS_PER_NODE} reported / ${GPUS_PER_NODE} expected`));
    expect(text).toMatch(/last probe\s+.+ · \d+(\.\d+)? ms/);

    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached', timeout: PUSH_MS });
  });

  it('a GPU lost through the lab panel turns its node unhealthy within the fall cycles, and clearing it recovers', async () => {
    const name = nodes[0];
    await showTopology(page);
    await waitForTileHealth(page, name, 'healthy', firstProbeDeadlineMs(cadence));

    const panel = page.getByTestId('lab-panel');
    await panel.getByTestId('lab-node').selectOption(name);
    await panel.getByTestId('lab-kind').selectOption('gpu-lost');
    await panel.getByTestId('lab-gpu').fill('0');
    const injectedAt = Date.now();
    await panel.getByTestId('lab-inject').click();

    const fault = panel.getByTestId(`lab-fault-${name}-gpu-lost`);
    await fault.waitFor({ timeout: PUSH_MS });
    expect(await fault.innerText()).toContain('(GPU 0)');
    expect(serve.handle.lab?.info().faults).toEqual([{ node: name, kind: 'gpu-lost', gpuIndex: 0 }]);

    // One bad probe does not page anyone: the tile stays healthy and says a fall is under way.
    await page
      .locator(`${tileSelector(name, 'healthy')}[title*="failing: 1 of ${cadence.fall} probes say unhealthy"]`)
      .waitFor({ state: 'attached', timeout: firstProbeDeadlineMs(cadence) });
    const fallDeadline = fallDeadlineMs(cadence);
    await waitForTileHealth(page, name, 'unhealthy', fallDeadline - (Date.now() - injectedAt));
    const detectedMs = Date.now() - injectedAt;
    expect(detectedMs).toBeLessThanOrEqual(fallDeadline);
    // Only the faulty node changed.
    expect(await summaryCounts(page)).toEqual({ healthy: LAB_NODES - 1, degraded: 0, unhealthy: 1, unreachable: 0, unknown: 0 });
    // Its tile: seven GPU squares and a dashed one for the GPU that is gone, each in the tooltip.
    const tile = page.locator(tileSelector(name));
    await expect(tile.locator('.gpus').getAttribute('data-gpus')).resolves.toBe(String(GPUS_PER_NODE - 1));
    await expect(tile.locator('.gpu-missing').count()).resolves.toBe(1);
    await expect(tile.getAttribute('title')).resolves.toMatch(/\nGPU 1 · healthy · \d+°C · util \d+%/);
    // Its cluster's problem edge moves nothing: its tiles' grid is as wide as every other
    // cluster's (a wider border re-laid out every tile of the cluster on the push that drew it).
    await showAllTiles(page);
    await page.locator('.cluster.has-problems .tiles').first().waitFor({ state: 'attached', timeout: PUSH_MS });
    const widths = (await page.evaluate(`[...document.querySelectorAll('.cluster .tiles')].map((e) => e.getBoundingClientRect().width)`)) as number[];
    expect(widths.length).toBeGreaterThanOrEqual(2);
    expect(new Set(widths).size, `tile grid widths ${widths.join(', ')}`).toBe(1);

    await page.locator(tileSelector(name)).click();
    const detail = page.locator(`[data-testid="node-detail"][data-node="${name}"]`);
    await detail.locator('[data-testid="detail-health"][data-health="unhealthy"]').waitFor({ timeout: PUSH_MS });
    const reasons = await texts(page, 'reason', 'node-detail');
    expect(reasons.some((r) => /GPU \S+ is lost/.test(r)), `reasons: ${reasons.join(' | ')}`).toBe(true);
    // A lost GPU drops out of nvidia-smi's rows: the node reports one GPU fewer than expected.
    expect(await detail.innerText()).toMatch(new RegExp(`GPUs\\s+${GPUS_PER_NODE - 1} reported / ${GPUS_PER_NODE} expected`));
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached', timeout: PUSH_MS });

    await waitForEvent(page, 'lab.fault.injected', `injected gpu-lost on ${name} GPU 0`, PUSH_MS);
    const fell = await waitForEvent(page, 'node.health', `${name}: healthy → unhealthy`, PUSH_MS);
    expect(fell).toMatch(/is lost/);

    const clearedAt = Date.now();
    await panel.getByTestId('lab-clear').click();
    await fault.waitFor({ state: 'detached', timeout: PUSH_MS });
    expect(serve.handle.lab?.info().faults).toEqual([]);

    await page
      .locator(`${tileSelector(name, 'unhealthy')}[title*="recovering: 1 of ${cadence.rise} probes say healthy"]`)
      .waitFor({ state: 'attached', timeout: firstProbeDeadlineMs(cadence) });
    const riseDeadline = riseDeadlineMs(cadence);
    await waitForTileHealth(page, name, 'healthy', riseDeadline - (Date.now() - clearedAt));
    expect(Date.now() - clearedAt).toBeLessThanOrEqual(riseDeadline);
    await waitForSummaryCount(page, 'healthy', LAB_NODES, PUSH_MS);
    await waitForEvent(page, 'lab.fault.cleared', `cleared all faults on ${name}`, PUSH_MS);
    await waitForEvent(page, 'node.health', `${name}: unhealthy → healthy`, PUSH_MS);
    console.info(`[e2e] gpu-lost on ${name}: unhealthy after ${detectedMs} ms (deadline ${fallDeadline} ms)`);
  }, 60_000);
});
