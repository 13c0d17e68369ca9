/**
 * Trust on first use, in the browser: nodes whose host keys are not in known_hosts are listed
 * with the SHA256 fingerprint OpenSSH would print; trusting one writes its key to known_hosts
 * and the node comes up healthy, while a node not trusted stays unconnected.
 */
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openPage } from './helpers/browser';
import { firstProbeDeadlineMs, riseDeadlineMs, type ProbeCadence } from './helpers/cadence';
import { tileState, waitForEvent, waitForTileHealth } from './helpers/console-page';
import { copyLabInventory, startOwnLab, type OwnLab } from './helpers/lab';
import { startE2eServe, watchedCadence, watchedNodeNames, type E2eServe } from './helpers/serve';
import { Teardown } from './helpers/teardown';

const LAB_NODES = 2;
const PUSH_MS = 5_000;

/** `ssh-keygen -lf` over the lab's own known_hosts: port → "SHA256:…", computed by OpenSSH, not by fleetops. */
function opensshFingerprints(knownHostsFile: string): Map<number, string> {
  const out = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', knownHostsFile], { encoding: 'utf8' });
  const byPort = new Map<number, string>();
  for (const line of out.trim().split('\n')) {
    const m = /^\d+ (SHA256:\S+) \[127\.0\.0\.1\]:(\d+) /.exec(line);
    if (!m) throw new Error(`unexpected ssh-keygen output: ${line}`);
    byPort.set(Number(m[2]), m[1]);
  }
  return byPort;
}

describe('unknown host keys in the browser', () => {
  const teardown = new Teardown();
  let own: OwnLab;
  let serve: E2eServe;
  let browser: Browser;
  let cadence: ProbeCadence;
  let page: Page;
  let knownHostsFile: string;
  let labKnownHosts: string;

  beforeAll(async () => {
    own = teardown.add('lab', await startOwnLab(LAB_NODES), (l) => l.stop());
    const labKnownHostsFile = join(own.lab.dir, 'known_hosts');
    labKnownHosts = await readFile(labKnownHostsFile, 'utf8');
    // Same fleet, but the console's known_hosts starts empty: it has never seen these hosts.
    knownHostsFile = join(own.workDir, 'known_hosts');
    await writeFile(knownHostsFile, '', { mode: 0o600 });
    const { path, text } = await copyLabInventory(own.lab, own.workDir);
    if (!text.includes(labKnownHostsFile)) throw new Error(`the lab inventory does not name ${labKnownHostsFile}:\n${text}`);
    await writeFile(path, text.replace(labKnownHostsFile, knownHostsFile));

    serve = teardown.add('serve --inventory', await startE2eServe(['--inventory', path]), (s) => s.stop());
    cadence = watchedCadence(serve);
    browser = teardown.add('chromium', await launchChromium(), (b) => b.close());
    page = (await openPage(browser, serve.url)).page;
  });

  afterAll(() => teardown.run());

  it('lists each unknown key with its SHA256 fingerprint; trusting one connects that node and records its key', async () => {
    const [trusted, other] = watchedNodeNames(serve);
    const portOf = (name: string) => serve.handle.core.monitor.node(name)?.port as number;
    const expected = opensshFingerprints(join(own.lab.dir, 'known_hosts'));

    const dialog = page.getByTestId('hostkey-dialog');
    // A first probe finds each unknown key.
    await dialog.getByTestId(`hostkey-${other}`).waitFor({ timeout: firstProbeDeadlineMs(cadence) });
    await dialog.getByTestId(`hostkey-${trusted}`).waitFor({ timeout: firstProbeDeadlineMs(cadence) });
    for (const name of [trusted, other]) {
      const fingerprint = await dialog.getByTestId(`hostkey-${name}`).locator('.fingerprint').innerText();
      expect(fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
      expect(fingerprint, `fingerprint shown for ${name}`).toBe(expected.get(portOf(name)));
      const row = await dialog.getByTestId(`hostkey-${name}`).innerText();
      expect(row).toContain(`127.0.0.1:${portOf(name)}`);
      expect(row).toContain('ssh-ed25519');
      // Not connected until trusted.
      expect((await tileState(page, name))?.health).not.toBe('healthy');
    }
    expect(await readFile(knownHostsFile, 'utf8')).toBe('');

    const trustedAt = Date.now();
    await dialog.getByTestId(`hostkey-trust-${trusted}`).click();
    await dialog.getByTestId(`hostkey-${trusted}`).waitFor({ state: 'detached', timeout: PUSH_MS });
    await waitForEvent(page, 'hostkey.trusted', `${trusted}: operator trusted ssh-ed25519 ${expected.get(portOf(trusted))}`, PUSH_MS);

    // Exactly the trusted node's key, as the lab's own known_hosts has it.
    const lines = (await readFile(knownHostsFile, 'utf8')).trim().split('\n');
    const labLine = labKnownHosts.split('\n').find((l) => l.startsWith(`[127.0.0.1]:${portOf(trusted)} `));
    expect(lines).toEqual([labLine]);
    // Editing known_hosts changes what the console trusts: on the audit record, with the fingerprint.
    const trust = serve.handle.core.store.audit.list({ limit: 100 }).filter((e) => e.kind === 'trust');
    expect(trust.map((e) => [e.subject, (e.detail as { action: string; fingerprint: string }).action, (e.detail as { fingerprint: string }).fingerprint])).toEqual([
      [trusted, 'hostkey.trust', expected.get(portOf(trusted))],
    ]);

    await waitForTileHealth(page, trusted, 'healthy', riseDeadlineMs(cadence) - (Date.now() - trustedAt));

    // The other node is still waiting: still listed, still not connected.
    expect(await dialog.getByTestId(`hostkey-${other}`).count()).toBe(1);
    expect((await tileState(page, other))?.health).not.toBe('healthy');
    expect(serve.handle.core.monitor.status(other)?.lastError?.code).toBe('SSH_HOST_KEY_UNKNOWN');

    // "Not now" hides the prompt for this page without trusting anything.
    await dialog.getByTestId(`hostkey-dismiss-${other}`).click();
    await dialog.waitFor({ state: 'detached', timeout: PUSH_MS });
    expect((await readFile(knownHostsFile, 'utf8')).trim().split('\n')).toEqual([labLine]);
  }, 45_000);
});
