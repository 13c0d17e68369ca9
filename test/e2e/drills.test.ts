/**
 * Issue 10's drills in a real browser against `fleetops serve --lab` with its real HAProxy and
 * the real drill runner: a scheduled drill with its next five times in its zone and here, paused
 * and resumed; the built-in maint drill planned, confirmed with its typed word, watched live
 * (phases, milestones, the plot), its HAProxy state as before at the end; its report exported as
 * HTML and Markdown (the downloaded files read back, the HTML opened with nothing fetched); a
 * game day that waits for the operator's runbook and records the response time; axe over it all.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HaproxyRuntime } from '../../electron/core/haproxy';
import { LAB_LB, LAB_SERVICE } from '../../electron/core/lab/lab-services';
import { axeViolations, formatViolations, isSerious } from './helpers/axe';
import { launchChromium, openPage } from './helpers/browser';
import { atLeast1, showView } from './helpers/console-page';
import { adminState, labRuntime } from './helpers/runbooks-page';
import { startE2eServe, type E2eServe } from './helpers/serve';
import { haproxyRiseDeadlineMs, labServicesCadence, replicaProbeDeadlineMs } from './helpers/services-cadence';
import { lbServerTestId, pollUntil, waitForLbServer } from './helpers/services-page';
import { Teardown } from './helpers/teardown';

const LAB_NODES = 6;
/** Pushed changes reach the page within a fraction of a second; this is only a ceiling. */
const PUSH_MS = 5_000;
/**
 * A maint drill observes for its hypothesis's window (30 s), then restores and waits for the
 * baseline: well under this ceiling.
 */
const DRILL_MS = 120_000;
const FINAL = ['passed', 'failed', 'aborted', 'skipped', 'restore-failed'];

/** A drill of the lab with a schedule: 02:30 New York time every day (it does not fire while the test runs unless the clock is there). */
const SCHEDULED = `name: e2e-nightly-maint
description: The maint drill, every night at 02:30 New York time.
targets:
  replicasOf: llama
  count: 1
  maxTargets: 1
  allowProtected: true
fault:
  kind: lb-maint
hypothesis:
  minSuccessPct: 99
  maxP95LatencyMs: 1000
  window: 30s
  probeRatePerSecond: 5
  grace: 30s
response: none
expectations:
  restoredWithin: 1m
schedule:
  cron: "30 2 * * *"
  timeZone: America/New_York
`;

