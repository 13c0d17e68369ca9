import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { utils } from 'ssh2';
import { afterAll, describe, expect, it } from 'vitest';
import { FleetError } from '../../../shared/errors';
import { authMethods, IdentityCache, loadCredentials } from '../../../electron/core/ssh/auth';
import { generateEd25519 } from '../../../electron/core/lab/lab-keys';

const dir = mkdtempSync(join(tmpdir(), 'auth-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PASSPHRASE = 'open sesame';
const plainKey = join(dir, 'id_plain');
// ssh2's keygen hands out an unparseable key about 1 time in 256: the lab's generator draws again.
writeFileSync(plainKey, generateEd25519().private);
const encryptedKey = join(dir, 'id_encrypted');
writeFileSync(encryptedKey, encryptedPrivateKey());

/**
 * ssh2 1.17's generator writes a malformed encrypted key about 1 time in 250 (ssh-keygen cannot
 * load those either), so keep the first one that decrypts. One bcrypt round: this test is about
 * the flow, not the KDF's cost.
 */
function encryptedPrivateKey(): string {
  for (let attempt = 0; attempt < 20; attempt++) {
    const key = utils.generateKeyPairSync('ed25519', { passphrase: PASSPHRASE, cipher: 'aes256-ctr', rounds: 1 }).private;
    if (!(utils.parseKey(key, PASSPHRASE) instanceof Error)) return key;
  }
  throw new Error('ssh2 generated no usable encrypted key in 20 attempts');
}

const req = { subject: 'gpu-1', user: 'ops', host: '10.0.0.5', port: 22 };

async function failure(p: Promise<unknown>): Promise<FleetError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FleetError);
  return err as FleetError;
}

describe('loadCredentials', () => {
  it('loads an unencrypted identity and lists what it will offer', async () => {
    const creds = await loadCredentials({ ...req, identityFile: plainKey, agent: '/run/agent.sock' });
    expect(creds.key?.isPrivateKey()).toBe(true);
    expect(creds.tried).toEqual([`key ${plainKey}`, 'agent /run/agent.sock']);
    expect(authMethods(creds, 'ops').map((m) => m.type)).toEqual(['publickey', 'agent']);
  });

  it('asks the provider for an encrypted identity and decrypts it', async () => {
    const asked: string[] = [];
    const creds = await loadCredentials({ ...req, identityFile: encryptedKey }, { get: async (f) => (asked.push(f), PASSPHRASE) });
    expect(asked).toEqual([encryptedKey]);
    expect(creds.key?.isPrivateKey()).toBe(true);
  });

  it('decrypts an identity once per file content, not once per connection', async () => {
    const cache = new IdentityCache();
    const asked: string[] = [];
    const provider = { get: async (f: string) => (asked.push(f), PASSPHRASE) };
    const first = await loadCredentials({ ...req, identityFile: encryptedKey }, provider, cache);
    const second = await loadCredentials({ ...req, subject: 'gpu-2', identityFile: encryptedKey }, provider, cache);
    expect(asked).toEqual([encryptedKey]);
    expect(second.key).toBe(first.key);
    // A replaced key file is read (and decrypted) again.
    const copy = join(dir, 'id_rotating');
    writeFileSync(copy, generateEd25519().private);
    const a = await loadCredentials({ ...req, identityFile: copy }, undefined, cache);
    writeFileSync(copy, generateEd25519().private + '\n');
    const b = await loadCredentials({ ...req, identityFile: copy }, undefined, cache);
    expect(b.key).not.toBe(a.key);
    expect(b.key!.getPublicSSH().equals(a.key!.getPublicSSH())).toBe(false);
  });

  it('needs a passphrase when none is available and there is no agent to fall back on', async () => {
    const err = await failure(loadCredentials({ ...req, identityFile: encryptedKey }, { get: async () => undefined }));
    expect(err.code).toBe('SSH_PASSPHRASE_REQUIRED');
    expect(err.message).toContain(encryptedKey);
    expect((await failure(loadCredentials({ ...req, identityFile: encryptedKey }))).code).toBe('SSH_PASSPHRASE_REQUIRED');
  });

  it('falls back on the agent alone, remembering the skipped identity', async () => {
    const creds = await loadCredentials({ ...req, identityFile: encryptedKey, agent: '/run/agent.sock' });
    expect(creds.key).toBeUndefined();
    expect(creds.passphraseMissingFor).toBe(encryptedKey);
    expect(authMethods(creds, 'ops').map((m) => m.type)).toEqual(['agent']);
  });

  it('reports a wrong passphrase as SSH_AUTH_FAILED without repeating it', async () => {
    const err = await failure(loadCredentials({ ...req, identityFile: encryptedKey }, { get: async () => 'wrong words' }));
    expect(err.code).toBe('SSH_AUTH_FAILED');
    expect(err.message).toContain('ops@10.0.0.5:22');
    // The console asks again for a wrong passphrase, as for a missing one.
    expect(err.detail).toEqual({ identityFile: encryptedKey, wrongPassphrase: true });
    expect(JSON.stringify({ m: err.message, d: err.detail })).not.toContain('wrong words');
  });

  it('reports unreadable, unusable or missing credentials as SSH_AUTH_FAILED', async () => {
    expect((await failure(loadCredentials({ ...req, identityFile: join(dir, 'missing') }))).message).toContain('ENOENT');
    const notAKey = join(dir, 'not-a-key');
    writeFileSync(notAKey, 'hello\n');
    expect((await failure(loadCredentials({ ...req, identityFile: notAKey }))).code).toBe('SSH_AUTH_FAILED');
    const pubOnly = join(dir, 'id.pub');
    writeFileSync(pubOnly, generateEd25519().public);
    expect((await failure(loadCredentials({ ...req, identityFile: pubOnly }))).message).toContain('no private key');
    expect((await failure(loadCredentials({ ...req, agent: false }))).message).toContain('no identity file and no ssh-agent');
  });
});
