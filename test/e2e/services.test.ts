/**
 * Issue 3's acceptance flow, in a real browser against `fleetops serve --lab`: the lab's
 * replicas sit behind a real HAProxy; killing one through the lab panel shows HAProxy's DOWN
 * and the console's own "unreachable" side by side; a 429 storm turns a replica `throttled`
 * with its Retry-After shown, and the console sends it no probe until that has passed; the
 * traffic generator's requests count toward the service's availability.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_LB, LAB_SERVICE } from '../../electron/core/lab/lab-services';
import { launchChromium, openPage } from './helpers/browser';
import { atLeast1, showView } from './helpers/console-page';
import { startE2eServe, type E2eServe } from './helpers/serve';
import {
  haproxyFallDeadlineMs,
  haproxyRiseDeadlineMs,
  labServicesCadence,
  replicaProbeDeadlineMs,
  replicaRecoverDeadlineMs,
  type ServicesCadence,
} from './helpers/services-cadence';
import {
  clearReplicaFault,
  injectReplicaFault,
  lbServerState,
  lbServerTestId,
  pollUntil,
  replicaRowState,
  serviceRequests,
  waitForLbServer,
  waitForNoDisagreement,
  waitForReplicaHealth,
} from './helpers/services-page';
import { Teardown } from './helpers/teardown';

const LAB_NODES = 6;
/** One replica per inference node: 6 lab nodes have 3. */
const REPLICAS = 3;
/** Pushed changes reach the page within a fraction of a second; this is only a ceiling. */
const PUSH_MS = 5_000;
const RETRY_AFTER_SECONDS = 20;
const TRAFFIC_RATE = 20;

