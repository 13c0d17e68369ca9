import { FleetError } from '../../../shared/errors';
import { IdentityCache, loadCredentials } from './auth';
import { Backoff, DEFAULT_BACKOFF } from './backoff';
import { SshConnection, sameTarget, type ConnectionSettings } from './connection';
import type { PresentedHostKey } from './host-key-check';
import { formatKnownHostsLine } from './known-hosts';
import { appendKnownHostLine, KnownHostsCache } from './known-hosts-file';
import { Semaphore } from './semaphore';
import type { Duplex } from 'node:stream';
import type { ExecResult, SshPoolOptions, SshTarget } from './types';

interface Entry {
  target: SshTarget;
  conn?: SshConnection;
  connecting?: Promise<SshConnection>;
  backoff: Backoff;
  lastError?: FleetError;
}

/**
 * One SSH connection per target key, opened on first use and shared by every exec (each exec is
 * its own channel). A lost connection is reopened by the next exec, but not before a jittered
 * exponential backoff since the last failure; execs during the backoff fail fast with the last
 * error, so a dead node costs nothing per probe cycle. Handshakes across all targets are capped
 * so a fleet-wide reconnect does not trip sshd's MaxStartups on a shared bastion.
 */
export class SshPool {
  private readonly entries = new Map<string, Entry>();
  private readonly pendingHostKeys = new Map<string, PresentedHostKey>();
  private readonly knownHosts = new KnownHostsCache();
  private readonly identities = new IdentityCache();
  private readonly handshakes: Semaphore;
  private readonly settings: ConnectionSettings;
  private readonly now: () => number;
  private readonly random: () => number;
  private inFlight = 0;
  private peakInFlight = 0;

  constructor(private readonly opts: SshPoolOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.handshakes = new Semaphore(opts.maxConcurrentHandshakes ?? 8);
    this.settings = {
      connectTimeoutMs: opts.connectTimeoutMs ?? 10_000,
      keepaliveIntervalMs: opts.keepaliveIntervalMs ?? 15_000,
      maxChannels: opts.maxChannelsPerConnection ?? 10,
      maxOutputBytes: opts.maxOutputBytes ?? 1024 * 1024,
      noDelay: opts.noDelay ?? true,
      now: this.now,
    };
  }

  /**
   * Runs `command` on the target. `timeoutMs` bounds the command from its channel request on;
   * connecting has its own budget (connectTimeoutMs). Resolves with the exit status whatever it
   * is; rejects with a FleetError (subject = target key) when the command could not run or finish.
   */
  async exec(target: SshTarget, command: string, opts: { timeoutMs: number }): Promise<ExecResult> {
    const conn = await this.connectionFor(target);
    return conn.exec(command, opts.timeoutMs);
  }

  /**
   * Opens a byte stream to the UNIX socket `socketPath` on the target (sshd connects to it as the
   * SSH user), over the target's pooled connection and counted among its channels until the
   * stream closes. `timeoutMs` bounds the opening; connecting has its own budget. The stream
   * fails with the connection's close reason if the connection dies under it.
   */
  async openUnixStream(target: SshTarget, socketPath: string, opts: { timeoutMs: number }): Promise<Duplex> {
    const conn = await this.connectionFor(target);
    return conn.openUnixStream(socketPath, opts.timeoutMs);
  }

  /**
   * Appends the key last presented by this target's unknown host to its known_hosts, only if
   * its fingerprint is the one the operator saw, then lets the next exec connect at once.
   */
  async trustHostKey(targetKey: string, fingerprint: string): Promise<void> {
    const key = this.pendingHostKeys.get(targetKey);
    if (!key) {
      throw new FleetError('NOT_FOUND', `no unknown host key is waiting for ${targetKey}: probe it first, then trust the fingerprint it shows.`, {
        subject: targetKey,
      });
    }
    if (key.fingerprint !== fingerprint) {
      throw new FleetError(
        'SSH_HOST_KEY_MISMATCH',
        `${key.host}:${key.port} last presented ${key.fingerprint}, not ${fingerprint}: the key changed since it was shown. Nothing was trusted; check the node before trusting again.`,
        { subject: targetKey, detail: { expected: fingerprint, presented: key.fingerprint, keyType: key.keyType } },
      );
    }
    // Taken before the write so two concurrent trusts cannot append the line twice.
    this.pendingHostKeys.delete(targetKey);
    try {
      await appendKnownHostLine(key.knownHostsFile, formatKnownHostsLine(key.host, key.port, key.keyType, key.key));
    } catch (err) {
      this.pendingHostKeys.set(targetKey, key);
      throw new FleetError('INTERNAL', `cannot write ${key.knownHostsFile}: ${(err as Error).message}`, { subject: targetKey, cause: err });
    }
    this.resetBackoff(targetKey);
  }

  /**
   * Forgets the target's failures so the next exec connects at once instead of failing fast:
   * for when the operator has just fixed the cause (trusted its key, entered a passphrase).
   */
  resetBackoff(targetKey: string): void {
    const entry = this.entries.get(targetKey);
    if (entry) {
      entry.backoff.reset();
      entry.lastError = undefined;
    }
  }

