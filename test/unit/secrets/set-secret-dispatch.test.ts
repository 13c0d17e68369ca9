/**
 * `secrets.set` through the dispatcher, with the real engine, its SQLite store and the desktop's
 * keychain-backed secret store: the value never comes back in a reply, a pushed event, the event
 * store or the keychain file in plain text. The replicas point at a closed loopback port, so once
 * the secret is set their re-probe gets as far as connecting (refused) instead of failing `auth`,
 * proving the value was found, without any HTTP server.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushEvent } from '../../../shared/contract';
import type { FleetEvent } from '../../../shared/status';
import { FleetCore } from '../../../electron/core/fleet/core';
import { createDispatch, type Dispatch } from '../../../electron/core/rpc/dispatch';
import type { SafeStorageLike } from '../../../electron/main/keychain-file';
import { desktopSecretStore, REPLICA_SECRETS_FILE } from '../../../electron/main/safe-storage-secrets';
import { closedPort, waitFor } from '../../integration/helpers/free-port';

const VALUE = 'sk-dispatch-Q7m2x9';
/** Over the contract's 8,192 characters: refused by the schema before the engine sees it. */
const TOO_LONG = `Vv3-too-long-${'x'.repeat(8192)}`;
const WITH_NEWLINE = 'Nl5-line\nbreak';
const SECRETS = [VALUE, 'Vv3-too-long-', 'Nl5-line'];

/** Stands in for the OS keychain (Electron's safeStorage cannot run outside Electron). */
const keychain: SafeStorageLike = {
  isEncryptionAvailable: () => true,
  encryptString: (s) => Buffer.from(Buffer.from(s).map((x) => x ^ 0x5a)),
  decryptString: (b) => Buffer.from(b.map((x) => x ^ 0x5a)).toString(),
};

const dir = mkdtempSync(join(tmpdir(), 'fleetops-secrets-dispatch-'));
const dataDir = join(dir, 'data');
let core: FleetCore;
let dispatch: Dispatch;
const pushed: PushEvent[] = [];

