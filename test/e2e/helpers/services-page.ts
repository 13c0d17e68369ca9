/**
 * Reading the inference side of the console (load balancers, replicas, services, the lab's
 * replica panel) through the renderer's data-testid hooks. Like console-page.ts, every wait has
 * a deadline and says what the page showed when it runs out.
 */
import type { Page } from 'playwright-core';
import type { LabReplicaFaultKind, ReplicaHealth } from '../../../shared/services';
import { atLeast1 } from './console-page';

export const lbServerTestId = (lb: string, backend: string, replica: string): string => `lb-server-${lb}-${backend}-${replica}`;

export interface LbServerExpectation {
  /** HAProxy's word, exactly as the row carries it ("UP", "DOWN", "DOWN 1/2"…). */
  lbStatus?: string;
  replicaHealth?: ReplicaHealth;
}

/** The row's two views and its text, or null if the row is absent. */
export async function lbServerState(page: Page, testid: string): Promise<{ lbStatus: string | null; replicaHealth: string | null; text: string } | null> {
  const row = page.getByTestId(testid);
  if ((await row.count()) === 0) return null;
  return { lbStatus: await row.getAttribute('data-lb-status'), replicaHealth: await row.getAttribute('data-replica-health'), text: await row.innerText() };
}

/** Waits until the LB server row shows both expected views at once; returns how long that took. */
export async function waitForLbServer(page: Page, testid: string, want: LbServerExpectation, timeoutMs: number): Promise<number> {
  const started = Date.now();
  const selector =
    `[data-testid="${testid}"]` +
    (want.lbStatus !== undefined ? `[data-lb-status="${want.lbStatus}"]` : '') +
    (want.replicaHealth !== undefined ? `[data-replica-health="${want.replicaHealth}"]` : '');
  try {
    await page.locator(selector).waitFor({ state: 'attached', timeout: atLeast1(timeoutMs) });
  } catch {
    const now = await lbServerState(page, testid).catch(() => null);
    throw new Error(`${testid} did not show ${JSON.stringify(want)} within ${timeoutMs} ms; it shows ${JSON.stringify(now)}`);
  }
  return Date.now() - started;
}

/**
 * Waits until the LB server row flags no disagreement. The flag is computed at each LB poll from
 * the replica status of that moment, so when HAProxy and the probes change a few seconds apart
 * it may stand until the next poll.
 */
export async function waitForNoDisagreement(page: Page, testid: string, timeoutMs: number): Promise<void> {
  const flag = page.getByTestId(testid).getByTestId('lb-disagreement');
  try {
    await flag.waitFor({ state: 'detached', timeout: atLeast1(timeoutMs) });
  } catch {
    throw new Error(`${testid} still flags a disagreement after ${timeoutMs} ms: ${await flag.innerText().catch(() => '?')}`);
  }
}

/** The replica row's health and every cell's text, or null if absent. */
export async function replicaRowState(page: Page, name: string): Promise<{ health: string | null; text: string } | null> {
  const row = page.getByTestId(`replica-${name}`);
  if ((await row.count()) === 0) return null;
  return { health: await row.getAttribute('data-health'), text: await row.innerText() };
}

/** Waits until the replica's row in the replicas list shows `health`; returns how long that took. */
export async function waitForReplicaHealth(page: Page, name: string, health: ReplicaHealth, timeoutMs: number): Promise<number> {
  const started = Date.now();
  try {
    await page.locator(`[data-testid="replica-${name}"][data-health="${health}"]`).waitFor({ state: 'attached', timeout: atLeast1(timeoutMs) });
  } catch {
    const now = await replicaRowState(page, name).catch(() => null);
    throw new Error(`replica ${name} did not become ${health} within ${timeoutMs} ms; its row shows ${JSON.stringify(now)}`);
  }
  return Date.now() - started;
}

/**
 * Injects a replica fault through the lab's replica panel, as an operator does, and waits for
 * the panel to list it. `retryAfterSeconds` goes into the field that only the rate-limit kind shows.
 */
export async function injectReplicaFault(page: Page, replica: string, kind: LabReplicaFaultKind, opts: { retryAfterSeconds?: number } = {}): Promise<void> {
  const panel = page.getByTestId('lab-replica-panel');
  await panel.getByTestId('lab-replica').selectOption(replica);
  await panel.getByTestId('lab-replica-kind').selectOption(kind);
  if (opts.retryAfterSeconds !== undefined) await panel.getByTestId('lab-replica-retry-after').fill(String(opts.retryAfterSeconds));
  await panel.getByTestId('lab-replica-inject').click();
  await panel.locator(`[data-testid="lab-replica-fault-${replica}"][data-kind="${kind}"]`).waitFor({ state: 'attached', timeout: 5_000 });
}

/** Clears the replica's fault with the panel's Clear button and waits until the panel no longer lists it. */
export async function clearReplicaFault(page: Page, replica: string): Promise<void> {
  const panel = page.getByTestId('lab-replica-panel');
  await panel.getByTestId('lab-replica').selectOption(replica);
  await panel.getByTestId('lab-replica-clear').click();
  await panel.getByTestId(`lab-replica-fault-${replica}`).waitFor({ state: 'detached', timeout: 5_000 });
}

/**
 * Polls `read` until `done` holds or the deadline passes (for values that exist only in the
 * server process, such as the lab replicas' request logs, which the page cannot wait on).
 * Returns the last value read.
 */
export async function pollUntil<T>(read: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs: number, what: string, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() >= deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms; last value ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The number in a service ratio cell's "N requests · M failed" line. */
export async function serviceRequests(page: Page, service: string, window: '1h' | '24h' | '30d'): Promise<number> {
  const text = await page.getByTestId(`service-${service}`).getByTestId(`service-ratio-${window}`).innerText();
  const m = /(\d+) requests/.exec(text);
  if (!m) throw new Error(`service ${service} ${window} cell has no request count: ${JSON.stringify(text)}`);
  return Number(m[1]);
}
