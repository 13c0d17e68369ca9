import { readFile } from 'node:fs/promises';
import { utils, type AgentAuthMethod, type ParsedKey, type PublicKeyAuthMethod } from 'ssh2';
import { FleetError } from '../../../shared/errors';
import { fileStamp } from './file-stamp';
import type { PassphraseProvider } from './types';

/**
 * The credentials of one connection attempt: the decrypted identity (if any) and the agent
 * socket. Decrypting happens here, before any socket opens, so a missing passphrase fails fast
 * without touching the node. The passphrase itself is only handed to ssh2's key parser and never
 * stored, logged or put in an error.
 */
export interface Credentials {
  key?: ParsedKey;
  agent?: string;
  /** Set when an encrypted identity was skipped for lack of a passphrase (the agent was tried alone). */
  passphraseMissingFor?: string;
  /** What will be offered, for error messages: "key /home/op/.ssh/id_ed25519", "agent /run/…/agent.sock". */
  tried: string[];
}

export interface CredentialsRequest {
  subject: string;
  user: string;
  host: string;
  port: number;
  identityFile?: string;
  agent?: string | false;
}

/** How ssh2's key parser says an identity is encrypted and no passphrase was given (every key format). */
export const NEEDS_PASSPHRASE = /no passphrase given/i;

/**
 * Decrypted identities, by file and file stamp. Decrypting an OpenSSH key runs bcrypt-pbkdf
 * (about 0.5 s of blocked event loop at ssh-keygen's default rounds): once per key, not once per
 * connection of a 1,000-node fleet. Held in memory only, like ssh-agent; an edited key file is
 * parsed again.
 */
export class IdentityCache {
  private readonly keys = new Map<string, { stamp: string; key: ParsedKey }>();

  get(file: string, stamp: string): ParsedKey | undefined {
    const hit = this.keys.get(file);
    return hit && hit.stamp === stamp ? hit.key : undefined;
  }

  set(file: string, stamp: string, key: ParsedKey): void {
    if (!stamp.startsWith('missing:')) this.keys.set(file, { stamp, key });
  }
}

export async function loadCredentials(req: CredentialsRequest, passphrases?: PassphraseProvider, cache?: IdentityCache): Promise<Credentials> {
  const who = `${req.user}@${req.host}:${req.port}`;
  const agent = typeof req.agent === 'string' && req.agent !== '' ? req.agent : undefined;
  const creds: Credentials = { agent, tried: [] };

  const stamp = req.identityFile !== undefined && cache ? await fileStamp(req.identityFile) : null;
  const cached = stamp !== null ? cache!.get(req.identityFile!, stamp) : undefined;
  if (cached) {
    creds.key = cached;
    creds.tried.push(`key ${req.identityFile}`);
  } else if (req.identityFile !== undefined) {
    const file = req.identityFile;
    const data = await readIdentity(file, req.subject, who);
    let parsed = utils.parseKey(data);
    if (parsed instanceof Error && NEEDS_PASSPHRASE.test(parsed.message)) {
      const passphrase = passphrases ? await passphrases.get(file) : undefined;
      if (passphrase === undefined) {
        if (!agent) throw passphraseRequired(req.subject, who, file);
        creds.passphraseMissingFor = file;
      } else {
        parsed = utils.parseKey(data, passphrase);
        if (parsed instanceof Error) {
          throw new FleetError(
            'SSH_AUTH_FAILED',
            `SSH authentication as ${who} failed: the passphrase for identity file ${file} is wrong (${parsed.message}). Enter the right passphrase.`,
            // wrongPassphrase lets the console ask for the passphrase again, as for a missing one.
            { subject: req.subject, detail: { identityFile: file, wrongPassphrase: true } },
          );
        }
      }
    }
    if (creds.passphraseMissingFor === undefined) {
      const key = Array.isArray(parsed) ? parsed[0] : parsed;
      if (key instanceof Error || !key.isPrivateKey()) {
        const why = key instanceof Error ? key.message : 'it holds no private key';
        throw new FleetError('SSH_AUTH_FAILED', `SSH authentication as ${who} failed: cannot use identity file ${file}: ${why}.`, {
          subject: req.subject,
          detail: { identityFile: file },
        });
      }
      creds.key = key;
      creds.tried.push(`key ${file}`);
      if (stamp !== null) cache!.set(file, stamp, key);
    }
  }
  if (agent) creds.tried.push(`agent ${agent}`);
  if (creds.tried.length === 0) {
    throw new FleetError(
      'SSH_AUTH_FAILED',
      `SSH authentication as ${who} is impossible: no identity file and no ssh-agent configured. Set identityFile or agent in the inventory.`,
      { subject: req.subject },
    );
  }
  return creds;
}

/** ssh2 auth methods in the order to try: the configured identity first, then the agent's keys. */
export function authMethods(creds: Credentials, username: string): Array<PublicKeyAuthMethod | AgentAuthMethod> {
  const methods: Array<PublicKeyAuthMethod | AgentAuthMethod> = [];
  if (creds.key) methods.push({ type: 'publickey', username, key: creds.key });
  if (creds.agent) methods.push({ type: 'agent', username, agent: creds.agent });
  return methods;
}

export function passphraseRequired(subject: string, who: string, identityFile: string): FleetError {
  return new FleetError(
    'SSH_PASSPHRASE_REQUIRED',
    `SSH authentication as ${who} needs the passphrase of identity file ${identityFile}, and none is available. Enter it in fleetops, or load the key into ssh-agent.`,
    { subject, detail: { identityFile } },
  );
}

async function readIdentity(file: string, subject: string, who: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    throw new FleetError(
      'SSH_AUTH_FAILED',
      `SSH authentication as ${who} failed: cannot read identity file ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}). Check identityFile in the inventory.`,
      { subject, detail: { identityFile: file }, cause: err },
    );
  }
}