beforeAll(async () => {
  const port = await closedPort();
  const replica = (name: string, auth: string) =>
    `  - { name: ${name}, url: "http://127.0.0.1:${port}", model: m, ${auth}health: { path: /health, intervalSeconds: 3600 } }\n`;
  const inventory = join(dir, 'fleet.yaml');
  writeFileSync(
    inventory,
    `version: 1
regions:
  - name: r1
    clusters:
      - { name: c1, role: inference, nodes: [] }
replicas:
${replica('rep-a', 'auth: { header: Authorization, secretRef: shared-key }, ')}${replica('rep-b', 'auth: { header: Authorization, secretRef: shared-key }, ')}${replica('rep-c', 'auth: { header: api-key, secretRef: other-key }, ')}${replica('rep-d', '')}`,
  );
  core = new FleetCore({
    dataDir,
    inventoryPath: inventory,
    inventoryEnv: { homeDir: dir, defaultUser: 'ops' },
    watchInventory: false,
    secrets: desktopSecretStore(keychain, dataDir, async () => undefined),
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
  for (const secret of SECRETS) expect(text.includes(secret), `${what} contains a secret`).toBe(false);
};
const status = (name: string) => core.services.replicas.status(name)!;

describe('secrets.set over dispatch', () => {
  it('replica statuses name their secretRef, never a value', async () => {
    const snap = await dispatch('fleet.snapshot', {});
    const replicas = snap.ok ? (snap.result as { replicas: Array<{ name: string; secretRef: string | null }> }).replicas : [];
    expect(replicas.map((r) => [r.name, r.secretRef])).toEqual([
      ['rep-a', 'shared-key'],
      ['rep-b', 'shared-key'],
      ['rep-c', 'other-key'],
      ['rep-d', null],
    ]);
  });

  it('refuses a ref no replica uses, storing nothing and not echoing the value', async () => {
    const reply = await dispatch('secrets.set', { ref: 'unused-key', value: VALUE });
    expect(reply).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'no replica in the inventory uses secretRef "unused-key": nothing was stored', detail: { ref: 'unused-key' } },
    });
    expect(existsSync(join(dataDir, REPLICA_SECRETS_FILE))).toBe(false);
  });

  it('refuses an over-long value, one with a line break, and a ref that is no name, at the schema, without echoing them', async () => {
    for (const params of [
      { ref: 'shared-key', value: TOO_LONG },
      { ref: 'shared-key', value: WITH_NEWLINE },
      { ref: 'shared-key', value: '' },
      { ref: '../shared-key', value: VALUE },
      { ref: 'shared-key', value: VALUE, extra: 1 },
    ]) {
      const reply = await dispatch('secrets.set', params);
      expect(reply).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
      expectNoSecret('the reply', JSON.stringify(reply));
    }
    expect(existsSync(join(dataDir, REPLICA_SECRETS_FILE))).toBe(false);
  });

  it('stores the value, names exactly the replicas using the ref, and re-probes them with it', async () => {
    // Three failures open rep-a's circuit; rep-b fails once and stays probeable.
    for (let i = 0; i < 3; i++) await core.services.replicas.probeNow('rep-a');
    await core.services.replicas.probeNow('rep-b');
    await core.services.replicas.probeNow('rep-c');
    for (const name of ['rep-a', 'rep-b', 'rep-c']) {
      expect(status(name)).toMatchObject({ health: 'unhealthy', lastHealth: { failure: 'auth', status: null } });
    }
    expect(status('rep-b').lastHealth?.detail).toBe('secret "shared-key" is not in the secret store: store it there under that name');
    expect(status('rep-a').breaker.state).toBe('open');

    const reply = await dispatch('secrets.set', { ref: 'shared-key', value: VALUE });
    expect(reply).toEqual({ ok: true, result: { stored: true, persisted: true, replicas: ['rep-a', 'rep-b'] } });
    // The value was found: the probe now goes as far as the (closed) port.
    await waitFor(() => status('rep-b').lastHealth?.failure === 'refused', { what: 'rep-b to be re-probed with the secret' });
    // rep-a's circuit was opened by failures with no secret: the new secret closes it and is tried at once.
    await waitFor(() => status('rep-a').lastHealth?.failure === 'refused', { what: 'rep-a re-probed despite its open circuit' });
    expect(status('rep-b').reasons.join(' ')).toMatch(/connection refused/);
    // Another ref's replica is untouched.
    expect(status('rep-c').lastHealth?.failure).toBe('auth');

    const listed = await dispatch('events.list', {});
    const events = listed.ok ? (listed.result as FleetEvent[]) : [];
    expect(events.filter((e) => e.kind === 'secret.set').map((e) => [e.severity, e.subject, e.message])).toEqual([
      [
        'info',
        null,
        'operator set secret "shared-key", kept in memory and in the OS keychain; re-probing rep-a and rep-b',
      ],
    ]);
    // A change to the console's trust: on the audit record by ref (never the value), and the refused attempt too.
    const trust = core.store.audit.list({ limit: 50 }).filter((e) => e.kind.startsWith('trust'));
    expect(trust.map((e) => [e.kind, (e.detail as { action: string; ref: string }).action, (e.detail as { ref: string }).ref])).toEqual([
      ['trust', 'secret.set', 'shared-key'],
      ['trust.refused', 'secret.set', 'unused-key'],
    ]);
    expectNoSecret('the audit trail', JSON.stringify(core.store.audit.list({ limit: 1000 })));
  });

  it('no value reaches a push, the event store (any page, WAL included) or the keychain file in plain text', async () => {
    expectNoSecret('pushed events', JSON.stringify(pushed));
    const db = new Database(core.store.path, { readonly: true });
    try {
      const rows = db.prepare('SELECT * FROM events').all();
      expect(rows.length).toBeGreaterThan(2);
      expectNoSecret('the events table', JSON.stringify(rows));
    } finally {
      db.close();
    }
    for (const file of [core.store.path, `${core.store.path}-wal`, join(dataDir, REPLICA_SECRETS_FILE)]) {
      if (existsSync(file)) expectNoSecret(file, readFileSync(file).toString('latin1'));
    }
    expect(existsSync(join(dataDir, REPLICA_SECRETS_FILE))).toBe(true);
  });
});
