/**
 * Issue 13's spare capacity, in a real browser against `fleetops serve --lab --lab-spares 1
 * --lab-warm-spares 1` (real HAProxy; one warm spare running, one cold spare stopped, both held
 * in maintenance): the Capacity view shows both spares as they are, neither counted as a problem
 * anywhere; a model that fails to load on the warm spare makes it "warm (unverified)", counted as
 * cold, and moves the verdict's numbers; "Promote…" on the cold spare opens replace-replica filled
 * in, and once run the spare serves — the view shows it active. The training spare nodes are listed
 * with their readiness, and "Promote…" opens promote-spare-node filled in. axe checks the view in
 * both themes.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_SERVICE } from '../../electron/core/lab/lab-services';
import { axeViolations, formatViolations, isSerious } from './helpers/axe';
import { launchChromium, openPage } from './helpers/browser';
import { atLeast1, showView } from './helpers/console-page';
import { startE2eServe, type E2eServe } from './helpers/serve';
import { injectReplicaFault, pollUntil } from './helpers/services-page';
import { Teardown } from './helpers/teardown';

/**
 * 6 nodes: one inference node per region, so three replicas — one serving, a warm spare, a cold
 * one, each in its own region. Losing the serving region leaves only the spares: whether the warm
 * one is really warm decides the verdict.
 */
const LAB_NODES = 6;
const PUSH_MS = 5_000;
/** A spare's first verdicts (probes, the unit's state over SSH) and HAProxy's first polls. */
const SETTLE_MS = 60_000;
const SERVICE = LAB_SERVICE;

