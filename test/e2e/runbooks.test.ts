/**
 * Issue 4's acceptance flow, in a real browser against `fleetops serve --lab` with its real
 * HAProxy: preview drain-replica with its exact HAProxy commands, type the protected target's
 * name to unlock the run, watch the drain wait on a session the test holds open, abort, and see
 * the rollback put HAProxy's administrative state back exactly as it was. Then replace a replica
 * with the lab's spare: chosen from a list, started over SSH, swapped in.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HaproxyRuntime } from '../../electron/core/haproxy';
import { LAB_LB, LAB_SERVICE } from '../../electron/core/lab/lab-services';
import { launchChromium, openPage } from './helpers/browser';
import { showView } from './helpers/console-page';
import { adminState, holdSessionOn, labRuntime, sessionsOn, type HeldSession } from './helpers/runbooks-page';
import { startE2eServe, type E2eServe } from './helpers/serve';
import { haproxyRiseDeadlineMs, labServicesCadence, replicaProbeDeadlineMs, type ServicesCadence } from './helpers/services-cadence';
import { lbServerTestId, waitForLbServer } from './helpers/services-page';
import { Teardown } from './helpers/teardown';

const LAB_NODES = 6;
/** Pushed changes reach the page within a fraction of a second; this is only a ceiling. */
const PUSH_MS = 5_000;
/** A step of HAProxy commands (or their undo) takes milliseconds; this is only a ceiling. */
const STEP_MS = 10_000;
/** Long enough that the wait step cannot end on its own while the test looks at it. */
const DRAIN_TIMEOUT_SECONDS = '120';

