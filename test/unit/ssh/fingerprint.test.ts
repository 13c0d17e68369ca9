import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fingerprintOf, keyTypeOf } from '../../../electron/core/ssh/fingerprint';

const hasKeygen = (() => {
  try {
    execFileSync('ssh-keygen', ['-?'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
})();

const dir = mkdtempSync(join(tmpdir(), 'fp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!hasKeygen)('fingerprintOf', () => {
  it.each([
    ['ed25519', [] as string[]],
    ['ecdsa', ['-b', '384']],
    ['rsa', ['-b', '2048']],
  ])('equals the SHA256 fingerprint ssh-keygen -lf prints for a %s key', (type, bits) => {
    const file = join(dir, `key-${type}`);
    execFileSync('ssh-keygen', ['-q', '-t', type, ...bits, '-N', '', '-C', 'test', '-f', file]);
    const [keyType, b64] = readFileSync(`${file}.pub`, 'utf8').split(' ');
    const blob = Buffer.from(b64, 'base64');
    // "256 SHA256:… test (ED25519)"
    const printed = execFileSync('ssh-keygen', ['-lf', `${file}.pub`], { encoding: 'utf8' }).split(' ')[1];
    expect(printed).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(fingerprintOf(blob)).toBe(printed);
    expect(keyTypeOf(blob)).toBe(keyType);
  });
});

describe('keyTypeOf', () => {
  it('returns undefined for blobs that cannot hold a type name', () => {
    expect(keyTypeOf(Buffer.alloc(2))).toBeUndefined();
    expect(keyTypeOf(Buffer.from([0, 0, 0, 20, 0x61]))).toBeUndefined();
    expect(keyTypeOf(Buffer.from([0, 0, 0, 0]))).toBeUndefined();
  });
});