describe('drills in the browser', () => {
  const teardown = new Teardown();
  let serve: E2eServe;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let runtime: HaproxyRuntime;
  let replicas: string[];

  const sel = (testid: string, attrs: Record<string, string> = {}) => `[data-testid="${testid}"]` + Object.entries(attrs).map(([k, v]) => `[${k}="${v}"]`).join('');
  /** Waits for an element with these attributes; on timeout says what it carries instead. */
  const waitAttrs = async (testid: string, attrs: Record<string, string>, timeoutMs: number) => {
    try {
      await page.locator(sel(testid, attrs)).first().waitFor({ state: 'attached', timeout: atLeast1(timeoutMs) });
    } catch {
      const run = page.getByTestId('drill-run');
      const shown = (await run.count()) > 0 ? `the run page shows:\n${await run.innerText().catch(() => '?')}` : `the page shows:\n${(await page.locator('main').innerText().catch(() => '?')).slice(0, 1500)}`;
      throw new Error(`${testid} did not get ${JSON.stringify(attrs)} within ${timeoutMs} ms; ${shown}\npage errors: ${errors.join(' | ')}`);
    }
  };
  const runStatus = () => page.getByTestId('drill-run').getAttribute('data-status');
  const untilEnded = () => pollUntil(runStatus, (s) => s !== null && FINAL.includes(s), DRILL_MS, 'the drill run to end', 250);
  const downloadText = async (download: Download) => {
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  /** Every server of the llama backend UP and its replica healthy on the Services view: what a drill's preconditions ask. */
  const everyServerUp = async () => {
    const cadence = await labServicesCadence(serve);
    await showView(page, 'services', 10_000);
    const deadline = Date.now() + Math.max(haproxyRiseDeadlineMs(cadence), replicaProbeDeadlineMs(cadence, 2)) + 30_000;
    for (const name of replicas) await waitForLbServer(page, lbServerTestId(LAB_LB, LAB_SERVICE, name), { lbStatus: 'UP', replicaHealth: 'healthy' }, deadline - Date.now());
  };

  beforeAll(async () => {
    serve = teardown.add('serve --lab', await startE2eServe(['--lab', '--lab-nodes', String(LAB_NODES)]), (s) => s.stop());
    runtime = await labRuntime(serve);
    replicas = (serve.handle.labServices?.info().replicas ?? []).filter((r) => !r.spare).map((r) => r.name);
    // Whatever a failed test leaves behind, HAProxy goes back to every server ready.
    teardown.add('haproxy state', replicas, async (names) => {
      for (const name of names) await runtime.setServerState(LAB_SERVICE, name, 'ready');
    });
    // A local drill with a schedule beside the lab's inventory; an edit of the inventory makes the console read its drills again.
    const lab = serve.handle.lab!;
    mkdirSync(join(lab.dir, 'drills'), { recursive: true });
    writeFileSync(join(lab.dir, 'drills', 'e2e-nightly-maint.yaml'), SCHEDULED);
    appendFileSync(lab.inventoryPath, '\n# e2e: a scheduled drill was added beside this file\n');
    browser = teardown.add('chromium', await launchChromium(), (b) => b.close());
    ({ page, errors } = await openPage(browser, serve.url, { viewport: { width: 1400, height: 1000 } }));
    await everyServerUp();
  }, 120_000);

  afterAll(() => teardown.run());

  it("shows a drill's schedule in words with its next five times in its zone and here; pause and resume", async () => {
    await showView(page, 'drills');
    const row = page.getByTestId('drill-row-e2e-nightly-maint');
    // The drills are read again after the inventory edit: the schedule's times come with that.
    await page.locator(`${sel('drill-upcoming-e2e-nightly-maint')} ${sel('drill-upcoming-time')}`).nth(4).waitFor({ state: 'attached', timeout: 15_000 });
    expect(await row.getByTestId('drill-schedule-e2e-nightly-maint').innerText()).toBe('every day at 02:30 (America/New_York)');
    const times = row.getByTestId('drill-upcoming-time');
    expect(await times.count()).toBe(5);
    const ats: number[] = [];
    for (const t of await times.all()) ats.push(Number(await t.getAttribute('data-at')));
    // One a day, each at 02:30 in New York, in order.
    const ny = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    expect(ats.map((t) => ny.format(new Date(t)))).toEqual(Array(5).fill('02:30'));
    expect(ats.every((t, i) => i === 0 || t > ats[i - 1])).toBe(true);
    expect(ats[0]).toBeGreaterThan(Date.now());
    const first = await times.first().innerText();
    expect(first).toContain('02:30');
    expect(first).toContain('· local');
    // The built-ins have no schedule: by hand only.
    expect(await page.getByTestId('drill-schedule-replica-maint').innerText()).toBe('by hand only');

    await row.getByTestId('drill-link-e2e-nightly-maint').click();
    expect(new URL(page.url()).hash).toBe('#/drill/e2e-nightly-maint');
    await waitAttrs('drill-schedule', { 'data-paused': 'false' }, PUSH_MS);
    expect(await page.getByTestId('drill-page-upcoming').getByTestId('drill-upcoming-time').count()).toBe(5);
    await page.getByTestId('drill-pause').click();
    await waitAttrs('drill-schedule', { 'data-paused': 'true' }, PUSH_MS);
    await waitAttrs('drill-row-e2e-nightly-maint', { 'data-paused': 'true' }, PUSH_MS);
    await page.getByTestId('drill-resume').click();
    await waitAttrs('drill-schedule', { 'data-paused': 'false' }, PUSH_MS);
    expect(errors, 'page errors').toEqual([]);
  }, 60_000);

  let maintRunId = '';

  it('plans the maint drill exactly, runs it by hand with the typed word, and shows its phases and milestones live', async () => {
    const before = await adminState(runtime);
    await page.evaluate(`window.location.hash = '#/drill/replica-maint'`);
    const drillPage = page.getByTestId('drill-page');
    await waitAttrs('drill-page', { 'data-drill': 'replica-maint' }, PUSH_MS);
    await drillPage.getByTestId('drill-seed').fill('e2e-seed-1');
    await drillPage.getByTestId('drill-plan-button').click();
    const plan = drillPage.getByTestId('drill-plan');
    await waitAttrs('drill-plan', { 'data-seed': 'e2e-seed-1' }, PUSH_MS);
    const target = (await plan.getAttribute('data-targets')) as string;
    expect(replicas).toContain(target);
    expect(await plan.getByTestId('drill-plan-command-0').innerText()).toContain(`set server ${LAB_SERVICE}/${target} state maint`);
    expect(await plan.getByTestId('drill-plan-restore-0').innerText()).toContain(`set server ${LAB_SERVICE}/${target} state ready`);
    expect(await plan.locator(sel('drill-plan-precondition', { 'data-ok': 'false' })).allInnerTexts()).toEqual([]);
    expect(await plan.getByTestId('drill-plan-confirmation').getAttribute('data-required')).toBe('true');
    // The same seed picks the same target: plan again, same answer.
    await drillPage.getByTestId('drill-plan-button').click();
    await waitAttrs('drill-plan', { 'data-targets': target }, PUSH_MS);

    await plan.getByTestId('drill-run-button').click();
    const dialog = page.getByTestId('drill-confirm-dialog');
    await dialog.waitFor({ state: 'visible', timeout: PUSH_MS });
    const go = dialog.getByTestId('drill-confirm-run');
    expect(await go.isDisabled()).toBe(true);
    await dialog.getByTestId('drill-confirm-input').fill('replica-maintx');
    expect(await go.isDisabled()).toBe(true);
    await dialog.getByTestId('drill-confirm-input').fill('replica-maint');
    await go.click();
    await dialog.waitFor({ state: 'detached', timeout: PUSH_MS });

    // The run's own page, live.
    const run = page.getByTestId('drill-run');
    await run.waitFor({ state: 'attached', timeout: PUSH_MS });
    maintRunId = (await run.getAttribute('data-run-id')) as string;
    expect(new URL(page.url()).hash).toBe(`#/drill-run/${maintRunId}`);
    await waitAttrs('drill-run', { 'data-status': 'observing' }, 15_000);
    const during = (await runtime.showServersState(LAB_SERVICE)).find((r) => r.server === target);
    expect(during?.adminFlags, 'HAProxy has the target in maint while the drill observes').not.toEqual(before.find((r) => r.server === target)?.adminFlags);
    await waitAttrs('drill-milestone', { 'data-name': 'injected' }, PUSH_MS);
    // Seconds arrive as pushes: the plot grows while the drill runs.
    const plot = page.getByTestId('drill-plot-success');
    const points = () => plot.getAttribute('data-points').then(Number);
    const early = await pollUntil(points, (n) => n >= 2, 15_000, 'a few seconds on the plot');
    await pollUntil(points, (n) => n > early + 2, 15_000, 'more seconds on the plot');
    expect(Number(await plot.getAttribute('data-markers'))).toBeGreaterThanOrEqual(2);
    const seen: string[] = [(await runStatus()) as string];
    const status = await pollUntil(
      async () => {
        const s = (await runStatus()) as string;
        if (seen[seen.length - 1] !== s) seen.push(s);
        return s;
      },
      (s) => FINAL.includes(s),
      DRILL_MS,
      'the drill run to end',
      100,
    );
    expect(status, await page.getByTestId('drill-run').innerText()).toBe('passed');
    // The phases the page showed, in the order it showed them (a push per phase): never backwards.
    const order = ['pre-checks', 'injecting', 'observing', 'responding', 'restoring', 'passed'];
    expect(seen.map((s) => order.indexOf(s))).toEqual([...seen.map((s) => order.indexOf(s))].sort((a, b) => a - b));
    expect(seen).toContain('observing');
    const milestones: string[] = [];
    for (const m of await page.getByTestId('drill-milestone').all()) milestones.push((await m.getAttribute('data-name')) as string);
    expect(milestones).toEqual(expect.arrayContaining(['started', 'injected', 'lb-down', 'restored', 'baseline']));
    expect(await page.getByTestId('drill-expectation-restoredWithin').getAttribute('data-passed')).toBe('true');
    expect(Number(await plot.getAttribute('data-markers'))).toBe(milestones.length);
    expect(await adminState(runtime)).toEqual(before);
    // The list shows it as the drill's last run.
    await waitAttrs('drill-last-replica-maint', { 'data-status': 'passed' }, PUSH_MS);
    expect(errors, 'page errors').toEqual([]);
  }, 180_000);

  it('exports the report: the HTML page with its plot and nothing external, and the Markdown', async () => {
    expect(maintRunId).not.toBe('');
    await page.evaluate(`window.location.hash = '#/drill-run/${maintRunId}'`);
    await waitAttrs('drill-run', { 'data-run-id': maintRunId, 'data-status': 'passed' }, PUSH_MS);
    const [html] = await Promise.all([page.waitForEvent('download', { timeout: PUSH_MS }), page.getByTestId('drill-report-html').click()]);
    expect(html.suggestedFilename()).toMatch(/^drill-replica-maint-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z-passed\.html$/);
    const page1 = await downloadText(html);
    expect(page1.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page1).toContain(maintRunId);
    expect(page1).toContain('PASSED');
    expect(page1).toMatch(/data-series="success" data-points="[1-9]\d*"/);
    expect(page1).toContain('data-marker="injected"');
    expect(page1).toContain('data-marker="lb-down"');

    // Opened as a page of its own: it draws its plot and asks the network for nothing.
    const { context, page: report } = await openPage(browser, 'about:blank');
    try {
      const requests: string[] = [];
      report.on('request', (r) => {
        if (!r.url().startsWith('about:') && !r.url().startsWith('data:')) requests.push(r.url());
      });
      await report.setContent(page1, { waitUntil: 'load' });
      expect(await report.locator('svg [data-series="success"] polyline, svg [data-series="success"] circle').count()).toBeGreaterThan(0);
      expect(await report.locator('svg [data-marker]').count()).toBeGreaterThanOrEqual(5);
      expect(await report.locator('table[data-section="expectations"] tr').count()).toBe(3);
      expect(requests).toEqual([]);
    } finally {
      await context.close();
    }

    const [md] = await Promise.all([page.waitForEvent('download', { timeout: PUSH_MS }), page.getByTestId('drill-report-md').click()]);
    expect(md.suggestedFilename()).toMatch(/\.md$/);
    const text = await downloadText(md);
    expect(text.split('\n')[0]).toBe(`# Drill replica-maint: run ${maintRunId}`);
    expect(text).toContain('## Timeline');
    expect(text).toContain('HAProxy marked the server DOWN');
    const [json] = await Promise.all([page.waitForEvent('download', { timeout: PUSH_MS }), page.getByTestId('drill-report-json').click()]);
    const doc = JSON.parse(await downloadText(json));
    expect(doc.run).toMatchObject({ id: maintRunId, status: 'passed', seed: 'e2e-seed-1' });
    // The drill's page shows the run in its history.
    await page.evaluate(`window.location.hash = '#/drill/replica-maint'`);
    await waitAttrs('drill-history-row', { 'data-run-id': maintRunId, 'data-flagged': 'false' }, PUSH_MS);
    expect(errors, 'page errors').toEqual([]);
  }, 60_000);

  it('a game day waits for the operator: the clock runs, the runbook started from the drill is linked, the response time is recorded', async () => {
    await everyServerUp();
    const before = await adminState(runtime);
    await page.evaluate(`window.location.hash = '#/drill/gpu-lost-game-day'`);
    const drillPage = page.getByTestId('drill-page');
    await waitAttrs('drill-page', { 'data-drill': 'gpu-lost-game-day' }, PUSH_MS);
    await drillPage.getByTestId('drill-seed').fill('e2e-game-day');
    await drillPage.getByTestId('drill-plan-button').click();
    await waitAttrs('drill-plan', { 'data-seed': 'e2e-game-day' }, PUSH_MS);
    const target = (await drillPage.getByTestId('drill-plan').getAttribute('data-targets')) as string;
    expect(await drillPage.getByTestId('drill-plan-response').innerText()).toContain('the operator (game day)');
    await drillPage.getByTestId('drill-run-button').click();
    const dialog = page.getByTestId('drill-confirm-dialog');
    await dialog.getByTestId('drill-confirm-input').fill('gpu-lost-game-day');
    await dialog.getByTestId('drill-confirm-run').click();
    await dialog.waitFor({ state: 'detached', timeout: PUSH_MS });

    // The drill's clock, large, and nothing happens until a person acts.
    await page.getByTestId('drill-response').waitFor({ state: 'attached', timeout: 15_000 });
    const clock = page.getByTestId('drill-clock');
    expect(await clock.getAttribute('class')).toContain('drill-clock-prominent');
    const t1 = await clock.innerText();
    await pollUntil(() => clock.innerText(), (t) => t !== t1, 5_000, 'the drill clock to tick');
    expect(await runStatus()).toBe('observing');

    // The operator drains the drill's target, from the drill's own page.
    const response = page.getByTestId('drill-response');
    await response.getByTestId('drill-response-runbook').selectOption('drain-replica');
    expect(await response.getByTestId('runbook-target').inputValue()).toBe(target);
    await response.getByTestId('runbook-param-drainTimeoutSeconds').fill('30');
    await response.getByTestId('runbook-preview').click();
    await response.getByTestId('plan-preview').waitFor({ state: 'attached', timeout: PUSH_MS });
    await response.getByTestId('plan-run').click();
    const confirm = page.getByTestId('confirm-dialog');
    await confirm.waitFor({ state: 'visible', timeout: PUSH_MS });
    if ((await confirm.getByTestId('confirm-input').count()) > 0) await confirm.getByTestId('confirm-input').fill(target);
    await confirm.getByTestId('confirm-run').click();
    await confirm.waitFor({ state: 'detached', timeout: PUSH_MS });

    // Linked: the response run is named and its start measured against T0.
    await page.getByTestId('drill-response-run').waitFor({ state: 'attached', timeout: PUSH_MS });
    await waitAttrs('drill-milestone', { 'data-name': 'response-started' }, PUSH_MS);
    await pollUntil(() => page.getByTestId('drill-response-seconds').innerText(), (t) => /^\d+(\.\d)? s$/.test(t), PUSH_MS, 'the response time');
    await waitAttrs('drill-milestone', { 'data-name': 'response-finished' }, 60_000);

    // The fault is restored once the response has settled (a whole hypothesis window after T0,
    // 60 s for this drill, then 5 s settled); the operator then puts the drained replica back
    // (what the drain left is the operator's, not the drill's, to undo).
    await waitAttrs('drill-milestone', { 'data-name': 'restored' }, 120_000);
    await runtime.setServerState(LAB_SERVICE, target, 'ready');
    const status = await untilEnded();
    expect(['passed', 'failed'], await page.getByTestId('drill-run').innerText()).toContain(status);
    const responseSeconds = Number((await page.getByTestId('drill-response-seconds').innerText()).replace(' s', ''));
    expect(responseSeconds).toBeGreaterThan(0);
    expect(await adminState(runtime)).toEqual(before);
    expect(errors, 'page errors').toEqual([]);
  }, 240_000);

  it('aborts a running drill from its page, and the stop-all lever blocks new drills until it is released; the palette finds drills', async () => {
    await everyServerUp();
    const before = await adminState(runtime);
    // The palette: a drill by name opens its page.
    await page.keyboard.press('Control+k');
    await page.getByTestId('palette').waitFor({ state: 'visible', timeout: PUSH_MS });
    await page.getByTestId('palette-input').fill('replica-maint');
    const option = page.locator(sel('palette-option', { 'data-kind': 'drill', 'data-href': '#/drill/replica-maint' }));
    await option.waitFor({ state: 'attached', timeout: PUSH_MS });
    await option.click();
    await waitAttrs('drill-page', { 'data-drill': 'replica-maint' }, PUSH_MS);
    expect(new URL(page.url()).hash).toBe('#/drill/replica-maint');

    // Run it, then Abort while it observes: restored at once, HAProxy as before.
    const startByHand = async () => {
      await page.getByTestId('drill-plan-button').click();
      await page.getByTestId('drill-plan').waitFor({ state: 'attached', timeout: PUSH_MS });
      await page.getByTestId('drill-run-button').click();
      const dialog = page.getByTestId('drill-confirm-dialog');
      await dialog.getByTestId('drill-confirm-input').fill('replica-maint');
      await dialog.getByTestId('drill-confirm-run').click();
      await dialog.waitFor({ state: 'detached', timeout: PUSH_MS });
      await page.getByTestId('drill-run').waitFor({ state: 'attached', timeout: PUSH_MS });
    };
    await startByHand();
    await waitAttrs('drill-run', { 'data-status': 'observing' }, 15_000);
    await page.getByTestId('drill-abort').click();
    expect(await untilEnded()).toBe('aborted');
    await waitAttrs('drill-run-reason', { 'data-code': 'operator-abort' }, PUSH_MS);
    expect(await adminState(runtime)).toEqual(before);

    // The lever: engaged only after the confirmation, and then no drill starts.
    const lever = page.getByTestId('drill-stop-all-toggle');
    expect(await lever.getAttribute('aria-checked')).toBe('false');
    await lever.click();
    await page.getByTestId('drill-stop-all-dialog').waitFor({ state: 'visible', timeout: PUSH_MS });
    await page.getByTestId('drill-stop-all-cancel').click();
    expect(await lever.getAttribute('aria-checked')).toBe('false');
    await lever.click();
    await page.getByTestId('drill-stop-all-confirm').click();
    await waitAttrs('drill-stop-all', { 'data-engaged': 'true' }, PUSH_MS);
    expect(await lever.getAttribute('aria-checked')).toBe('true');
    // The dry run says why it cannot run, and Run stays disabled.
    await page.evaluate(`window.location.hash = '#/drill/replica-maint'`);
    await waitAttrs('drill-page', { 'data-drill': 'replica-maint' }, PUSH_MS);
    await page.getByTestId('drill-plan-button').click();
    await page.getByTestId('drill-plan-blocked').waitFor({ state: 'attached', timeout: PUSH_MS });
    expect((await page.locator(sel('drill-plan-precondition', { 'data-ok': 'false' })).allInnerTexts()).join(' ')).toContain('stop-all switch is engaged');
    expect(await page.getByTestId('drill-run-button').isDisabled()).toBe(true);
    expect(await adminState(runtime)).toEqual(before);
    await lever.click();
    await page.getByTestId('drill-stop-all-confirm').click();
    await waitAttrs('drill-stop-all', { 'data-engaged': 'false' }, PUSH_MS);
    // Released: the same dry run may run again.
    await page.getByTestId('drill-plan-button').click();
    await page.getByTestId('drill-plan-blocked').waitFor({ state: 'detached', timeout: PUSH_MS });
    expect(await page.getByTestId('drill-run-button').isEnabled()).toBe(true);
    expect(errors, 'page errors').toEqual([]);
  }, 120_000);

  it('has no serious accessibility violation on the Drills list, a drill page with its plan, or a run page', async () => {
    const { context, page: a } = await openPage(browser, serve.url, { bypassCSP: true, viewport: { width: 1400, height: 1000 } });
    try {
      const scan = async (where: string) => {
        const serious = (await axeViolations(a)).filter(isSerious);
        expect(serious, formatViolations(where, serious)).toEqual([]);
      };
      for (const theme of ['dark', 'light'] as const) {
        await a.getByTestId('theme-select').selectOption(theme);
        await showView(a, 'drills');
        await a.getByTestId('drill-list').waitFor();
        await scan(`${theme} drills list`);
        await a.evaluate(`window.location.hash = '#/drill/replica-maint'`);
        await a.getByTestId('drill-plan-button').click();
        await a.getByTestId('drill-plan').waitFor({ timeout: PUSH_MS });
        await a.getByTestId('drill-trend').waitFor({ timeout: PUSH_MS });
        await scan(`${theme} drill page`);
        await a.evaluate(`window.location.hash = '#/drill-run/${maintRunId}'`);
        await a.locator(`[data-testid="drill-run"][data-run-id="${maintRunId}"]`).waitFor({ timeout: PUSH_MS });
        await scan(`${theme} drill run`);
      }
    } finally {
      await context.close();
    }
  }, 90_000);
});
