/**
 * An encrypted SSH key, unlocked from the browser: `serve` watches a node of a real sshd through
 * a passphrase-protected identity file and has no passphrase (no environment variable, no
 * terminal). The console asks for it; a wrong one is refused with its code and the dialog stays;
 * the right one brings the node up healthy.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, TEST_USER, type TestSshd } from '../integration/helpers/sshd';
import { launchChromium, openPage } from './helpers/browser';
import { firstProbeDeadlineMs, riseDeadlineMs, type ProbeCadence } from './helpers/cadence';
import { tileState, waitForEvent, waitForTileHealth } from './helpers/console-page';
import { startE2eServe, watchedCadence, type E2eServe } from './helpers/serve';
import { Teardown } from './helpers/teardown';

const NODE = 'gpu-1';
const WRONG = 'wrong horse 0xB0B';
/** A call and its reply over the page's WebSocket; a key decryption takes about half a second here. */
const CALL_MS = 5_000;

describe('key passphrase in the browser', () => {
  const teardown = new Teardown();
  let sshd: TestSshd;
  let serve: E2eServe;
  let browser: Browser;
  let cadence: ProbeCadence;
  let page: Page;

  beforeAll(async () => {
    // serve would otherwise take the passphrase from here and never ask.
    delete process.env.FLEETOPS_SSH_PASSPHRASE;
    sshd = teardown.add('sshd', await startSshd(), (s) => s.dispose());
    const dir = teardown.add('inventory dir', await mkdtemp(join(tmpdir(), 'fleetops-e2e-passphrase-')), (d) => rm(d, { recursive: true, force: true }));
    const inventory = join(dir, 'fleet.yaml');
    await writeFile(
      inventory,
      `version: 1
defaults:
  user: ${TEST_USER}
  identityFile: ${sshd.encryptedIdentityFile}
  knownHostsFile: ${sshd.knownHostsFile}
  agent: false
  probe: { intervalSeconds: 2, timeoutSeconds: 5, fall: 1, rise: 1 }
regions:
  - name: lab
    clusters:
      - name: c1
        role: inference
        nodes:
          - { name: ${NODE}, host: ${sshd.host}, port: ${sshd.port}, gpus: { count: 1 } }
`,
    );
    serve = teardown.add('serve --inventory', await startE2eServe(['--inventory', inventory]), (s) => s.stop());
    cadence = watchedCadence(serve);
    browser = teardown.add('chromium', await launchChromium(), (b) => b.close());
    page = (await openPage(browser, serve.url)).page;
  });

  afterAll(() => teardown.run());

  it('asks for the passphrase, refuses a wrong one, and connects with the right one', async () => {
    const dialog = page.getByTestId('passphrase-dialog');
    await dialog.waitFor({ timeout: firstProbeDeadlineMs(cadence) });
    expect(await dialog.getByTestId('passphrase-file-0').innerText()).toBe(sshd.encryptedIdentityFile);
    expect(await dialog.getByTestId('passphrase-nodes-0').innerText()).toBe(NODE);
    expect((await tileState(page, NODE))?.health).toBe('unreachable');
    const input = dialog.getByTestId('passphrase-input-0');
    expect(await input.getAttribute('type')).toBe('password');
    expect(await input.getAttribute('autocomplete')).toBe('off');

    await input.fill(WRONG);
    await dialog.getByTestId('passphrase-submit-0').click();
    const error = dialog.getByTestId('passphrase-error');
    await error.waitFor({ timeout: CALL_MS });
    expect(await error.getByTestId('error-note').getAttribute('data-code')).toBe('SSH_AUTH_FAILED');
    const shown = await error.innerText();
    expect(shown).toContain(`wrong passphrase for identity file ${sshd.encryptedIdentityFile}`);
    expect(shown).not.toContain(WRONG);
    // Still asking, with an empty field.
    expect(await input.inputValue()).toBe('');
    expect((await tileState(page, NODE))?.health).toBe('unreachable');

    const enteredAt = Date.now();
    await input.fill(sshd.passphrase);
    await dialog.getByTestId('passphrase-submit-0').click();
    await waitForTileHealth(page, NODE, 'healthy', riseDeadlineMs(cadence) - (Date.now() - enteredAt));
    await dialog.waitFor({ state: 'detached', timeout: CALL_MS });
    await waitForEvent(page, 'ssh.passphrase.provided', `operator entered the passphrase of ${sshd.encryptedIdentityFile}`, CALL_MS);
    expect(await page.content()).not.toContain(sshd.passphrase);
  }, 45_000);
});