describe('spare capacity in the browser', () => {
  const teardown = new Teardown();
  let serve: E2eServe;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let warm: string;
  let cold: string;

  const section = () => page.getByTestId(`capacity-service-${SERVICE}`);
  const member = (replica: string) => section().getByTestId(`capacity-member-${replica}`);
  /** Waits for an element with these attributes; on timeout says what the element carries instead. */
  const waitAttrs = async (testid: string, attrs: Record<string, string>, timeoutMs: number) => {
    const sel = `[data-testid="${testid}"]` + Object.entries(attrs).map(([k, v]) => `[${k}="${v}"]`).join('');
    try {
      await page.locator(sel).first().waitFor({ state: 'attached', timeout: atLeast1(timeoutMs) });
    } catch {
      const el = page.getByTestId(testid).first();
      const shown = (await el.count()) > 0 ? await el.evaluate('(e) => e.outerHTML.slice(0, 400)').catch(() => '?') : 'absent';
      throw new Error(`${testid} did not get ${JSON.stringify(attrs)} within ${timeoutMs} ms; it is ${shown}; page errors: ${errors.join(' | ')}`);
    }
  };
  /** The replica names of the service's members in `state`, from their rows' test ids. */
  const membersIn = async (state: string): Promise<string[]> => {
    const rows = await section().locator(`[data-testid^="capacity-member-"][data-state="${state}"]`).all();
    const ids = await Promise.all(rows.map((r) => r.getAttribute('data-testid')));
    return ids.map((id) => (id ?? '').slice('capacity-member-'.length));
  };

  beforeAll(async () => {
    serve = teardown.add('serve --lab', await startE2eServe(['--lab', '--lab-nodes', String(LAB_NODES), '--lab-no-slurm', '--lab-spares', '1', '--lab-warm-spares', '1', '--lab-spare-nodes']), (s) => s.stop());
    browser = teardown.add('chromium', await launchChromium(), (b) => b.close());
    ({ page, errors } = await openPage(browser, serve.url, { viewport: { width: 1400, height: 1000 } }));
  }, 60_000);

  afterAll(() => teardown.run());

  it('shows both spares as they are — warm and verified, cold — and counts neither as a problem', async () => {
    await page.getByTestId('nav-capacity').click();
    await page.getByTestId('view-capacity').waitFor({ state: 'attached', timeout: PUSH_MS });
    expect(new URL(page.url()).hash).toBe('#/capacity');
    await section().waitFor({ state: 'attached', timeout: SETTLE_MS });
    // The warm spare is warm only once its probes prove it; the cold one is cold from the start.
    const spares = await pollUntil(async () => ({ warm: await membersIn('warm'), cold: await membersIn('cold') }), (s) => s.warm.length === 1 && s.cold.length === 1, SETTLE_MS, 'one warm and one cold spare', 250);
    [warm] = spares.warm;
    [cold] = spares.cold;
    expect(await member(cold).getAttribute('data-readiness')).toBe('cold');
    expect(await member(cold).innerText()).toMatch(/spare \(cold\)/);
    expect(await member(warm).innerText()).toMatch(/spare \(warm\)/);
    expect(await membersIn('active')).toHaveLength(1);
    // Both spares can be promoted; an active member cannot.
    await section().getByTestId(`capacity-promote-${cold}`).waitFor({ state: 'attached', timeout: PUSH_MS });
    await section().getByTestId(`capacity-promote-${warm}`).waitFor({ state: 'attached', timeout: PUSH_MS });
    // Losing the one serving domain, the warm spare carries the service.
    await waitAttrs(`capacity-verdict-${SERVICE}`, { 'data-verdict': 'survives' }, PUSH_MS);
    expect(await section().getByTestId(`capacity-loss-text-${SERVICE}`).innerText()).toMatch(/warm spare/);
    expect(await page.getByTestId('nav-badge-capacity').count()).toBe(0);
    await page.getByTestId('capacity-domains').waitFor({ state: 'attached', timeout: PUSH_MS });

    // Nowhere a problem: the services list tells each spare by its own words, the summary counts
    // neither as unhealthy or unreachable, the Overview lists neither.
    await showView(page, 'services');
    await waitAttrs(`replica-${cold}`, { 'data-health': 'standby' }, PUSH_MS);
    expect(await page.getByTestId(`replica-${cold}`).innerText()).toMatch(/spare \(cold\)/);
    await page.getByTestId(`replica-${warm}`).getByTestId('spare-tag').waitFor({ state: 'attached', timeout: PUSH_MS });
    expect(await page.getByTestId(`replica-${warm}`).getByTestId('spare-tag').innerText()).toBe('spare (warm)');
    await page.getByTestId('replica-problems-only').check();
    expect(await page.getByTestId(`replica-${cold}`).count()).toBe(0);
    expect(await page.getByTestId(`replica-${warm}`).count()).toBe(0);
    await page.getByTestId('replica-problems-only').uncheck();
    expect(await page.getByTestId('replica-count-unhealthy').getAttribute('data-count')).toBe('0');
    expect(await page.getByTestId('replica-count-unreachable').getAttribute('data-count')).toBe('0');
    expect(await page.getByTestId('replica-count-standby').getAttribute('data-count')).toBe('1');
    await showView(page, 'overview');
    for (const spare of [warm, cold]) expect(await page.locator(`[data-testid="attention-item"][data-subject="${spare}"]`).count()).toBe(0);
    expect(errors, 'page errors').toEqual([]);
  }, 120_000);

  it('lists the training spare nodes as ready as they really are, and opens promote-spare-node filled in for one', async () => {
    await showView(page, 'capacity');
    const rows = page.getByTestId('capacity-spare-nodes');
    await rows.locator('[data-testid^="capacity-spare-node-"][data-readiness="warm"]').waitFor({ state: 'attached', timeout: SETTLE_MS });
    await rows.locator('[data-testid^="capacity-spare-node-"][data-readiness="cold"]').waitFor({ state: 'attached', timeout: PUSH_MS });
    const coldNode = ((await rows.locator('[data-testid^="capacity-spare-node-"][data-readiness="cold"]').getAttribute('data-testid')) ?? '').slice('capacity-spare-node-'.length);
    await rows.getByTestId(`capacity-promote-${coldNode}`).click();
    const form = page.getByTestId('runbook-form');
    await form.waitFor({ state: 'attached', timeout: PUSH_MS });
    expect(decodeURIComponent(new URL(page.url()).hash)).toMatch(new RegExp(`^#/runbook/promote-spare-node\\?target=${coldNode}&p\\.reason=`));
    expect(await form.getByTestId('runbook-target').inputValue()).toBe(coldNode);
    expect(await form.getByTestId('runbook-param-reason').inputValue()).toMatch(/^fleetops spare of /);
    expect(errors, 'page errors').toEqual([]);
  }, 90_000);

  it('a model that fails to load on the warm spare makes it warm (unverified), counted as cold, and moves the verdict', async () => {
    await showView(page, 'capacity');
    const lossText = section().getByTestId(`capacity-loss-text-${SERVICE}`);
    const warmRow = section().getByTestId('capacity-check-warm');
    const before = { text: await lossText.innerText(), withWarm: Number(await warmRow.getAttribute('data-serving')) };

    await injectReplicaFault(page, warm, 'model-load-failed');
    await waitAttrs(`capacity-member-${warm}`, { 'data-state': 'cold', 'data-readiness': 'warm-unverified' }, SETTLE_MS);
    expect(await member(warm).innerText()).toMatch(/warm \(unverified\)/);
    await pollUntil(() => warmRow.getAttribute('data-serving').then(Number), (n) => n === before.withWarm - 1, PUSH_MS, 'one fewer serving with warm spares');
    await pollUntil(() => lossText.innerText(), (t) => t !== before.text, PUSH_MS, 'the verdict’s text to change');

    // The Overview warns exactly when the service no longer survives its largest-domain loss.
    // Losing the serving domain now leaves only cold spares: it survives only after their start-up.
    await waitAttrs(`capacity-verdict-${SERVICE}`, { 'data-verdict': 'cold-only' }, PUSH_MS);
    const after = await lossText.innerText();
    expect(after).toMatch(/cold spare/);

    // The Overview warns of it, and links to the service's section of the Capacity view.
    await showView(page, 'overview');
    await waitAttrs(`overview-capacity-${SERVICE}`, { 'data-verdict': 'cold-only' }, PUSH_MS);
    const warning = page.getByTestId('overview-capacity-warning');
    expect(await warning.isVisible()).toBe(true);
    expect(await warning.innerText()).toContain(after);
    await warning.getByRole('link', { name: SERVICE }).click();
    await section().waitFor({ state: 'attached', timeout: PUSH_MS });
    expect(decodeURIComponent(new URL(page.url()).hash)).toBe(`#/capacity-service/${SERVICE}`);
    expect(await page.getByTestId('nav-badge-capacity').getAttribute('data-count')).toBe('1');
    // Still no problem: a warm spare failing its checks is a spare standing by.
    await showView(page, 'services');
    await waitAttrs(`replica-${warm}`, { 'data-health': 'standby' }, PUSH_MS);
    expect(await page.getByTestId(`replica-${warm}`).innerText()).toMatch(/warm \(unverified\)/);
    expect(await page.getByTestId('replica-count-unhealthy').getAttribute('data-count')).toBe('0');
    expect(errors, 'page errors').toEqual([]);
  }, 120_000);

  it('promotes the cold spare: replace-replica opens filled in, runs, and the view shows the spare active', async () => {
    await showView(page, 'capacity');
    const target = (await membersIn('failed'))[0] ?? (await membersIn('active'))[0];
    await section().getByTestId(`capacity-promote-${cold}`).click();
    const form = page.getByTestId('runbook-form');
    await form.waitFor({ state: 'attached', timeout: PUSH_MS });
    expect(decodeURIComponent(new URL(page.url()).hash)).toBe(`#/runbook/replace-replica?target=${target}&p.spare=${cold}`);
    expect(await form.getByTestId('runbook-target').inputValue()).toBe(target);
    expect(await form.getByTestId('runbook-param-spare').inputValue()).toBe(cold);

    await form.getByTestId('runbook-preview').click();
    const plan = page.getByTestId('plan-preview');
    await waitAttrs('plan-preview', { 'data-target': target }, PUSH_MS);
    expect(await plan.getByTestId('plan-command-1').innerText()).toContain("systemctl start 'vllm'");
    expect(await plan.locator('[data-testid="plan-precondition"][data-ok="false"]').allInnerTexts()).toEqual([]);
    await plan.getByTestId('plan-run').click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor({ state: 'visible', timeout: PUSH_MS });
    await dialog.getByTestId('confirm-input').fill(target);
    await dialog.getByTestId('confirm-run').click();
    await dialog.waitFor({ state: 'detached', timeout: PUSH_MS });
    // The spare's start-up, its probes and HAProxy's rise checks: well under a minute.
    await waitAttrs('run-view', { 'data-status': 'succeeded' }, 60_000);

    await showView(page, 'capacity');
    await waitAttrs(`capacity-member-${cold}`, { 'data-state': 'active' }, SETTLE_MS);
    expect(await section().getByTestId(`capacity-promote-${cold}`).count()).toBe(0);
    expect(errors, 'page errors').toEqual([]);
  }, 150_000);

  it('has no serious accessibility violation on the Capacity view or the Overview, in both themes', async () => {
    const { context, page: a } = await openPage(browser, serve.url, { bypassCSP: true, viewport: { width: 1400, height: 1000 } });
    try {
      const found: string[] = [];
      const scan = async (where: string) => {
        const serious = (await axeViolations(a)).filter(isSerious);
        if (serious.length > 0) found.push(formatViolations(where, serious));
      };
      for (const theme of ['dark', 'light'] as const) {
        await a.getByTestId('theme-select').selectOption(theme);
        await showView(a, 'capacity');
        await a.getByTestId(`capacity-service-${SERVICE}`).waitFor({ state: 'attached', timeout: PUSH_MS });
        await a.getByTestId('capacity-domains').waitFor({ state: 'attached', timeout: PUSH_MS });
        await scan(`${theme} capacity`);
        await showView(a, 'services');
        await a.getByTestId(`replica-${warm}`).waitFor({ state: 'attached', timeout: PUSH_MS });
        await scan(`${theme} services with spares`);
        await showView(a, 'overview');
        await a.getByRole('heading', { level: 1 }).waitFor();
        await scan(`${theme} overview`);
      }
      expect(found, found.join('\n')).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);
});
