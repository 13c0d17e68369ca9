/**
 * The Training view in a real browser against `fleetops serve --lab`, whose training clusters run
 * under a real Slurm with running lab jobs: the followed job with a fresh checkpoint; its writer
 * stalled from the lab panel → the checkpoint goes stale and the work at risk grows; XID 79 on one
 * of its nodes → the view names the job at risk, says Slurm still schedules there, and offers
 * cordon-gpu-node, which opens pre-filled and plans a drain rendered exactly as it will be sent.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openPage } from './helpers/browser';
import { showView } from './helpers/console-page';
import { pollUntil } from './helpers/services-page';
import { startE2eServe, type E2eServe } from './helpers/serve';
import { Teardown } from './helpers/teardown';

/** Policy 6 s: warn past 9 s without a complete checkpoint, critical past 18 s. */
const POLICY_S = 6;
const JOB = 'lab-pretrain';

describe('Training view against the lab under Slurm', () => {
  const teardown = new Teardown();
  let serve: E2eServe;
  let browser: Browser;
  let page: Page;
  const row = () => page.locator(`[data-testid="training-job"]:has(a:text-is("${JOB}"))`);

  beforeAll(async () => {
    // 18 nodes: three per training cluster, so the job's nodes leave room on the cluster.
    serve = teardown.add('serve --lab', await startE2eServe(['--lab', '--lab-nodes', '18', '--lab-checkpoint-every', String(POLICY_S)]), (s) => s.stop());
    browser = teardown.add('chromium', await launchChromium(), (b) => b.close());
    page = (await openPage(browser, serve.url)).page;
  }, 60_000);

  afterAll(() => teardown.run());

  it('lists the lab Slurm and the followed job with a fresh checkpoint', async () => {
    await showView(page, 'training');
    await page.locator('[data-testid="training-scheduler"][data-state="ok"]').first().waitFor({ timeout: 20_000 });
    await row().and(page.locator('[data-level="ok"]')).waitFor({ timeout: 30_000 });
    expect(await row().getAttribute('data-at-risk')).toBe('false');
  }, 60_000);

  it('a stalled writer makes the checkpoint stale, and the work at risk grows', async () => {
    await page.getByTestId(`lab-job-fault-${JOB}-stall`).check();
    await row().and(page.locator('[data-level="warn"], [data-level="critical"]')).waitFor({ timeout: 30_000 });
    const work = async () => Number(await row().getByTestId('job-work-at-risk').getAttribute('data-value'));
    const first = await work();
    expect(first).toBeGreaterThan(0);
    await pollUntil(work, (w) => w > first, 10_000, 'the work at risk to grow');
    expect(await row().getByTestId('job-checkpoint-reasons').innerText()).toMatch(/newest complete checkpoint step-\d+ is .* old \(policy 6 s\)/);
  }, 60_000);

  it('XID 79 on one of its nodes: the job at risk, Slurm still scheduling there, and cordon-gpu-node offered pre-filled', async () => {
    const node = await row().locator('a.mono').first().innerText();
    const panel = page.getByTestId('lab-panel');
    await panel.getByTestId('lab-node').selectOption(node);
    await panel.getByTestId('lab-kind').selectOption('xid-79');
    await panel.getByTestId('lab-inject').click();

    const risk = row().locator(`[data-testid="job-at-risk"][data-node="${node}"]`);
    await risk.waitFor({ timeout: 30_000 });
    expect(await risk.innerText()).toMatch(/XID 79/);
    expect(await row().getAttribute('data-at-risk')).toBe('true');
    const disagreement = page.locator(`[data-testid="training-disagreement"][data-node="${node}"]`);
    await disagreement.waitFor({ timeout: 10_000 });
    expect(await disagreement.innerText()).toMatch(/but Slurm still schedules here/);

    await risk.getByTestId('cordon-node').click();
    await page.getByTestId('runbook-form').waitFor({ timeout: 5_000 });
    expect(decodeURIComponent(new URL(page.url()).hash)).toMatch(new RegExp(`^#/runbook/cordon-gpu-node\\?target=${node}`));
    expect(await page.getByTestId('runbook-target').inputValue()).toBe(node);
    expect(await page.getByTestId('runbook-param-reason').inputValue()).toMatch(/XID 79/);
    expect(await page.getByTestId('runbook-param-jobs').inputValue()).toBe('requeue');
    await page.getByTestId('runbook-preview').click();
    const preview = page.getByTestId('plan-preview');
    await preview.waitFor({ timeout: 20_000 });
    expect(await preview.getByTestId('plan-command-0').innerText()).toMatch(new RegExp(`scontrol update NodeName='?${node}'? State=DRAIN Reason='[^']*XID 79`));
    await preview.getByTestId('plan-irreversible-1').waitFor({ timeout: 1_000 });
    expect(await preview.getByTestId('plan-confirmation').getAttribute('data-required')).toBe('true');
  }, 90_000);
});
