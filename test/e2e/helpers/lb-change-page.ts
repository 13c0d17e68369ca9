/**
 * The load balancer change dialog (the change gate's preview before a one-step change) and the
 * "Put it back" of a recorded change, read through the renderer's data-testid hooks. Every wait
 * has a deadline and says what the page showed when it runs out.
 */
import type { Locator, Page } from 'playwright-core';
import { atLeast1 } from './console-page';

/** `<lb>-<backend>-<server>`: the suffix of every per-server data-testid in the LB panel. */
export const lbKey = (lb: string, backend: string, server: string): string => `${lb}-${backend}-${server}`;

/** The open change dialog (there is at most one: it is modal). */
export const changeDialog = (page: Page): Locator => page.getByTestId('lb-change-dialog');

/** What the dialog shows, for failure messages. */
async function dialogText(page: Page): Promise<string> {
  const d = changeDialog(page);
  return (await d.count()) > 0 ? (await d.innerText().catch(() => '?')).replace(/\s+/g, ' ').slice(0, 400) : 'no dialog';
}

/** Waits until the dialog has the gate's preview (or the preview's refusals), and returns the dialog. */
export async function waitForPreview(page: Page, timeoutMs: number): Promise<Locator> {
  const dialog = changeDialog(page);
  try {
    await dialog.getByTestId('lb-change-preview').waitFor({ state: 'attached', timeout: atLeast1(timeoutMs) });
  } catch {
    throw new Error(`the change dialog showed no preview within ${timeoutMs} ms: ${await dialogText(page)}`);
  }
  return dialog;
}

/** Waits until the Apply button says why it is blocked (`''`: it is enabled). */
export async function waitForApplyBlocked(page: Page, blocked: '' | 'no-preview' | 'refused' | 'confirmation' | 'pending', timeoutMs: number): Promise<void> {
  const apply = changeDialog(page).locator(`[data-testid="lb-change-apply"][data-blocked="${blocked}"]`);
  try {
    await apply.waitFor({ state: 'attached', timeout: atLeast1(timeoutMs) });
  } catch {
    const now = await changeDialog(page).getByTestId('lb-change-apply').getAttribute('data-blocked').catch(() => '?');
    throw new Error(`Apply did not become blocked="${blocked}" within ${timeoutMs} ms (it is "${now}"): ${await dialogText(page)}`);
  }
}

/** The data-testid of the element that has the keyboard focus, or null. */
export async function focusedTestId(page: Page): Promise<string | null> {
  // A string, not a function: this file is compiled without DOM types.
  return (await page.evaluate("document.activeElement ? document.activeElement.getAttribute('data-testid') : null")) as string | null;
}

/** The `lb.change` event rows of `scope` (the events panel, a drawer), newest first. */
export const changeEvents = (scope: Locator): Locator => scope.locator('[data-testid="event"][data-kind="lb.change"]');

/** Waits for the `lb.change` event in `scope` whose message contains `text`; returns the row and the change id it carries. */
export async function waitForChangeEvent(scope: Locator, text: string, timeoutMs: number): Promise<{ row: Locator; changeId: string }> {
  const row = changeEvents(scope).filter({ hasText: text }).first();
  try {
    await row.waitFor({ state: 'attached', timeout: atLeast1(timeoutMs) });
  } catch {
    const shown = await scope.locator('[data-testid="event"]').allInnerTexts().catch(() => []);
    throw new Error(`no lb.change event containing "${text}" within ${timeoutMs} ms; events shown:\n${shown.slice(0, 12).join('\n')}`);
  }
  const changeId = await row.getAttribute('data-change-id');
  if (!changeId) throw new Error(`the lb.change event "${await row.innerText()}" carries no change record the page could parse`);
  return { row, changeId };
}
