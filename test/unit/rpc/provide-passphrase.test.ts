/**
 * `ssh.providePassphrase` through the dispatcher, with the real engine and its SQLite store: the
 * passphrase, right or wrong, never comes back in a reply, a pushed event or the event store.
 * The nodes point at a closed loopback port, so after the passphrase is accepted the probe gets
 * as far as connecting, proving the passphrase was used, without any SSH server.
 */
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushEvent } from '../../../shared/contract';
import { FleetCore } from '../../../electron/core/fleet/core';
import { createDispatch, type Dispatch } from '../../../electron/core/rpc/dispatch';
import { closedPort, waitFor } from '../../integration/helpers/free-port';

const PASSPHRASE = 'Zq7 right horse 0xA11CE';
const WRONG = 'Kx9 wrong horse 0xB0B';
/** Over the contract's 1,024 characters: refused by the schema before the engine sees it. */
const TOO_LONG = `Vv3-too-long-${'x'.repeat(1024)}`;
const SECRETS = [PASSPHRASE, WRONG, 'Vv3-too-long-'];

const dir = mkdtempSync(join(tmpdir(), 'fleetops-provide-'));
const dataDir = join(dir, 'data');
const encryptedKey = join(dir, 'id_encrypted');
const otherKey = join(dir, 'id_other');
let core: FleetCore;
let dispatch: Dispatch;
const pushed: PushEvent[] = [];

beforeAll(async () => {
  // OpenSSH's own keys; `-a 1` keeps each decryption to milliseconds.
  for (const [file, passphrase] of [
    [encryptedKey, PASSPHRASE],
    [otherKey, ''],
  ]) {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-a', '1', '-N', passphrase, '-C', 'provide-test', '-f', file], { stdio: 'ignore' });
  }
  const port = await closedPort();
  const inventory = join(dir, 'fleet.yaml');
  writeFileSync(join(dir, 'known_hosts'), '');
  writeFileSync(
    inventory,
    `version: 1
defaults: { user: ops, identityFile: ${encryptedKey}, knownHostsFile: ${join(dir, 'known_hosts')}, agent: false, probe: { intervalSeconds: 60, timeoutSeconds: 2, fall: 1, rise: 1 } }
regions:
  - name: r1
    clusters:
      - name: c1
        role: inference
        nodes:
          - { name: n1, host: 127.0.0.1, port: ${port}, gpus: { count: 1 } }
          - { name: n2, host: 127.0.0.1, port: ${port}, gpus: { count: 1 } }
          - { name: n3, host: 127.0.0.1, port: ${port}, gpus: { count: 1 }, identityFile: ${otherKey} }
`,
  );
  core = new FleetCore({
    dataDir,
    inventoryPath: inventory,
    inventoryEnv: { homeDir: dir, defaultUser: 'ops' },
    watchInventory: false,
    // After one failure the pool would wait ~a minute before connecting again: only the backoff
    // reset that comes with an accepted passphrase lets the re-probe connect within the test.
    ssh: { backoff: { baseMs: 60_000, maxMs: 60_000 }, random: () => 0.99 },
  });
  core.subscribe((e) => pushed.push(e));
  await core.start();
  dispatch = createDispatch(core.handlers, { validateOutput: true });
});

afterAll(async () => {
  await core?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const expectNoSecret = (what: string, text: string): void => {
  for (const secret of SECRETS) expect(text.includes(secret), `${what} contains a passphrase`).toBe(false);
};

describe('ssh.providePassphrase over dispatch', () => {
  it('refuses a wrong passphrase with SSH_AUTH_FAILED and does not echo it', async () => {
    const reply = await dispatch('ssh.providePassphrase', { identityFile: encryptedKey, passphrase: WRONG });
    expect(reply).toMatchObject({ ok: false, error: { code: 'SSH_AUTH_FAILED', detail: { identityFile: encryptedKey, wrongPassphrase: true } } });
    expect(!reply.ok && reply.error.message).toContain(`wrong passphrase for identity file ${encryptedKey}`);
    expectNoSecret('the reply', JSON.stringify(reply));
  });

  it('refuses an over-long passphrase at the schema without echoing it', async () => {
    const reply = await dispatch('ssh.providePassphrase', { identityFile: encryptedKey, passphrase: TOO_LONG });
    expect(reply).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expectNoSecret('the reply', JSON.stringify(reply));
  });

  it('refuses identity files the inventory does not use, without reading them', async () => {
    const reply = await dispatch('ssh.providePassphrase', { identityFile: '/etc/shadow', passphrase: WRONG });
    expect(reply).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expectNoSecret('the reply', JSON.stringify(reply));
  });

  it('accepts the right passphrase, names exactly the nodes using that key, and they connect with it', async () => {
    // Probe now rather than at the scheduler's spread first probe; the next scheduled one is a minute away.
    for (const name of ['n1', 'n2']) core.monitor.probeSoon(name);
    for (const name of ['n1', 'n2']) {
      await waitFor(() => core.monitor.status(name)?.lastError?.code === 'SSH_PASSPHRASE_REQUIRED', { what: `${name} to need the passphrase` });
    }
    const reply = await dispatch('ssh.providePassphrase', { identityFile: encryptedKey, passphrase: PASSPHRASE });
    expect(reply).toEqual({ ok: true, result: { accepted: true, nodes: ['n1', 'n2'] } });
    // The key now decrypts: the next probe, started at once, gets as far as the (closed) port.
    for (const name of ['n1', 'n2']) {
      await waitFor(() => core.monitor.status(name)?.lastError?.code === 'HOST_UNREACHABLE', { what: `${name} to try connecting` });
    }
  });

  it('records every attempt by key file only, and no passphrase reaches the event store or a push', async () => {
    const listed = await dispatch('events.list', {});
    expect(listed.ok).toBe(true);
    const events = listed.ok ? (listed.result as Array<{ kind: string; message: string; severity: string }>) : [];
    const rejected = events.filter((e) => e.kind === 'ssh.passphrase.rejected');
    const provided = events.filter((e) => e.kind === 'ssh.passphrase.provided');
    expect(rejected.map((e) => e.message)).toEqual([`passphrase entered for ${encryptedKey} refused (SSH_AUTH_FAILED): nothing was stored`]);
    expect(provided.map((e) => e.message)).toEqual([
      `operator entered the passphrase of ${encryptedKey}, kept in memory until fleetops stops; re-probing n1 and n2`,
    ]);
    // On the audit record as changes to the console's trust, newest first, by key file only.
    const trust = core.store.audit.list({ limit: 50 }).filter((e) => e.kind.startsWith('trust'));
    expect(trust.map((e) => [e.kind, (e.detail as { action: string }).action, (e.detail as { identityFile: string }).identityFile])).toEqual([
      ['trust', 'passphrase.set', encryptedKey],
      ['trust.refused', 'passphrase.set', '/etc/shadow'],
      ['trust.refused', 'passphrase.set', encryptedKey],
    ]);
    expectNoSecret('the audit trail', JSON.stringify(core.store.audit.list({ limit: 1000 })));

    expectNoSecret('pushed events', JSON.stringify(pushed));
    const db = new Database(core.store.path, { readonly: true });
    try {
      const rows = db.prepare('SELECT * FROM events').all();
      expect(rows.length).toBeGreaterThan(2);
      expectNoSecret('the events table', JSON.stringify(rows));
    } finally {
      db.close();
    }
    // Not in any page of the database either (WAL included), not even a deleted one.
    for (const file of [core.store.path, `${core.store.path}-wal`]) {
      if (existsSync(file)) expectNoSecret(file, readFileSync(file).toString('latin1'));
    }
  });
});
