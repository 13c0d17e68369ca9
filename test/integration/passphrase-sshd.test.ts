/**
 * An operator-entered passphrase against a real OpenSSH sshd: a node whose identity file is
 * encrypted, with no passphrase in the environment, waits unreachable with
 * SSH_PASSPHRASE_REQUIRED; once the passphrase is entered through the contract it connects with
 * that key and comes up healthy, at once rather than after its reconnect backoff.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetCore } from '../../electron/core/fleet/core';
import { createDispatch, type Dispatch } from '../../electron/core/rpc/dispatch';
import { waitFor } from './helpers/free-port';
import { startSshd, TEST_USER, type TestSshd } from './helpers/sshd';

/** The pool's wait after a failed connect (random pinned near 1): far longer than the test allows. */
const BACKOFF_MS = 60_000;

let sshd: TestSshd;
let dir: string;
let core: FleetCore;
let dispatch: Dispatch;

beforeAll(async () => {
  sshd = await startSshd();
  dir = await mkdtemp(join(tmpdir(), 'fleetops-passphrase-'));
  const inventory = join(dir, 'fleet.yaml');
  await writeFile(
    inventory,
    `version: 1
defaults:
  user: ${TEST_USER}
  identityFile: ${sshd.encryptedIdentityFile}
  knownHostsFile: ${sshd.knownHostsFile}
  agent: false
  probe: { intervalSeconds: 60, timeoutSeconds: 10, fall: 1, rise: 1 }
regions:
  - name: lab
    clusters:
      - name: c1
        role: inference
        nodes:
          - { name: gpu-1, host: ${sshd.host}, port: ${sshd.port}, gpus: { count: 1 } }
`,
  );
  // No inner provider: nothing in the environment, no terminal, no keychain.
  core = new FleetCore({
    dataDir: join(dir, 'data'),
    inventoryPath: inventory,
    inventoryEnv: { homeDir: dir, defaultUser: TEST_USER },
    watchInventory: false,
    ssh: { backoff: { baseMs: BACKOFF_MS, maxMs: BACKOFF_MS }, random: () => 0.99 },
  });
  await core.start();
  dispatch = createDispatch(core.handlers, { validateOutput: true });
});

afterAll(async () => {
  await core?.stop();
  await sshd?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('passphrase entered by the operator', () => {
  it('turns a node waiting for its key passphrase healthy', async () => {
    const logMark = sshd.logText().length;
    // The first probe now, not at the scheduler's spread start; the next is a minute away.
    core.monitor.probeSoon('gpu-1');
    const waiting = await waitFor(() => {
      const s = core.monitor.status('gpu-1');
      return s?.lastError?.code === 'SSH_PASSPHRASE_REQUIRED' ? s : null;
    }, { what: 'gpu-1 to need its passphrase' });
    expect(waiting.health).toBe('unreachable');
    expect(waiting.lastError?.detail).toEqual({ identityFile: sshd.encryptedIdentityFile });
    // The missing passphrase stopped it before any packet left: sshd never saw a connection.
    expect(sshd.logText().slice(logMark)).not.toMatch(/Connection from 127\.0\.0\.1/);

    const wrong = await dispatch('ssh.providePassphrase', { identityFile: sshd.encryptedIdentityFile, passphrase: 'not it' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'SSH_AUTH_FAILED' } });

    const startedAt = Date.now();
    const accepted = await dispatch('ssh.providePassphrase', { identityFile: sshd.encryptedIdentityFile, passphrase: sshd.passphrase });
    expect(accepted).toEqual({ ok: true, result: { accepted: true, nodes: ['gpu-1'] } });

    const healthy = await waitFor(() => {
      const s = core.monitor.status('gpu-1');
      return s?.health === 'healthy' ? s : null;
    }, { what: 'gpu-1 to become healthy', timeoutMs: 15_000 });
    expect(Date.now() - startedAt).toBeLessThan(BACKOFF_MS);
    expect(healthy.lastError).toBeNull();
    expect(healthy.gpus.map((g) => g.name)).toEqual(['NVIDIA H100 80GB HBM3']);
    // sshd accepted exactly the encrypted key: its log names the key by fingerprint, as ssh-keygen computes it.
    const fingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${sshd.encryptedIdentityFile}.pub`], { encoding: 'utf8' }).split(' ')[1];
    expect(fingerprint).toMatch(/^SHA256:/);
    const log = await sshd.waitForLog(/Accepted publickey for /, logMark);
    expect(log).toContain(`Accepted publickey for ${TEST_USER} from 127.0.0.1`);
    expect(log).toContain(fingerprint);
  });
});