  /** Closes the target's connection (and forgets its backoff); in-flight execs on it fail. */
  close(targetKey: string): void {
    const entry = this.entries.get(targetKey);
    if (!entry) return;
    this.entries.delete(targetKey);
    void entry.conn?.close();
  }

  async closeAll(): Promise<void> {
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(
      entries.map(async (entry) => {
        // A connection still being opened is closed by connectionFor once it arrives.
        await entry.connecting?.catch(() => undefined);
        await entry.conn?.close();
      }),
    );
  }

  stats(): { connections: number; handshakesInFlight: number; peakHandshakesInFlight: number } {
    let connections = 0;
    for (const entry of this.entries.values()) if (entry.conn?.isOpen) connections += 1;
    return { connections, handshakesInFlight: this.inFlight, peakHandshakesInFlight: this.peakInFlight };
  }

  private connectionFor(target: SshTarget): Promise<SshConnection> {
    let entry = this.entries.get(target.key);
    if (entry && !sameTarget(entry.target, target)) {
      // The inventory changed this node's address or credentials: start over.
      this.close(target.key);
      entry = undefined;
    }
    if (!entry) {
      entry = { target, backoff: new Backoff(this.opts.backoff ?? DEFAULT_BACKOFF, this.random, this.now) };
      this.entries.set(target.key, entry);
    }
    if (entry.conn?.isOpen) return Promise.resolve(entry.conn);
    if (entry.connecting) return entry.connecting;
    if (entry.backoff.waiting() && entry.lastError) return Promise.reject(this.backingOff(entry, entry.lastError));

    const current = entry;
    const connecting = this.connect(current.target).then(
      async (conn) => {
        if (this.entries.get(current.target.key) !== current) {
          await conn.close();
          throw new FleetError('HOST_UNREACHABLE', `the connection to ${current.target.key} was closed by fleetops while it was being opened.`, {
            subject: current.target.key,
          });
        }
        current.conn = conn;
        current.backoff.reset();
        current.lastError = undefined;
        conn.onClosed((reason) => {
          if (current.conn === conn) current.conn = undefined;
          if (reason) this.recordFailure(current, reason);
        });
        return conn;
      },
      (err: unknown) => {
        const fleetErr = asFleetError(err, current.target.key);
        if (this.entries.get(current.target.key) === current) this.recordFailure(current, fleetErr);
        throw fleetErr;
      },
    );
    current.connecting = connecting;
    const clear = (): void => {
      if (current.connecting === connecting) current.connecting = undefined;
    };
    connecting.then(clear, clear);
    return connecting;
  }

  private async connect(target: SshTarget): Promise<SshConnection> {
    // Credentials and known_hosts are read before taking a handshake slot: a missing passphrase
    // fails without touching the node, and a slow disk does not hold a slot.
    const credentials = await loadCredentials(
      { subject: target.key, user: target.user, host: target.host, port: target.port, identityFile: target.identityFile, agent: target.agent },
      this.opts.passphrases,
      this.identities,
    );
    const knownHosts = await this.knownHosts.get(target.knownHostsFile, target.key);
    const release = await this.handshakes.acquire();
    this.inFlight += 1;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    try {
      return await SshConnection.open({
        target,
        credentials,
        knownHosts,
        settings: this.settings,
        onUnknownHostKey: (key) => this.rememberUnknownKey(target.key, key),
      });
    } finally {
      this.inFlight -= 1;
      release();
    }
  }

  private rememberUnknownKey(targetKey: string, key: PresentedHostKey): void {
    this.pendingHostKeys.set(targetKey, key);
    const notify = this.opts.onHostKeyUnknown;
    if (!notify) return;
    const event = { targetKey, host: key.host, port: key.port, keyType: key.keyType, fingerprint: key.fingerprint, knownHostsFile: key.knownHostsFile };
    // Outside ssh2's packet parser: a throwing listener must not corrupt the handshake state.
    queueMicrotask(() => notify(event));
  }

  private recordFailure(entry: Entry, err: FleetError): void {
    entry.lastError = err;
    entry.backoff.fail();
  }

  private backingOff(entry: Entry, last: FleetError): FleetError {
    const retryAt = entry.backoff.retryAt;
    const waitS = Math.max(0, (retryAt - this.now()) / 1000).toFixed(1);
    const detail = typeof last.detail === 'object' && last.detail !== null ? last.detail : {};
    return new FleetError(last.code, `${last.message} (not retrying for ${waitS} s after ${entry.backoff.consecutiveFailures} consecutive failures)`, {
      subject: entry.target.key,
      detail: { ...detail, retryAt, consecutiveFailures: entry.backoff.consecutiveFailures },
      cause: last,
    });
  }
}

function asFleetError(err: unknown, subject: string): FleetError {
  if (err instanceof FleetError) return err;
  return new FleetError('INTERNAL', `connecting to ${subject} failed unexpectedly: ${(err as Error)?.message ?? String(err)}`, { subject, cause: err });
}
