/**
 * Reading the console the way an operator sees it, through the renderer's stable data-testid
 * hooks. Every wait has an explicit deadline and, when it runs out, says what the page showed
 * instead, so a failure on a loaded machine can be told apart from a real regression.
 */
import type { Page } from 'playwright-core';
import { Health } from '../../../shared/health';

/**
 * Playwright reads a timeout of 0 as "no timeout": a deadline already spent must still fail,
 * so every wait here takes at least 1 ms.
 */
export const atLeast1 = (ms: number): number => Math.max(1, Math.floor(ms));

export const tileSelector = (node: string, health?: Health): string =>
  `[data-testid="node-tile-${node}"]${health ? `[data-health="${health}"]` : ''}`;

/** The console's sidebar views (renderer/src/views/index.ts). */
export type ViewId = 'overview' | 'topology' | 'services' | 'capacity' | 'training' | 'runbooks' | 'drills' | 'incidents' | 'timeline';

/**
 * Opens a view by its URL (`#/<view>`), which also closes a drawer, and waits until it shows.
 * (navigation.test.ts drives the sidebar and the palette themselves.)
 */
export async function showView(page: Page, view: ViewId, timeoutMs = 5_000): Promise<void> {
  // A string, not a function: this file is compiled without DOM types.
  await page.evaluate(`window.location.hash = '#/${view}'`);
  await page.getByTestId(`view-${view}`).waitFor({ state: 'attached', timeout: atLeast1(timeoutMs) });
}

/**
 * Keeps the node's tile on the page whatever its health does: on the Topology a healthy cluster
 * shows no tiles (and one with problems only those), so a tile shown now may go when its node
 * recovers. The topology's filter is set to the node's name instead (a filter shows every match,
 * whatever its health), and stays set: later reads of this node see its tile.
 */
export async function revealTile(page: Page, node: string, timeoutMs = 5_000): Promise<void> {
  if ((await page.getByTestId('view-topology').count()) === 0) await showView(page, 'topology', timeoutMs);
  const filter = page.getByTestId('node-filter');
  if ((await filter.inputValue({ timeout: atLeast1(timeoutMs) })) !== node) await filter.fill(node, { timeout: atLeast1(timeoutMs) });
  await page.locator(`[data-testid="topology"][data-filter="${node}"]`).waitFor({ state: 'attached', timeout: atLeast1(timeoutMs) });
  await page.locator(tileSelector(node)).waitFor({ state: 'attached', timeout: atLeast1(timeoutMs) });
}

/**
 * Every cluster expanded and no filter: the Topology shows every tile (the filter's text is
 * applied at low priority, so this waits until the topology says it runs unfiltered).
 */
export async function showAllTiles(page: Page, timeoutMs = 5_000): Promise<void> {
  await showView(page, 'topology', timeoutMs);
  await page.getByTestId('node-filter').fill('');
  await page.getByTestId('problems-only').setChecked(false);
  await page.getByTestId('topology-expand-all').click();
  await page.locator('[data-testid="topology"][data-filter=""][data-problems-only="false"]').waitFor({ state: 'attached', timeout: atLeast1(timeoutMs) });
  await page.locator('[data-testid^="cluster-"][data-expanded="false"]').first().waitFor({ state: 'detached', timeout: atLeast1(timeoutMs) });
}

/** The tile's current health and tooltip (name, health and every reason), or null if absent (revealed first, see revealTile). */
export async function tileState(page: Page, node: string): Promise<{ health: string | null; title: string | null } | null> {
  await revealTile(page, node).catch(() => undefined);
  const tile = page.locator(tileSelector(node));
  if ((await tile.count()) === 0) return null;
  return { health: await tile.getAttribute('data-health'), title: await tile.getAttribute('title') };
}

/** Waits until the node's tile shows `health` (revealed first, see revealTile); returns how long that took. */
export async function waitForTileHealth(page: Page, node: string, health: Health, timeoutMs: number): Promise<number> {
  const started = Date.now();
  try {
    await revealTile(page, node, timeoutMs);
    await page.locator(tileSelector(node, health)).waitFor({ state: 'attached', timeout: atLeast1(timeoutMs - (Date.now() - started)) });
  } catch {
    const now = await tileState(page, node).catch(() => null);
    throw new Error(`tile ${node} did not become ${health} within ${timeoutMs} ms; it shows ${JSON.stringify(now)}`);
  }
  return Date.now() - started;
}

/** The summary bar's count for each health. */
export async function summaryCounts(page: Page): Promise<Record<Health, number>> {
  const out = {} as Record<Health, number>;
  for (const health of Health.options) out[health] = Number(await page.getByTestId(`count-${health}`).getAttribute('data-count'));
  return out;
}

/** Names of the node tiles on the page, sorted. */
export async function tileNames(page: Page): Promise<string[]> {
  const tiles = await page.locator('[data-testid^="node-tile-"]').all();
  const names = await Promise.all(tiles.map(async (t) => ((await t.getAttribute('data-testid')) as string).slice('node-tile-'.length)));
  return names.sort();
}

/** Waits until the summary counts `count` nodes as `health`. */
export async function waitForSummaryCount(page: Page, health: Health, count: number, timeoutMs: number): Promise<void> {
  try {
    await page.locator(`[data-testid="count-${health}"][data-count="${count}"]`).waitFor({ state: 'attached', timeout: atLeast1(timeoutMs) });
  } catch {
    const now = await summaryCounts(page).catch(() => null);
    throw new Error(`summary did not count ${count} ${health} within ${timeoutMs} ms; it shows ${JSON.stringify(now)}`);
  }
}

/** Texts of the rows with `testid` inside `scope` (a data-testid), in page order. */
export async function texts(page: Page, testid: string, scope?: string): Promise<string[]> {
  const base = scope ? page.getByTestId(scope).getByTestId(testid) : page.getByTestId(testid);
  return base.allInnerTexts();
}

/** Waits until some `event` row of the fleet-wide events panel has `kind` and contains `text`; returns its text. */
export async function waitForEvent(page: Page, kind: string, text: string, timeoutMs: number): Promise<string> {
  const row = page.getByTestId('events-panel').locator(`[data-testid="event"][data-kind="${kind}"]`, { hasText: text }).first();
  try {
    await row.waitFor({ state: 'attached', timeout: atLeast1(timeoutMs) });
  } catch {
    const shown = await texts(page, 'event', 'events-panel').catch(() => []);
    throw new Error(`no ${kind} event containing "${text}" within ${timeoutMs} ms; events shown:\n${shown.slice(0, 15).join('\n')}`);
  }
  return row.innerText();
}

/** The Topology with no drawer open (a drawer covers most of the page). */
export async function showTopology(page: Page): Promise<void> {
  await showView(page, 'topology');
  await page.getByTestId('node-detail').waitFor({ state: 'detached', timeout: 5_000 });
  await page.getByTestId('replica-detail').waitFor({ state: 'detached', timeout: 5_000 });
}