describe('runbooks in the browser', () => {
  const teardown = new Teardown();
  let serve: E2eServe;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let runtime: HaproxyRuntime;
  let cadence: ServicesCadence;
  let target: string;
  let spare: string;

  const sel = (testid: string, attrs: Record<string, string> = {}) =>
    `[data-testid="${testid}"]` + Object.entries(attrs).map(([k, v]) => `[${k}="${v}"]`).join('');
  /** Waits for an element with these attributes; on timeout says what the element carries instead. */
  const waitAttrs = async (testid: string, attrs: Record<string, string>, timeoutMs: number) => {
    try {
      await page.locator(sel(testid, attrs)).waitFor({ state: 'attached', timeout: timeoutMs });
    } catch {
      const el = page.getByTestId(testid).first();
      const shown = (await el.count()) > 0 ? await el.evaluate('(e) => e.outerHTML.slice(0, 300)').catch(() => '?') : 'absent';
      throw new Error(`${testid} did not get ${JSON.stringify(attrs)} within ${timeoutMs} ms; it is ${shown}; page errors: ${errors.join(' | ')}`);
    }
  };

  beforeAll(async () => {
    serve = teardown.add('serve --lab', await startE2eServe(['--lab', '--lab-nodes', String(LAB_NODES), '--lab-spares', '1']), (s) => s.stop());
    cadence = await labServicesCadence(serve);
    runtime = await labRuntime(serve);
    const lab = serve.handle.labServices?.info().replicas ?? [];
    const replicas = lab.map((r) => r.name);
    target = replicas[0];
    // The last replica is a spare: stopped, in maintenance, until the second test swaps it in.
    spare = lab.find((r) => r.spare)!.name;
    // Whatever the test leaves behind (a failed run half-way), HAProxy goes back to all ready.
    teardown.add('haproxy state', replicas, async (names) => {
      for (const name of names) if (name !== spare) await runtime.setServerState(LAB_SERVICE, name, 'ready');
    });
    browser = teardown.add('chromium', await launchChromium(), (b) => b.close());
    ({ page, errors } = await openPage(browser, serve.url));
    // The plan's capacity checks read the console's view: every server UP and healthy there first
    // (on the Services view; the runbooks have a view of their own).
    await showView(page, 'services', 10_000);
    const deadline = Date.now() + Math.max(haproxyRiseDeadlineMs(cadence), replicaProbeDeadlineMs(cadence, 2)) + PUSH_MS;
    for (const name of replicas.filter((r) => r !== spare)) {
      await waitForLbServer(page, lbServerTestId(LAB_LB, LAB_SERVICE, name), { lbStatus: 'UP', replicaHealth: 'healthy' }, deadline - Date.now());
    }
  }, 60_000);

  afterAll(() => teardown.run());

  it('previews drain-replica, unlocks the run only with the exact name, aborts during the drain wait and rolls back', async () => {
    await showView(page, 'runbooks');
    const panel = page.getByTestId('runbooks-panel');
    await panel.getByTestId('runbook-drain-replica').click();
    const form = panel.getByTestId('runbook-form');
    await form.getByTestId('runbook-target').selectOption(target);
    await form.getByTestId('runbook-param-drainTimeoutSeconds').fill(DRAIN_TIMEOUT_SECONDS);
    await form.getByTestId('runbook-preview').click();

    // 1. The plan: the exact HAProxy commands and their undo, the target marked, protected.
    const plan = panel.getByTestId('plan-preview');
    await plan.waitFor({ state: 'attached', timeout: PUSH_MS });
    expect(await plan.getAttribute('data-target')).toBe(target);
    expect(await plan.getByTestId('plan-step-0').getAttribute('data-mutating')).toBe('false');
    expect(await plan.getByTestId('plan-step-1').getAttribute('data-mutating')).toBe('true');
    expect(await plan.getByTestId('plan-step-2').getAttribute('data-mutating')).toBe('false');
    expect(await plan.getByTestId('plan-step-3').getAttribute('data-mutating')).toBe('true');
    expect(await plan.getByTestId('plan-command-1').innerText()).toContain(`set server ${LAB_SERVICE}/${target} state drain`);
    expect(await plan.getByTestId('plan-undo-1').innerText()).toContain(`set server ${LAB_SERVICE}/${target} state ready`);
    expect(await plan.getByTestId('plan-command-2').innerText()).toContain(`${LAB_SERVICE}/${target}`);
    expect(await plan.getByTestId('plan-command-3').innerText()).toContain(`set server ${LAB_SERVICE}/${target} state maint`);
    expect(await plan.getByTestId('plan-undo-3').innerText()).toContain(`set server ${LAB_SERVICE}/${target} state drain`);
    expect(await plan.getByTestId('plan-command-1').getByTestId('plan-target').allInnerTexts()).toContain(target);
    const preconditions = plan.getByTestId('plan-precondition');
    expect(await preconditions.count()).toBeGreaterThan(0);
    expect(await plan.locator(sel('plan-precondition', { 'data-ok': 'false' })).allInnerTexts()).toEqual([]);
    expect(await plan.getByTestId('plan-blocked').count()).toBe(0);
    expect(await plan.getByTestId('plan-confirmation').getAttribute('data-required')).toBe('true');
    expect(await plan.getByTestId('plan-confirmation').innerText()).toContain(target);

    // 3 (set up before the run): a real session on the target, so the drain wait blocks.
    const before = await adminState(runtime);
    const frontendUrl = serve.handle.labServices?.info().loadBalancer.frontendUrl;
    if (!frontendUrl) throw new Error('the lab has no HAProxy frontend');
    const held: HeldSession = teardown.add('held session', await holdSessionOn(runtime, frontendUrl, target, STEP_MS), (h) => h.release());
    expect(await sessionsOn(runtime, target)).toBeGreaterThan(0);
    // Holding it drained the others for a moment; they are back exactly as before.
    expect(await adminState(runtime)).toEqual(before);

    // 2. The confirmation: disabled until the exact name is typed.
    await plan.getByTestId('plan-run').click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor({ state: 'visible', timeout: PUSH_MS });
    const runButton = dialog.getByTestId('confirm-run');
    const input = dialog.getByTestId('confirm-input');
    expect(await runButton.isDisabled()).toBe(true);
    await input.fill(`${target}x`);
    expect(await runButton.isDisabled()).toBe(true);
    await input.fill(target.toUpperCase() === target ? `${target} ` : target.toUpperCase());
    expect(await runButton.isDisabled()).toBe(true);
    await input.fill(target);
    expect(await runButton.isEnabled()).toBe(true);
    await runButton.click();
    await dialog.waitFor({ state: 'detached', timeout: PUSH_MS });

    // 3. The run: drain done, waiting on the session the test holds. It has its own link.
    const view = page.getByTestId('run-view');
    await view.waitFor({ state: 'attached', timeout: PUSH_MS });
    const runId = (await view.getAttribute('data-run-id')) as string;
    expect(runId).toBeTruthy();
    expect(new URL(page.url()).hash).toBe(`#/run/${runId}`);
    await waitAttrs('run-step-1', { 'data-status': 'succeeded' }, STEP_MS);
    await waitAttrs('run-step-2', { 'data-status': 'running' }, STEP_MS);
    await waitAttrs('run-view', { 'data-status': 'running' }, PUSH_MS);
    const during = (await runtime.showServersState(LAB_SERVICE)).find((r) => r.server === target);
    expect(during?.adminFlags, 'HAProxy has the target in drain while the wait runs').not.toEqual(before.find((r) => r.server === target)?.adminFlags);
    expect(await sessionsOn(runtime, target)).toBeGreaterThan(0);

    // 4. Abort: the drain is undone and HAProxy is exactly as before the run.
    await view.getByTestId('run-abort').click();
    await waitAttrs('run-view', { 'data-status': 'rolled-back' }, STEP_MS);
    expect(await page.getByTestId('run-status').innerText()).toBe('rolled-back');
    expect(await page.getByTestId('run-step-1').getAttribute('data-status')).toBe('undone');
    expect(await page.getByTestId('run-step-3').getAttribute('data-status'), 'maint was never sent').toMatch(/^(pending|skipped)$/);
    expect(await adminState(runtime)).toEqual(before);
    expect((await runtime.servers()).find((s) => s.server === target)?.status).toBe('UP');
    expect(await page.getByTestId('run-abort').count()).toBe(0);

    // 5. The history lists it, rolled back.
    await waitAttrs(`run-history-${runId}`, { 'data-status': 'rolled-back' }, PUSH_MS);
    expect(await page.getByTestId(`run-history-${runId}`).innerText()).toContain(`drain-replica on ${target}`);

    held.release();
    expect(errors, 'page errors').toEqual([]);
  }, 60_000);

  it('replaces a replica with the spare chosen from a list: its service started over SSH, swapped in, the old one in maintenance', async () => {
    const failed = target;
    await showView(page, 'runbooks');
    const panel = page.getByTestId('runbooks-panel');
    await panel.getByTestId('runbook-replace-replica').click();
    const form = panel.getByTestId('runbook-form');
    await form.getByTestId('runbook-target').selectOption(failed);
    const spareChoice = form.getByTestId('runbook-param-spare');
    // The target itself is not offered as its own spare.
    expect(await spareChoice.locator('option').allInnerTexts()).not.toContain(failed);
    await spareChoice.selectOption(spare);
    await form.getByTestId('runbook-preview').click();

    const plan = panel.getByTestId('plan-preview');
    await waitAttrs('plan-preview', { 'data-target': failed }, PUSH_MS);
    expect(await plan.getByTestId('plan-command-1').innerText()).toContain("systemctl start 'vllm'");
    expect(await plan.getByTestId('plan-undo-1').innerText()).toContain("systemctl stop 'vllm'");
    expect(await plan.locator(sel('plan-precondition', { 'data-ok': 'false' })).allInnerTexts()).toEqual([]);

    await plan.getByTestId('plan-run').click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor({ state: 'visible', timeout: PUSH_MS });
    await dialog.getByTestId('confirm-input').fill(failed);
    await dialog.getByTestId('confirm-run').click();
    await dialog.waitFor({ state: 'detached', timeout: PUSH_MS });

    // The spare needs its start delay, its probes and HAProxy's rise checks: well under a minute.
    await waitAttrs('run-view', { 'data-status': 'succeeded' }, 45_000);
    const servers = await runtime.servers();
    expect(servers.find((s) => s.server === spare)?.status).toBe('UP');
    expect(servers.find((s) => s.server === failed)?.status).toBe('MAINT');
    // The lab panel no longer lists the spare as stopped.
    await page.getByTestId(`lab-replica-service-${spare}`).waitFor({ state: 'attached', timeout: PUSH_MS });
    await waitAttrs(`lab-replica-service-${spare}`, { 'data-service': 'active' }, PUSH_MS);
    expect(errors, 'page errors').toEqual([]);
  }, 90_000);
});
