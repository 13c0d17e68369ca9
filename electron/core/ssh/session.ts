import type { Duplex, Readable } from 'node:stream';
import { Client } from 'ssh2';
import type { FleetError } from '../../../shared/errors';
import { authMethods, passphraseRequired, type Credentials } from './auth';
import { authFailed, closedDuring, connectionLost, fromSsh2ConnectError, unreachableFromSocketError, type Hop } from './errors';
import { HostKeyVerifier, preferredHostKeyAlgorithms, type PresentedHostKey } from './host-key-check';
import { knownKeyTypesFor, type KnownHostEntry } from './known-hosts';

export interface SessionConfig {
  hop: Hop;
  credentials: Credentials;
  knownHosts: KnownHostEntry[];
  knownHostsFile: string;
  keepaliveIntervalMs: number;
  onUnknownHostKey: (key: PresentedHostKey) => void;
}

type State = 'idle' | 'handshake' | 'auth' | 'ready' | 'closed';

/**
 * One ssh2 Client over a socket we opened (a TCP socket, or a bastion's forwarded channel):
 * key exchange, host key check, authentication, then a live session until it closes.
 *
 * All ssh2 events go through one set of listeners registered in the constructor, so an error
 * or close arriving at any moment (even in the same tick as 'ready') has a listener and lands
 * in the right state: it rejects `start()` while connecting, and becomes the close reason after.
 */
export class SshSession {
  readonly client = new Client();
  private state: State = 'idle';
  private settle?: { resolve: () => void; reject: (err: FleetError) => void };
  private verifier?: HostKeyVerifier;
  private lostReason?: FleetError;
  private intentional = false;
  private readonly closeListeners: Array<(reason: FleetError | undefined) => void> = [];

  constructor(private readonly cfg: SessionConfig) {
    this.client.on('handshake', () => {
      if (this.state === 'handshake') this.state = 'auth';
    });
    this.client.on('ready', () => {
      this.state = 'ready';
      this.settleWith(undefined);
    });
    this.client.on('error', (err: Error & { level?: string; code?: unknown }) => this.onError(err));
    this.client.on('close', () => this.onClose());
  }

  /** Runs handshake + auth over `sock`; resolves when the session is ready for channels. */
  start(sock: Duplex): Promise<void> {
    const { hop, credentials } = this.cfg;
    this.verifier = new HostKeyVerifier(hop, this.cfg.knownHosts, this.cfg.knownHostsFile, this.cfg.onUnknownHostKey);
    this.state = 'handshake';
    return new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
      try {
        this.client.connect({
          sock: sock as Readable,
          username: hop.user,
          hostVerifier: this.verifier!.verify,
          authHandler: authMethods(credentials, hop.user),
          algorithms: { serverHostKey: preferredHostKeyAlgorithms(knownKeyTypesFor(this.cfg.knownHosts, hop.host, hop.port)) },
          // The connection owns the timeout (TCP + handshake + auth in one budget).
          readyTimeout: 0,
          keepaliveInterval: this.cfg.keepaliveIntervalMs,
          keepaliveCountMax: 3,
        });
      } catch (err) {
        this.settleWith(closedDuring(hop, 'handshake', (err as Error).message));
        sock.destroy();
      }
    });
  }

  get isReady(): boolean {
    return this.state === 'ready';
  }

  /** Why the session closed unexpectedly (undefined while open or after an intentional end). */
  get closeReason(): FleetError | undefined {
    return this.state === 'closed' && !this.intentional ? this.lostReason : undefined;
  }

  get isClosed(): boolean {
    return this.state === 'closed';
  }

  /** Called once when the session closes: with the reason, or undefined when we ended it. */
  onClosed(listener: (reason: FleetError | undefined) => void): void {
    if (this.state === 'closed') listener(this.closeReason);
    else this.closeListeners.push(listener);
  }

  /** Intentional close: no close reason, no reconnect backoff. */
  end(): void {
    this.intentional = true;
    if (this.state === 'idle') this.state = 'closed';
    this.client.end();
  }

  /** Abort now (connect timeout): drops the socket without the polite SSH disconnect. */
  destroy(reason: FleetError): void {
    this.settleWith(reason);
    this.lostReason ??= reason;
    this.client.destroy();
  }

  private onError(err: Error & { level?: string; code?: unknown }): void {
    const { hop, credentials } = this.cfg;
    if (this.state === 'handshake' || this.state === 'auth') {
      if (this.verifier?.failure) return this.settleWith(this.verifier.failure);
      // ssh2 reports a failed agent or key signature as an error and goes on with the next method;
      // only "All configured authentication methods failed" ends the attempt.
      if (err.level === 'agent' || (err.level === 'client-authentication' && !/all configured/i.test(err.message))) return;
      if (err.level === 'client-authentication' && credentials.passphraseMissingFor) {
        return this.settleWith(passphraseRequired(hop.subject, `${hop.user}@${hop.host}:${hop.port}`, credentials.passphraseMissingFor));
      }
      if (err.level === 'client-authentication') return this.settleWith(authFailed(hop, credentials.tried, undefined, err));
      return this.settleWith(fromSsh2ConnectError(err, hop, this.state, credentials.tried));
    }
    if (this.state === 'ready' && !this.lostReason) {
      const why =
        err.level === 'client-timeout'
          ? 'no answer to 3 keepalives'
          : err.level === 'client-socket' && typeof err.code === 'string'
            ? unreachableFromSocketError(err as NodeJS.ErrnoException, hop).message
            : err.message;
      this.lostReason = connectionLost(hop, why, err);
    }
  }

  private onClose(): void {
    const phase = this.state;
    this.state = 'closed';
    if (phase === 'handshake' || phase === 'auth') {
      this.settleWith(this.verifier?.failure ?? closedDuring(this.cfg.hop, phase));
    }
    this.lostReason ??= connectionLost(this.cfg.hop, 'the server closed it');
    const reason = this.closeReason;
    for (const listener of this.closeListeners.splice(0)) listener(reason);
  }

  private settleWith(err: FleetError | undefined): void {
    const settle = this.settle;
    if (!settle) return;
    this.settle = undefined;
    if (err) {
      this.lostReason ??= err;
      settle.reject(err);
      // ssh2 ends the socket itself on most failures; make sure a half-open one does not linger.
      this.client.destroy();
    } else {
      settle.resolve();
    }
  }
}
