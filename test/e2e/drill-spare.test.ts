/**
 * A drill whose response swaps in a warm spare, in a real browser against `fleetops serve --lab
 * --lab-spares 1` (real HAProxy, the spare stopped and in maintenance): run by hand from its
 * page, it ends with the spare's model load (start → first healthy answer) shown beside
 * HAProxy's rise × inter, and the spare back in maintenance, HAProxy as before.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HaproxyRuntime } from '../../electron/core/haproxy';
import { launchChromium, openPage } from './helpers/browser';
import { atLeast1 } from './helpers/console-page';
import { adminState, labRuntime } from './helpers/runbooks-page';
import { startE2eServe, type E2eServe } from './helpers/serve';
import { pollUntil } from './helpers/services-page';
import { Teardown } from './helpers/teardown';
import { replaceDrillYaml } from '../integration/helpers/replace-drill';

const PUSH_MS = 5_000;
const DRILL_MS = 120_000;
const FINAL = ['passed', 'failed', 'aborted', 'skipped', 'restore-failed'];


describe('a replacement drill in the browser', () => {
  const teardown = new Teardown();
  let serve: E2eServe;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let runtime: HaproxyRuntime;
  let spare: string;

  beforeAll(async () => {
    serve = teardown.add('serve --lab', await startE2eServe(['--lab', '--lab-nodes', '6', '--lab-spares', '1']), (s) => s.stop());
    runtime = await labRuntime(serve);
    const replicas = serve.handle.labServices!.info().replicas;
    spare = replicas.find((r) => r.spare)!.name;
    const target = replicas.find((r) => !r.spare)!.name;
    const lab = serve.handle.lab!;
    mkdirSync(join(lab.dir, 'drills'), { recursive: true });
    writeFileSync(join(lab.dir, 'drills', 'e2e-replace.yaml'), replaceDrillYaml('e2e-replace', target, spare));
    // An edit of the inventory makes the console read its drills again.
    appendFileSync(lab.inventoryPath, '\n# e2e: a replacement drill was added beside this file\n');
    await pollUntil(
      async () => (await runtime.servers()).every((s) => (s.server === spare ? s.status === 'MAINT' : s.status === 'UP')),
      (ok) => ok,
      60_000,
      'every server UP but the spare',
    );
    browser = teardown.add('chromium', await launchChromium(), (b) => b.close());
    ({ page, errors } = await openPage(browser, serve.url, { viewport: { width: 1400, height: 1000 } }));
  }, 120_000);

  afterAll(() => teardown.run());

  it('shows the spare’s model load beside rise × inter, and puts the spare back', async () => {
    const before = await adminState(runtime);
    await page.evaluate(`window.location.hash = '#/drill/e2e-replace'`);
    const drillPage = page.getByTestId('drill-page');
    await page.locator('[data-testid="drill-page"][data-drill="e2e-replace"]').waitFor({ state: 'attached', timeout: atLeast1(PUSH_MS) });
    // Planned until its preconditions hold (the replicas' first verdicts come within seconds).
    await pollUntil(
      async () => {
        await drillPage.getByTestId('drill-plan-button').click();
        await drillPage.getByTestId('drill-plan').waitFor({ state: 'attached', timeout: PUSH_MS });
        return drillPage.locator('[data-testid="drill-plan-precondition"][data-ok="false"]').allInnerTexts();
      },
      (failing) => failing.length === 0,
      60_000,
      'the plan’s preconditions to hold',
      1000,
    );
    await drillPage.getByTestId('drill-run-button').click();
    const dialog = page.getByTestId('drill-confirm-dialog');
    await dialog.getByTestId('drill-confirm-input').fill('e2e-replace');
    await dialog.getByTestId('drill-confirm-run').click();
    await dialog.waitFor({ state: 'detached', timeout: PUSH_MS });

    const run = page.getByTestId('drill-run');
    await run.waitFor({ state: 'attached', timeout: PUSH_MS });
    await page.locator('[data-testid="drill-milestone"][data-name="spare-healthy"]').waitFor({ state: 'attached', timeout: DRILL_MS });
    const status = await pollUntil(() => run.getAttribute('data-status'), (s) => s !== null && FINAL.includes(s), DRILL_MS, 'the drill to end', 250);
    expect(status, await run.innerText()).toBe('passed');
    const load = await page.getByTestId('drill-spare-load').innerText();
    // "2.1 s (start → first healthy answer; HAProxy's rise × inter: 2 s)": the lab's spare listens 1.5 s after its start.
    expect(load).toMatch(/^\d+(\.\d+)? s \(start → first healthy answer; HAProxy’s rise × inter: \d+(\.\d+)? s\)$/);
    expect(Number(load.split(' ')[0])).toBeGreaterThanOrEqual(1.5);
    expect(await adminState(runtime)).toEqual(before);
    expect(serve.handle.labServices!.info().replicas.find((r) => r.name === spare)?.service).toBe('inactive');
    expect(errors, 'page errors').toEqual([]);
  }, 200_000);
});
