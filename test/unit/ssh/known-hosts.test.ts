import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { utils } from 'ssh2';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkHostKey,
  entryMatchesHost,
  formatKnownHostsLine,
  hashKnownHostName,
  knownHostName,
  knownKeyTypesFor,
  parseKnownHosts,
} from '../../../electron/core/ssh/known-hosts';
import { preferredHostKeyAlgorithms } from '../../../electron/core/ssh/host-key-check';
import { generateEd25519 } from '../../../electron/core/lab/lab-keys';

function newKey(type: 'ed25519' | 'ecdsa' = 'ed25519'): { type: string; b64: string; blob: Buffer } {
  const pub = type === 'ecdsa' ? utils.generateKeyPairSync('ecdsa', { bits: 256 }).public : generateEd25519().public; // drawn again when ssh2's keygen hands out an unparseable one
  const [keyType, b64] = pub.split(' ');
  return { type: keyType, b64, blob: Buffer.from(b64, 'base64') };
}

const hasKeygen = (() => {
  try {
    execFileSync('ssh-keygen', ['-?'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    // ssh-keygen exits non-zero on -? but exists; ENOENT means it is not installed.
    return (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
})();

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const A = newKey();
const B = newKey();

describe('parseKnownHosts', () => {
  it('skips comments, blank lines and malformed lines, keeping real line numbers', () => {
    const text = [
      '# comment',
      '',
      '   ',
      `gpu1 ${A.type}`, // no key
      `gpu1 ${A.type} not*base64`,
      `gpu1 ecdsa-sha2-nistp256 ${A.b64}`, // type field disagrees with the blob
      `@bogus-marker gpu1 ${A.type} ${A.b64}`,
      `|1|c2FsdA==|aGFzaA== ${A.type} ${A.b64}`, // hashed with a 4-byte salt: not ssh-keygen's
      `gpu1 ${A.type} ${Buffer.from('short').toString('base64')}`,
      `gpu1,gpu1.example.com ${A.type} ${A.b64} operator@laptop`,
      `\t[gpu2]:2222 ${B.type} ${B.b64}\r`,
    ].join('\n');
    const entries = parseKnownHosts(text);
    expect(entries.map((e) => e.line)).toEqual([10, 11]);
    expect(entries[0]).toMatchObject({ keyType: 'ssh-ed25519', hosts: { patterns: ['gpu1', 'gpu1.example.com'] } });
    expect(entries[0].key.equals(A.blob)).toBe(true);
    expect(entries[1].hosts).toEqual({ patterns: ['[gpu2]:2222'] });
  });

  it('reads @revoked and @cert-authority markers', () => {
    const entries = parseKnownHosts(`@revoked * ${A.type} ${A.b64}\n@cert-authority *.example.com ${B.type} ${B.b64}\n`);
    expect(entries.map((e) => e.marker)).toEqual(['revoked', 'cert-authority']);
  });
});

describe('host matching', () => {
  it('writes non-22 ports as [host]:port and lowercases, like ssh', () => {
    expect(knownHostName('GPU1.Example.COM', 22)).toBe('gpu1.example.com');
    expect(knownHostName('10.0.0.5', 2222)).toBe('[10.0.0.5]:2222');
  });

  it('matches plain entries only on their port', () => {
    const entries = parseKnownHosts(`gpu1 ${A.type} ${A.b64}\n`);
    expect(checkHostKey(entries, 'gpu1', 22, A.blob)).toEqual({ kind: 'trusted', line: 1 });
    expect(checkHostKey(entries, 'gpu1', 2222, A.blob)).toEqual({ kind: 'unknown' });
    expect(checkHostKey(entries, 'gpu10', 22, A.blob)).toEqual({ kind: 'unknown' });
  });

  it('matches any name of a comma-separated list, case-insensitively', () => {
    const entries = parseKnownHosts(`GPU1.example.com,10.0.0.5,[gpu1]:2222 ${A.type} ${A.b64}\n`);
    expect(checkHostKey(entries, 'gpu1.EXAMPLE.com', 22, A.blob).kind).toBe('trusted');
    expect(checkHostKey(entries, '10.0.0.5', 22, A.blob).kind).toBe('trusted');
    expect(checkHostKey(entries, 'gpu1', 2222, A.blob).kind).toBe('trusted');
    expect(checkHostKey(entries, 'gpu1', 22, A.blob).kind).toBe('unknown');
  });

  it('honours wildcards and negation (a matching !pattern vetoes the line)', () => {
    const [entry] = parseKnownHosts(`*.example.com,!bad.example.com,gpu?? ${A.type} ${A.b64}\n`);
    expect(entryMatchesHost(entry, 'a.example.com')).toBe(true);
    expect(entryMatchesHost(entry, 'bad.example.com')).toBe(false);
    expect(entryMatchesHost(entry, 'gpu12')).toBe(true);
    expect(entryMatchesHost(entry, 'gpu123')).toBe(false);
    expect(entryMatchesHost(entry, 'example.com')).toBe(false);
  });

  it('matches hashed entries by HMAC-SHA1 of the name, including [host]:port', () => {
    const entries = parseKnownHosts(`${hashKnownHostName('[10.0.0.5]:2222')} ${A.type} ${A.b64}\n`);
    expect(checkHostKey(entries, '10.0.0.5', 2222, A.blob).kind).toBe('trusted');
    expect(checkHostKey(entries, '10.0.0.5', 22, A.blob).kind).toBe('unknown');
  });

  it.skipIf(!hasKeygen)('hashes exactly like ssh-keygen -H, and matches its output', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kh-'));
    dirs.push(dir);
    const file = join(dir, 'known_hosts');
    writeFileSync(file, `gpu1.example.com ${A.type} ${A.b64}\n[10.0.0.5]:2222 ${B.type} ${B.b64}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const hashed = readFileSync(file, 'utf8');
    const entries = parseKnownHosts(hashed);
    expect(entries).toHaveLength(2);
    expect(entries.every((e) => 'hashed' in e.hosts)).toBe(true);
    expect(checkHostKey(entries, 'gpu1.example.com', 22, A.blob).kind).toBe('trusted');
    expect(checkHostKey(entries, '10.0.0.5', 2222, B.blob).kind).toBe('trusted');
    expect(checkHostKey(entries, '10.0.0.5', 2222, A.blob).kind).toBe('changed');

    // Same salt in, same field out: our hashing is ssh-keygen's.
    const firstField = hashed.split('\n')[0].split(' ')[0];
    const salt = Buffer.from(firstField.split('|')[2], 'base64');
    expect(hashKnownHostName('gpu1.example.com', salt)).toBe(firstField);
  });
});

describe('checkHostKey verdicts', () => {
  it('calls a host with only other keys "changed", listing the lines and types', () => {
    const C = newKey('ecdsa');
    const entries = parseKnownHosts(`# x\ngpu1 ${B.type} ${B.b64}\ngpu1 ${C.type} ${C.b64}\nother ${A.type} ${A.b64}\n`);
    expect(checkHostKey(entries, 'gpu1', 22, A.blob)).toEqual({
      kind: 'changed',
      lines: [2, 3],
      knownKeyTypes: ['ssh-ed25519', 'ecdsa-sha2-nistp256'],
    });
  });

  it('treats a @revoked key as revoked even when a line also trusts it', () => {
    const entries = parseKnownHosts(`gpu1 ${A.type} ${A.b64}\n@revoked * ${A.type} ${A.b64}\n`);
    expect(checkHostKey(entries, 'gpu1', 22, A.blob)).toEqual({ kind: 'revoked', line: 2 });
    expect(checkHostKey(entries, 'gpu1', 22, B.blob).kind).toBe('changed');
  });

  it('ignores @cert-authority lines: they never trust a plain host key', () => {
    const entries = parseKnownHosts(`@cert-authority * ${A.type} ${A.b64}\n`);
    expect(checkHostKey(entries, 'gpu1', 22, A.blob)).toEqual({ kind: 'unknown' });
  });

  it('round-trips a line written for a newly trusted key', () => {
    expect(formatKnownHostsLine('gpu1', 22, A.type, A.blob)).toBe(`gpu1 ${A.type} ${A.b64}`);
    const line = formatKnownHostsLine('10.0.0.5', 2222, A.type, A.blob);
    expect(line).toBe(`[10.0.0.5]:2222 ${A.type} ${A.b64}`);
    expect(checkHostKey(parseKnownHosts(line), '10.0.0.5', 2222, A.blob).kind).toBe('trusted');
  });
});

describe('host key algorithm preference', () => {
  it('asks first for the key types known for the host, then ssh2’s defaults', () => {
    const C = newKey('ecdsa');
    const entries = parseKnownHosts(`gpu1 ${C.type} ${C.b64}\n@revoked gpu1 ${A.type} ${A.b64}\n`);
    const known = knownKeyTypesFor(entries, 'gpu1', 22);
    expect(known).toEqual(['ecdsa-sha2-nistp256']);
    const algos = preferredHostKeyAlgorithms(known);
    expect(algos[0]).toBe('ecdsa-sha2-nistp256');
    expect(algos).toContain('ssh-ed25519');
    expect(new Set(algos).size).toBe(algos.length);
    expect(preferredHostKeyAlgorithms(['ssh-rsa']).slice(0, 3)).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    expect(preferredHostKeyAlgorithms([])[0]).toBe('ssh-ed25519');
  });
});
