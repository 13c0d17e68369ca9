/**
 * Issue "One gate for every change", in a real browser against `fleetops serve --lab` and its
 * real HAProxy: a load balancer button opens the change gate's preview (the exact HAProxy
 * command, the setting before → after); the lab's inference clusters are protected, so Apply
 * waits for the server's name typed exactly; the change lands in HAProxy and is recorded as an
 * `lb.change` event whose "Put it back" makes the inverse change through the same dialog.
 * With read-only on, the preview shows the refusal, Apply stays disabled and HAProxy is untouched.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HaproxyRuntime } from '../../electron/core/haproxy';
import { LAB_LB, LAB_SERVICE } from '../../electron/core/lab/lab-services';
import { launchChromium, openPage } from './helpers/browser';
import { showView } from './helpers/console-page';
import { changeDialog, changeEvents, focusedTestId, lbKey, waitForApplyBlocked, waitForChangeEvent, waitForPreview } from './helpers/lb-change-page';
import { adminState, labRuntime } from './helpers/runbooks-page';
import { startE2eServe, type E2eServe } from './helpers/serve';
import { haproxyRiseDeadlineMs, labServicesCadence, type ServicesCadence } from './helpers/services-cadence';
import { lbServerTestId, pollUntil, waitForLbServer } from './helpers/services-page';
import { Teardown } from './helpers/teardown';

const LAB_NODES = 6;
/** Pushed changes and call replies reach the page within a fraction of a second; this is only a ceiling. */
const PUSH_MS = 5_000;

type AdminRow = Awaited<ReturnType<typeof adminState>>[number];

