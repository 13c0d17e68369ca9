/**
 * A broken edit of the watched inventory, seen in the browser: the console names the file, line
 * and column of each problem, keeps watching the last good nodes meanwhile, and drops the error
 * as soon as the file is fixed.
 */
import { writeFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openPage } from './helpers/browser';
import { firstProbeDeadlineMs, type ProbeCadence } from './helpers/cadence';
import { showAllTiles, summaryCounts, texts, tileNames, waitForEvent, waitForSummaryCount } from './helpers/console-page';
import { copyLabInventory, startOwnLab } from './helpers/lab';
import { startE2eServe, watchedCadence, watchedNodeNames, type E2eServe } from './helpers/serve';
import { Teardown } from './helpers/teardown';

const LAB_NODES = 3;
/** The watcher debounces 150 ms after the last write; the rest is fs events and the push. */
const RELOAD_MS = 10_000;

/** 1-based line and column of the first occurrence of `needle` in `text`. */
function positionOf(text: string, needle: string): { line: number; column: number } {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`"${needle}" is not in the inventory`);
  const before = text.slice(0, at).split('\n');
  return { line: before.length, column: (before.at(-1) as string).length + 1 };
}

describe('inventory errors in the browser', () => {
  const teardown = new Teardown();
  let serve: E2eServe;
  let browser: Browser;
  let cadence: ProbeCadence;
  let page: Page;
  let inventoryPath: string;
  let goodText: string;
  let nodes: string[];

  beforeAll(async () => {
    const own = teardown.add('lab', await startOwnLab(LAB_NODES), (l) => l.stop());
    ({ path: inventoryPath, text: goodText } = await copyLabInventory(own.lab, own.workDir));
    serve = teardown.add('serve --inventory', await startE2eServe(['--inventory', inventoryPath]), (s) => s.stop());
    cadence = watchedCadence(serve);
    browser = teardown.add('chromium', await launchChromium(), (b) => b.close());
    page = (await openPage(browser, serve.url)).page;
    nodes = watchedNodeNames(serve);
  });

  afterAll(() => teardown.run());

  it('names file:line:column of a bad edit, keeps the last good nodes, and clears when fixed', async () => {
    expect(nodes).toHaveLength(LAB_NODES);
    await waitForSummaryCount(page, 'healthy', LAB_NODES, firstProbeDeadlineMs(cadence));
    await expect(page.getByTestId('inventory-error').count()).resolves.toBe(0);

    // 1. A schema error: a port that is not a number, on the second node.
    const port = String(serve.handle.core.monitor.node(nodes[1])?.port);
    const portLine = `port: ${port}`;
    const valueAt = positionOf(goodText, portLine);
    await writeFile(inventoryPath, goodText.replace(portLine, 'port: "abc"'));

    const banner = page.getByTestId('inventory-error');
    await banner.waitFor({ timeout: RELOAD_MS });
    expect(await banner.innerText()).toContain('INVENTORY_INVALID');
    const entries = await texts(page, 'inventory-error-entry', 'inventory-error');
    const portEntry = entries.find((e) => e.includes('.port'));
    // The column points at the value, after "port: ".
    expect(portEntry, `entries: ${entries.join(' | ')}`).toMatch(
      new RegExp(`^fleet\\.yaml:${valueAt.line}:${valueAt.column + 'port: '.length}: regions\\[\\d\\]\\.clusters\\[0\\]\\.nodes\\[0\\]\\.port: `),
    );
    expect(await banner.innerText()).toContain(`The last good inventory (${inventoryPath}) is still in use`);
    await waitForEvent(page, 'inventory.invalid', 'still using the last good inventory', RELOAD_MS);

    // The last good nodes are still shown, and still watched: nothing went unknown.
    await showAllTiles(page);
    expect(await tileNames(page)).toEqual(nodes);
    expect(await summaryCounts(page)).toEqual({ healthy: LAB_NODES, degraded: 0, unhealthy: 0, unreachable: 0, unknown: 0 });

    // 2. A YAML syntax error replaces the first: the banner follows the file's current state.
    await writeFile(inventoryPath, goodText.replace('role: inference', 'role: [inference'));
    await page.getByTestId('inventory-error-entry').filter({ hasText: 'flow sequence' }).waitFor({ timeout: RELOAD_MS });
    const syntax = await texts(page, 'inventory-error-entry', 'inventory-error');
    // The port error is gone (that line is good again); every syntax problem names its spot.
    expect(syntax.some((e) => e.includes('.port'))).toBe(false);
    for (const entry of syntax) expect(entry).toMatch(/^fleet\.yaml:\d+:\d+: /);
    await expect(page.locator('[data-testid^="node-tile-"]').count()).resolves.toBe(LAB_NODES);

    // 3. Fixed: the banner goes away and the inventory is reloaded.
    await writeFile(inventoryPath, goodText);
    await banner.waitFor({ state: 'detached', timeout: RELOAD_MS });
    await waitForEvent(page, 'inventory.loaded', `reloaded ${inventoryPath}: ${LAB_NODES} nodes`, RELOAD_MS);
    expect(await summaryCounts(page)).toEqual({ healthy: LAB_NODES, degraded: 0, unhealthy: 0, unreachable: 0, unknown: 0 });
  }, 45_000);
});
