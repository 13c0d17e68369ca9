import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { keyTypeOf } from './fingerprint';

/**
 * OpenSSH known_hosts, as sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT" describes it:
 *   [@revoked|@cert-authority] hostpatterns keytype base64-key [comment]
 * hostpatterns is a comma-separated list of names/addresses with `*` `?` wildcards and `!`
 * negation, or one hashed name `|1|base64(salt)|base64(HMAC-SHA1(salt, name))` written by
 * `ssh-keygen -H` / HashKnownHosts. A host on a port other than 22 is written `[host]:port`.
 *
 * Pure functions only; reading and appending the file is in known-hosts-file.ts.
 */

export type KnownHostsMarker = 'revoked' | 'cert-authority';

export interface KnownHostEntry {
  /** 1-based line number in the file, for messages that send the operator to the right line. */
  line: number;
  marker?: KnownHostsMarker;
  hosts: { hashed: { salt: Buffer; hash: Buffer } } | { patterns: string[] };
  keyType: string;
  key: Buffer;
}

const HASH_MAGIC = '|1|';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Parses a known_hosts file. Comments, blank and malformed lines are skipped, as ssh does. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const entry = parseLine(lines[i], i + 1);
    if (entry) entries.push(entry);
  }
  return entries;
}

function parseLine(raw: string, line: number): KnownHostEntry | undefined {
  const text = raw.trim();
  if (text === '' || text.startsWith('#')) return undefined;
  const fields = text.split(/[ \t]+/);
  let marker: KnownHostsMarker | undefined;
  if (fields[0].startsWith('@')) {
    const name = fields.shift();
    if (name === '@revoked') marker = 'revoked';
    else if (name === '@cert-authority') marker = 'cert-authority';
    else return undefined; // an unknown marker makes ssh ignore the line too
  }
  if (fields.length < 3) return undefined;
  const [hostField, keyType, keyBase64] = fields;
  if (!BASE64.test(keyBase64)) return undefined;
  const key = Buffer.from(keyBase64, 'base64');
  // The blob names its own type; a line whose type field disagrees is corrupt.
  if (keyTypeOf(key) !== keyType) return undefined;
  const hosts = parseHosts(hostField);
  if (!hosts) return undefined;
  return { line, marker, hosts, keyType, key };
}

function parseHosts(field: string): KnownHostEntry['hosts'] | undefined {
  if (field.startsWith(HASH_MAGIC)) {
    const parts = field.slice(HASH_MAGIC.length).split('|');
    if (parts.length !== 2 || !BASE64.test(parts[0]) || !BASE64.test(parts[1])) return undefined;
    const salt = Buffer.from(parts[0], 'base64');
    const hash = Buffer.from(parts[1], 'base64');
    // Both are SHA-1 sized: anything else was not written by ssh-keygen.
    if (salt.length !== 20 || hash.length !== 20) return undefined;
    return { hashed: { salt, hash } };
  }
  const patterns = field.split(',').filter((p) => p !== '');
  if (patterns.length === 0) return undefined;
  return { patterns };
}

/** The name ssh looks up: `host` on port 22, `[host]:port` otherwise; lowercased as ssh does. */
export function knownHostName(host: string, port: number): string {
  const name = host.toLowerCase();
  return port === 22 ? name : `[${name}]:${port}`;
}

/** A hashed host field exactly as `ssh-keygen -H` writes it (fresh 20-byte salt unless given). */
export function hashKnownHostName(name: string, salt: Buffer = randomBytes(20)): string {
  const hash = createHmac('sha1', salt).update(name).digest();
  return `${HASH_MAGIC}${salt.toString('base64')}|${hash.toString('base64')}`;
}

/** Does this entry's host field cover `name` (a knownHostName)? */
export function entryMatchesHost(entry: KnownHostEntry, name: string): boolean {
  if ('hashed' in entry.hosts) {
    const { salt, hash } = entry.hosts.hashed;
    return timingSafeEqual(createHmac('sha1', salt).update(name).digest(), hash);
  }
  // OpenSSH match_hostname: any matching negated pattern vetoes the line.
  let matched = false;
  for (const pattern of entry.hosts.patterns) {
    const negated = pattern.startsWith('!');
    if (!globMatch(negated ? pattern.slice(1) : pattern, name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

/** Compiled wildcard patterns: a fleet's known_hosts is matched once per connection of every node. */
const compiledGlobs = new Map<string, RegExp>();

/** `*` and `?` wildcards, case-insensitive (hostnames are). */
function globMatch(pattern: string, name: string): boolean {
  // Nearly every line is a literal "[host]:port": a string compare, not a regex per line per connection.
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern.toLowerCase() === name;
  let re = compiledGlobs.get(pattern);
  if (!re) {
    if (compiledGlobs.size > 10_000) compiledGlobs.clear();
    re = new RegExp(`^${globSource(pattern)}$`);
    compiledGlobs.set(pattern, re);
  }
  return re.test(name);
}

function globSource(pattern: string): string {
  return pattern
    .toLowerCase()
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
}

export type HostKeyVerdict =
  | { kind: 'trusted'; line: number }
  | { kind: 'revoked'; line: number }
  | { kind: 'changed'; lines: number[]; knownKeyTypes: string[] }
  | { kind: 'unknown' };

/**
 * Judges the key a server presented. A host that has known keys but none equal to the one
 * presented is `changed`, whatever the key types: the connector asks for the known types first
 * (see preferredHostKeyAlgorithms), so a different type means the server no longer has the
 * key we trust, which is what a man in the middle looks like.
 */
export function checkHostKey(entries: KnownHostEntry[], host: string, port: number, key: Buffer): HostKeyVerdict {
  const name = knownHostName(host, port);
  const forHost = entries.filter((e) => e.marker !== 'cert-authority' && entryMatchesHost(e, name));
  const revoked = forHost.find((e) => e.marker === 'revoked' && e.key.equals(key));
  if (revoked) return { kind: 'revoked', line: revoked.line };
  const known = forHost.filter((e) => e.marker === undefined);
  const same = known.find((e) => e.key.equals(key));
  if (same) return { kind: 'trusted', line: same.line };
  if (known.length > 0) {
    return { kind: 'changed', lines: known.map((e) => e.line), knownKeyTypes: [...new Set(known.map((e) => e.keyType))] };
  }
  return { kind: 'unknown' };
}

/** Key types known (not revoked) for this host, in file order. */
export function knownKeyTypesFor(entries: KnownHostEntry[], host: string, port: number): string[] {
  const name = knownHostName(host, port);
  const types = entries.filter((e) => e.marker === undefined && entryMatchesHost(e, name)).map((e) => e.keyType);
  return [...new Set(types)];
}

/** A plain known_hosts line for a newly trusted key. */
export function formatKnownHostsLine(host: string, port: number, keyType: string, key: Buffer): string {
  return `${knownHostName(host, port)} ${keyType} ${key.toString('base64')}`;
}