describe('load balancer changes through the change gate, in the browser', () => {
  const teardown = new Teardown();
  let serve: E2eServe;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let runtime: HaproxyRuntime;
  let cadence: ServicesCadence;
  let replicas: string[];
  /** HAProxy's administrative state and weights before any test: what every test must leave behind. */
  let initial: AdminRow[];

  const rowOf = (server: string) => lbServerTestId(LAB_LB, LAB_SERVICE, server);
  const adminOf = async (server: string): Promise<AdminRow> => {
    const row = (await adminState(runtime)).find((r) => r.server === server);
    if (!row) throw new Error(`HAProxy's backend ${LAB_SERVICE} has no server ${server}`);
    return row;
  };
  const eventsPanel = () => page.getByTestId('events-panel');

  beforeAll(async () => {
    serve = teardown.add('serve --lab', await startE2eServe(['--lab', '--lab-nodes', String(LAB_NODES)]), (s) => s.stop());
    cadence = await labServicesCadence(serve);
    runtime = await labRuntime(serve);
    replicas = (serve.handle.labServices?.info().replicas ?? []).map((r) => r.name);
    if (replicas.length < 2) throw new Error(`the lab runs ${replicas.length} replicas; this test needs 2`);
    initial = await adminState(runtime);
    // Whatever a failed test leaves behind, HAProxy goes back to how the lab started it.
    teardown.add('haproxy state', initial, async (rows) => {
      for (const r of rows) {
        const flags = r.adminFlags as string[];
        await runtime.setServerState(LAB_SERVICE, r.server, flags.includes('forced-maint') ? 'maint' : flags.includes('forced-drain') ? 'drain' : 'ready');
        await runtime.setWeight(LAB_SERVICE, r.server, r.userWeight as number);
      }
    });
    browser = teardown.add('chromium', await launchChromium(), (b) => b.close());
    ({ page, errors } = await openPage(browser, serve.url));
    // The load balancers are on the Services view; the events beside every view.
    await showView(page, 'services', 10_000);
    const deadline = Date.now() + haproxyRiseDeadlineMs(cadence) + PUSH_MS;
    for (const name of replicas) await waitForLbServer(page, rowOf(name), { lbStatus: 'UP' }, deadline - Date.now());
  }, 60_000);

  afterAll(() => teardown.run());

  it('drain: the preview shows the exact command and asks for the name; applied, HAProxy says DRAIN; "Put it back" makes it ready again', async () => {
    const target = replicas[0];
    const key = lbKey(LAB_LB, LAB_SERVICE, target);
    const before = await adminOf(target);
    expect(before.adminFlags).toEqual([]);

    // Escape (and Cancel) send nothing.
    await page.getByTestId(`lb-maint-${key}`).click();
    await waitForPreview(page, PUSH_MS);
    await page.keyboard.press('Escape');
    await changeDialog(page).waitFor({ state: 'detached', timeout: PUSH_MS });
    expect(await focusedTestId(page), 'focus goes back to the button that opened the dialog').toBe(`lb-maint-${key}`);
    await page.getByTestId(`lb-ready-${key}`).click();
    await waitForPreview(page, PUSH_MS);
    await changeDialog(page).getByTestId('lb-change-cancel').click();
    await changeDialog(page).waitFor({ state: 'detached', timeout: PUSH_MS });
    expect(await adminOf(target)).toEqual(before);
    expect(await changeEvents(eventsPanel()).count(), 'no change was recorded').toBe(0);

    // 1. The preview: exact command, ready → drain, a protected cluster asking for the name.
    await page.getByTestId(`lb-drain-${key}`).click();
    const dialog = await waitForPreview(page, PUSH_MS);
    expect(await dialog.getAttribute('role')).toBe('dialog');
    expect(await dialog.getAttribute('aria-modal')).toBe('true');
    expect(await dialog.getByRole('heading').innerText()).toContain(`${LAB_LB}/${LAB_SERVICE}/${target}`);
    expect(await dialog.getByTestId('lb-change-command').innerText()).toBe(`set server ${LAB_SERVICE}/${target} state drain`);
    const setting = dialog.getByTestId('lb-change-setting');
    expect([await setting.getAttribute('data-before'), await setting.getAttribute('data-after')]).toEqual(['ready', 'drain']);
    expect(await dialog.getByTestId('lb-change-refusal').count()).toBe(0);
    const input = dialog.getByTestId('lb-change-input');
    await input.waitFor({ state: 'visible', timeout: PUSH_MS });
    expect(await dialog.locator('label.confirm-label').innerText()).toContain(`Type ${target} to apply`);
    expect(await focusedTestId(page), 'the name field has the focus').toBe('lb-change-input');

    // 2. Apply is disabled until the exact name is typed.
    const apply = dialog.getByTestId('lb-change-apply');
    await waitForApplyBlocked(page, 'confirmation', PUSH_MS);
    for (const wrong of [`${target}x`, target.toUpperCase(), ` ${target}`]) {
      await input.fill(wrong);
      expect(await apply.isDisabled(), JSON.stringify(wrong)).toBe(true);
    }
    // Enter with a wrong name sends nothing either.
    await input.press('Enter');
    expect(await changeDialog(page).count()).toBe(1);
    expect(await adminOf(target)).toEqual(before);
    await input.fill(target);
    await waitForApplyBlocked(page, '', PUSH_MS);

    // 3. Applied (with the keyboard): HAProxy drains the server, on the page and in HAProxy itself.
    await input.press('Enter');
    await changeDialog(page).waitFor({ state: 'detached', timeout: PUSH_MS });
    await waitForLbServer(page, rowOf(target), { lbStatus: 'DRAIN' }, PUSH_MS);
    expect((await adminOf(target)).adminFlags).toEqual(['forced-drain']);
    expect((await runtime.servers()).find((s) => s.server === target)?.status).toBe('DRAIN');
    expect(await page.getByTestId(`lb-drain-${key}`).getAttribute('aria-pressed')).toBe('true');

    // 4. The change is on the record, with "Put it back"; its subject links to the replica's drawer.
    const { row, changeId } = await waitForChangeEvent(eventsPanel(), `set server ${LAB_SERVICE}/${target} state drain`, PUSH_MS);
    expect(await row.innerText()).toContain('(was ready)');
    expect(await row.locator('a.event-subject').getAttribute('href')).toBe(`#/replica/${target}`);
    const putBack = row.getByTestId('event-put-back');
    expect(await putBack.isEnabled()).toBe(true);

    // 5. Put it back: the inverse change through the same dialog, the name typed again.
    await putBack.click();
    const back = await waitForPreview(page, PUSH_MS);
    expect(await back.getByRole('heading').innerText()).toMatch(/^Put back /);
    expect(await back.getByTestId('lb-change-command').innerText()).toBe(`set server ${LAB_SERVICE}/${target} state ready`);
    expect(await back.getByTestId('lb-change-revert-of').innerText()).toContain(changeId);
    const backSetting = back.getByTestId('lb-change-setting');
    expect([await backSetting.getAttribute('data-before'), await backSetting.getAttribute('data-after')]).toEqual(['drain', 'ready']);
    await waitForApplyBlocked(page, 'confirmation', PUSH_MS);
    await back.getByTestId('lb-change-input').fill(target);
    await waitForApplyBlocked(page, '', PUSH_MS);
    await back.getByTestId('lb-change-apply').click();
    await changeDialog(page).waitFor({ state: 'detached', timeout: PUSH_MS });

    // 6. HAProxy is back exactly as before, and the record says which change was put back.
    await waitForLbServer(page, rowOf(target), { lbStatus: 'UP' }, PUSH_MS);
    expect(await adminOf(target)).toEqual(before);
    expect((await runtime.servers()).find((s) => s.server === target)?.status).toBe('UP');
    const revert = await waitForChangeEvent(eventsPanel(), `putting back change ${changeId}`, PUSH_MS);
    expect(await revert.row.innerText()).toContain(`set server ${LAB_SERVICE}/${target} state ready (was drain)`);
    await row.getByTestId('event-put-back-done').waitFor({ state: 'attached', timeout: PUSH_MS });
    expect(await row.getByTestId('event-put-back').count(), 'a change put back offers no second "Put it back"').toBe(0);
    expect(errors, 'page errors').toEqual([]);
  }, 60_000);

  it('set weight, then put it back from the replica’s own drawer (Escape closes the dialog, not the drawer)', async () => {
    const target = replicas[1];
    const key = lbKey(LAB_LB, LAB_SERVICE, target);
    const before = await adminOf(target);
    const weight = before.userWeight === 7 ? 8 : 7;

    await page.getByTestId(`lb-weight-${key}`).fill(String(weight));
    await page.getByTestId(`lb-weight-set-${key}`).click();
    const dialog = await waitForPreview(page, PUSH_MS);
    expect(await dialog.getByTestId('lb-change-command').innerText()).toBe(`set weight ${LAB_SERVICE}/${target} ${weight}`);
    const setting = dialog.getByTestId('lb-change-setting');
    expect([await setting.getAttribute('data-before'), await setting.getAttribute('data-after')]).toEqual([String(before.userWeight), String(weight)]);
    await dialog.getByTestId('lb-change-input').fill(target);
    await waitForApplyBlocked(page, '', PUSH_MS);
    await dialog.getByTestId('lb-change-apply').click();
    await changeDialog(page).waitFor({ state: 'detached', timeout: PUSH_MS });
    await pollUntil(() => adminOf(target), (r) => r.userWeight === weight, PUSH_MS, `HAProxy weight of ${target} = ${weight}`);
    expect((await adminOf(target)).adminFlags).toEqual(before.adminFlags);
    expect(await page.getByTestId(`lb-weight-${key}`).inputValue(), 'the weight field is cleared once applied').toBe('');

    // The event's subject is the replica: its link opens the replica's drawer, whose events offer "Put it back" too.
    const { row, changeId } = await waitForChangeEvent(eventsPanel(), `set weight ${LAB_SERVICE}/${target} ${weight}`, PUSH_MS);
    await row.locator('a.event-subject').click();
    const drawer = page.getByTestId('replica-detail');
    await drawer.waitFor({ state: 'visible', timeout: PUSH_MS });
    expect(await drawer.getAttribute('data-replica')).toBe(target);
    const inDrawer = drawer.locator(`[data-testid="event"][data-change-id="${changeId}"]`);
    await inDrawer.waitFor({ state: 'attached', timeout: PUSH_MS });

    await inDrawer.getByTestId('event-put-back').click();
    const back = await waitForPreview(page, PUSH_MS);
    expect(await back.getByTestId('lb-change-command').innerText()).toBe(`set weight ${LAB_SERVICE}/${target} ${before.userWeight}`);
    await page.keyboard.press('Escape');
    await changeDialog(page).waitFor({ state: 'detached', timeout: PUSH_MS });
    expect(await drawer.isVisible(), 'Escape in the dialog leaves the drawer open').toBe(true);
    expect((await adminOf(target)).userWeight, 'Escape sent nothing').toBe(weight);

    await inDrawer.getByTestId('event-put-back').click();
    const again = await waitForPreview(page, PUSH_MS);
    await again.getByTestId('lb-change-input').fill(target);
    await waitForApplyBlocked(page, '', PUSH_MS);
    await again.getByTestId('lb-change-input').press('Enter');
    await changeDialog(page).waitFor({ state: 'detached', timeout: PUSH_MS });
    await pollUntil(() => adminOf(target), (r) => r.userWeight === before.userWeight, PUSH_MS, `HAProxy weight of ${target} back to ${before.userWeight}`);
    expect(await adminOf(target)).toEqual(before);
    await waitForChangeEvent(drawer, `putting back change ${changeId}`, PUSH_MS);

    // Closing the drawer goes back to the view it was opened over.
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached', timeout: PUSH_MS });
    expect(new URL(page.url()).hash).toBe('#/services');
    expect(errors, 'page errors').toEqual([]);
  }, 60_000);

  it('read-only on: the preview shows the READ_ONLY refusal, Apply stays disabled, and HAProxy is untouched', async () => {
    const target = replicas[0];
    const key = lbKey(LAB_LB, LAB_SERVICE, target);
    const before = await adminState(runtime);
    const changesBefore = await changeEvents(eventsPanel()).count();

    // The switch shows the engine's setting: it turns once the engine has answered (so click, not check()).
    const toggle = page.getByTestId('read-only-toggle');
    await toggle.click();
    await page.locator('[data-testid="read-only-banner"][data-global="true"]').waitFor({ state: 'attached', timeout: PUSH_MS });
    expect(await toggle.isChecked()).toBe(true);
    teardown.add('read-only switch', serve, (s) => s.handle.core.gate.readOnly.set({ global: false, clusters: [] }));

    await page.getByTestId(`lb-maint-${key}`).click();
    const dialog = await waitForPreview(page, PUSH_MS);
    expect(await dialog.getByTestId('lb-change-command').innerText()).toBe(`set server ${LAB_SERVICE}/${target} state maint`);
    await dialog.locator('[data-testid="lb-change-refusal"][data-code="READ_ONLY"]').waitFor({ state: 'attached', timeout: PUSH_MS });
    expect(await dialog.getByTestId('lb-change-refusal').first().innerText()).toContain('READ_ONLY');
    await waitForApplyBlocked(page, 'refused', PUSH_MS);
    // Even the right name does not unlock it, by click or by Enter.
    await dialog.getByTestId('lb-change-input').fill(target);
    expect(await dialog.getByTestId('lb-change-apply').isDisabled()).toBe(true);
    await dialog.getByTestId('lb-change-input').press('Enter');
    await waitForApplyBlocked(page, 'refused', PUSH_MS);
    await dialog.getByTestId('lb-change-cancel').click();
    await changeDialog(page).waitFor({ state: 'detached', timeout: PUSH_MS });

    expect(await adminState(runtime)).toEqual(before);
    expect((await runtime.servers()).find((s) => s.server === target)?.status).toBe('UP');
    expect(await changeEvents(eventsPanel()).count(), 'no change was recorded').toBe(changesBefore);

    await toggle.click();
    await page.getByTestId('read-only-banner').waitFor({ state: 'detached', timeout: PUSH_MS });
    expect(errors, 'page errors').toEqual([]);
  }, 30_000);
});