describe('replicas and load balancers in the browser', () => {
  const teardown = new Teardown();
  let serve: E2eServe;
  let browser: Browser;
  let page: Page;
  let cadence: ServicesCadence;
  let replicas: string[];
  const row = (replica: string) => lbServerTestId(LAB_LB, LAB_SERVICE, replica);
  /** One more LB poll, pushed to the page. */
  const lbPollMs = () => cadence.lbPollSeconds * 1000 + PUSH_MS;

  beforeAll(async () => {
    serve = teardown.add('serve --lab', await startE2eServe(['--lab', '--lab-nodes', String(LAB_NODES)]), (s) => s.stop());
    cadence = await labServicesCadence(serve);
    replicas = (serve.handle.labServices?.info().replicas ?? []).map((r) => r.name);
    browser = teardown.add('chromium', await launchChromium(), (b) => b.close());
    page = (await openPage(browser, serve.url)).page;
    // Load balancers, replicas and services are on the Services view; the lab panels beside every view.
    await showView(page, 'services', 10_000);
  });

  afterAll(() => teardown.run());

  it('shows the load balancer with every server UP, each beside its healthy replica', async () => {
    const lb = serve.handle.labServices?.info().loadBalancer;
    expect(lb?.available, `lab has no load balancer: ${lb?.reason}`).toBe(true);
    expect(replicas).toHaveLength(REPLICAS);

    const deadline = Date.now() + Math.max(replicaProbeDeadlineMs(cadence), lbPollMs());
    for (const name of replicas) await waitForLbServer(page, row(name), { lbStatus: 'UP', replicaHealth: 'healthy' }, deadline - Date.now());
    await page.locator(`[data-testid="lb-${LAB_LB}"][data-health="healthy"]`).waitFor({ state: 'attached', timeout: PUSH_MS });
    // Exactly the lab's replicas, and HAProxy and the probes agree on every one.
    await expect(page.getByTestId('lb-panel').locator('[data-testid^="lb-server-"]').count()).resolves.toBe(REPLICAS);
    for (const name of replicas) await waitForNoDisagreement(page, row(name), lbPollMs());
    await expect(page.getByTestId('lab-no-lb').count()).resolves.toBe(0);
    for (const name of replicas) await waitForReplicaHealth(page, name, 'healthy', PUSH_MS);
  });

  it('a replica killed through the lab panel: HAProxy says DOWN and the probes say unreachable, side by side; clearing brings both back', async () => {
    const name = replicas[0];
    await waitForLbServer(page, row(name), { lbStatus: 'UP', replicaHealth: 'healthy' }, PUSH_MS);

    const killedAt = Date.now();
    await injectReplicaFault(page, name, 'down');
    const fallDeadline = Math.max(haproxyFallDeadlineMs(cadence), replicaProbeDeadlineMs(cadence));
    await waitForLbServer(page, row(name), { lbStatus: 'DOWN', replicaHealth: 'unreachable' }, fallDeadline - (Date.now() - killedAt));
    const detectedMs = Date.now() - killedAt;
    // Both views say the same, so the console flags no disagreement; the LB serves with 2 of 3.
    await waitForNoDisagreement(page, row(name), lbPollMs());
    const lbSection = page.getByTestId(`lb-${LAB_LB}`);
    await page.locator(`[data-testid="lb-${LAB_LB}"][data-health="degraded"]`).waitFor({ state: 'attached', timeout: PUSH_MS });
    expect(await lbSection.getByTestId('lb-reason').allInnerTexts()).toContain(`backend ${LAB_SERVICE}: ${REPLICAS - 1} of ${REPLICAS} servers take traffic (${name} DOWN)`);

    await waitForReplicaHealth(page, name, 'unreachable', PUSH_MS);
    const reason = await page.getByTestId(`replica-${name}`).getByTestId('replica-reason').innerText();
    expect(reason).toMatch(/connection refused to 127\.0\.0\.1:\d+/);
    // Only the killed one.
    for (const other of replicas.slice(1)) expect((await lbServerState(page, row(other)))?.lbStatus).toBe('UP');

    const clearedAt = Date.now();
    await clearReplicaFault(page, name);
    expect(serve.handle.labServices?.info().replicas.find((r) => r.name === name)?.fault).toBeNull();
    const riseDeadline = Math.max(haproxyRiseDeadlineMs(cadence), replicaRecoverDeadlineMs(cadence));
    await waitForLbServer(page, row(name), { lbStatus: 'UP', replicaHealth: 'healthy' }, riseDeadline - (Date.now() - clearedAt));
    const recoveredMs = Date.now() - clearedAt;
    await waitForReplicaHealth(page, name, 'healthy', PUSH_MS);
    console.info(`[e2e] ${name} down: both views after ${detectedMs} ms (deadline ${fallDeadline}); back after ${recoveredMs} ms (deadline ${riseDeadline})`);
  }, 60_000);

  it('a 429 storm: the replica is throttled with its Retry-After shown, and gets no probe before it has passed', async () => {
    // Not the replica killed above: its circuit may still be counting that outage.
    const name = replicas[1];
    const others = replicas.filter((r) => r !== name);
    const lab = serve.handle.labServices!;
    await waitForReplicaHealth(page, name, 'healthy', PUSH_MS);

    const injectedAt = Date.now();
    await injectReplicaFault(page, name, 'rate-limit', { retryAfterSeconds: RETRY_AFTER_SECONDS });
    expect(await page.getByTestId(`lab-replica-fault-${name}`).innerText()).toContain(`Retry-After ${RETRY_AFTER_SECONDS} s`);
    await waitForReplicaHealth(page, name, 'throttled', replicaProbeDeadlineMs(cadence) - (Date.now() - injectedAt));

    const retryAfter = page.getByTestId(`replica-${name}`).getByTestId('replica-retry-after');
    expect(await retryAfter.getAttribute('data-seconds')).toBe(String(RETRY_AFTER_SECONDS));
    expect(await retryAfter.innerText()).toMatch(new RegExp(`Retry-After ${RETRY_AFTER_SECONDS} s · no probe until \\d\\d:\\d\\d:\\d\\d`));
    expect((await replicaRowState(page, name))?.text).toMatch(/429 rate limited, retry after/);
    await page.locator('[data-testid="count-throttled"][data-count="1"]').waitFor({ state: 'attached', timeout: PUSH_MS });
    const throttledUntil = serve.handle.core.services.replicas.status(name)?.throttledUntil;
    expect(throttledUntil).toBeGreaterThan(Date.now());

    // "No probe until" proven against the replica's own request log: while every other replica
    // receives two more probes, this one receives none.
    const seen = () => ({ throttled: lab.probesSeen(name), others: others.map((o) => lab.probesSeen(o)) });
    const before = seen();
    const after = await pollUntil(
      seen,
      (now) => now.others.every((n, i) => n >= before.others[i] + 2),
      replicaProbeDeadlineMs(cadence, 2),
      'two more probes of each other replica',
    );
    expect(Date.now(), 'the check must end while the Retry-After still stands').toBeLessThan(throttledUntil as number);
    expect(after.throttled, `probes of throttled ${name}: ${before.throttled} → ${after.throttled}`).toBe(before.throttled);
    expect((await replicaRowState(page, name))?.health).toBe('throttled');
    // HAProxy's own check gets the 429s too: both views, side by side, and no disagreement.
    await waitForLbServer(page, row(name), { lbStatus: 'DOWN', replicaHealth: 'throttled' }, haproxyFallDeadlineMs(cadence));
    await waitForNoDisagreement(page, row(name), lbPollMs());

    await clearReplicaFault(page, name);
    expect(lab.info().replicas.find((r) => r.name === name)).toMatchObject({ fault: null, retryAfterSeconds: null });
    // Clearing the lab's fault does not shorten the console's wait: the next probe goes once the
    // Retry-After has passed (the gate lets none start earlier, and it arrives after it starts).
    const resumed = await pollUntil(
      () => lab.probesSeen(name),
      (n) => n > before.throttled,
      atLeast1((throttledUntil as number) - Date.now() + replicaProbeDeadlineMs(cadence)),
      `a probe of ${name} after its Retry-After`,
    );
    const resumedAt = Date.now();
    expect(resumedAt, `probe ${resumed} seen before the Retry-After ended`).toBeGreaterThanOrEqual(throttledUntil as number);
    await waitForLbServer(page, row(name), { lbStatus: 'UP', replicaHealth: 'healthy' }, replicaProbeDeadlineMs(cadence));
    await expect(page.getByTestId(`replica-${name}`).getByTestId('replica-retry-after').count()).resolves.toBe(0);
    console.info(`[e2e] ${name} 429: throttled until +${Math.round((throttledUntil as number) - injectedAt)} ms, probed again at +${resumedAt - injectedAt} ms`);
  }, 45_000);

  it('traffic started from the lab panel is counted, and the service shows its 1 h success ratio', async () => {
    const lab = serve.handle.labServices!;
    const service = page.getByTestId(`service-${LAB_SERVICE}`);
    await service.waitFor({ state: 'attached', timeout: PUSH_MS });
    const requestsBefore = await serviceRequests(page, LAB_SERVICE, '1h');

    const panel = page.getByTestId('lab-replica-panel');
    await panel.getByTestId('lab-traffic-rate').fill(String(TRAFFIC_RATE));
    await panel.getByTestId('lab-traffic-start').click();
    const stats = panel.getByTestId('lab-traffic-stats');
    // The lab reports the generator's counters once a second.
    await panel.locator('[data-testid="lab-traffic-stats"][data-running="true"]:not([data-sent="0"]):not([data-success-rate=""])').waitFor({ state: 'attached', timeout: PUSH_MS });
    expect(await stats.innerText()).toContain(`running at ${TRAFFIC_RATE}/s`);

    // Wait for a second's worth of answered requests, then for the service's figures (pushed
    // every few seconds) to count at least those on top of what it had.
    const answered = await pollUntil(() => lab.info().traffic, (t) => t.ok + t.failed >= TRAFFIC_RATE, PUSH_MS, 'a second of answered traffic');
    const counted = answered.ok + answered.failed;
    const ratio = service.getByTestId('service-ratio-1h');
    const figuresDeadline = Date.now() + 2 * PUSH_MS;
    await pollUntil(() => serviceRequests(page, LAB_SERVICE, '1h'), (n) => n >= requestsBefore + counted, atLeast1(figuresDeadline - Date.now()), `1 h requests ≥ ${requestsBefore} + ${counted}`);
    const shownRatio = Number(await ratio.getAttribute('data-ratio'));
    expect(shownRatio).toBeGreaterThan(0.9);
    expect(shownRatio).toBeLessThanOrEqual(1);
    expect(await ratio.innerText()).not.toContain('no traffic');
    expect(await service.getByTestId('service-budget').innerText()).toMatch(/\S/);
    expect(await service.getByTestId('service-burn').innerText()).toMatch(/^1 h /);

    const successRate = Number(await stats.getAttribute('data-success-rate'));
    expect(successRate, `traffic failures: ${JSON.stringify(lab.info().traffic.byReason)}`).toBeGreaterThan(0.9);
    expect(await stats.innerText()).toMatch(/success \d+(\.\d+)?%/);

    await panel.getByTestId('lab-traffic-stop').click();
    await panel.locator('[data-testid="lab-traffic-stats"][data-running="false"]').waitFor({ state: 'attached', timeout: PUSH_MS });
    expect(lab.info().traffic.running).toBe(false);
    console.info(`[e2e] traffic: ${JSON.stringify(lab.info().traffic)}`);
  }, 30_000);
});
