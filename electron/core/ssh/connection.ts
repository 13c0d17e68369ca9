import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { FleetError } from '../../../shared/errors';
import type { Credentials } from './auth';
import { connectTimeout, connectionLost, endpoint, type Hop } from './errors';
import { runExec } from './exec';
import type { PresentedHostKey } from './host-key-check';
import type { KnownHostEntry } from './known-hosts';
import { Semaphore } from './semaphore';
import { SshSession } from './session';
import { forwardThroughBastion, openTcp } from './transport';
import type { ExecResult, SshTarget } from './types';
import { failStream, openStreamLocal } from './unix-stream';

export interface ConnectionSettings {
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  maxChannels: number;
  maxOutputBytes: number;
  noDelay: boolean;
  now: () => number;
}

export interface OpenRequest {
  target: SshTarget;
  credentials: Credentials;
  knownHosts: KnownHostEntry[];
  settings: ConnectionSettings;
  onUnknownHostKey: (key: PresentedHostKey) => void;
}

/**
 * One live SSH connection to a node (through its bastion when it has one), carrying many exec
 * channels. Opened by `SshConnection.open`, which bounds TCP connect + handshake + auth of every
 * hop by one `connectTimeoutMs` budget.
 */
export class SshConnection {
  private readonly channels: Semaphore;
  private readonly where: string;
  private closeReason?: FleetError;
  private closed = false;
  /** close() was called: the socket may linger a moment, but nothing new starts on it. */
  private closing = false;
  private readonly closeListeners: Array<(reason: FleetError | undefined) => void> = [];
  private readonly lost: Promise<FleetError>;
  /** Open UNIX-socket streams: failed with the close reason when the connection dies. */
  private readonly streams = new Set<Duplex>();

  private constructor(
    private readonly target: SshTarget,
    private readonly session: SshSession,
    private readonly bastion: SshSession | undefined,
    private readonly settings: ConnectionSettings,
  ) {
    this.channels = new Semaphore(settings.maxChannels);
    this.where = `${target.host}:${target.port}`;
    // A dead bastion takes the forwarded connection with it: report the bastion's reason.
    bastion?.onClosed((reason) => {
      if (reason) this.closeReason ??= reason;
      session.end();
    });
    session.onClosed((reason) => {
      this.closed = true;
      this.closeReason ??= reason;
      bastion?.end();
      // Synchronous with ssh2's 'close', before it ends every channel as if at EOF: a stream cut
      // by a lost connection must fail, not look like a complete (truncated) reply.
      for (const stream of this.streams) failStream(stream, this.closeReason ?? connectionLost(this.hop(), 'fleetops closed it'));
      for (const listener of this.closeListeners.splice(0)) listener(this.closeReason);
    });
    this.lost = new Promise((resolve) => this.onClosed((reason) => resolve(reason ?? connectionLost(this.hop(), 'fleetops closed it'))));
  }

  static async open(req: OpenRequest): Promise<SshConnection> {
    const { target, settings } = req;
    const targetHop: Hop = { subject: target.key, host: target.host, port: target.port, user: target.user, role: 'target' };
    const bastionHop: Hop | undefined = target.jump && { subject: target.key, ...target.jump, role: 'bastion' };
    if (bastionHop) targetHop.via = ` via bastion ${bastionHop.host}:${bastionHop.port}`;

    const session = (hop: Hop): SshSession =>
      new SshSession({
        hop,
        credentials: req.credentials,
        knownHosts: req.knownHosts,
        knownHostsFile: target.knownHostsFile,
        keepaliveIntervalMs: settings.keepaliveIntervalMs,
        onUnknownHostKey: req.onUnknownHostKey,
      });

    let sock: Socket | undefined;
    let phase = 'TCP connect';
    const sessions: SshSession[] = [];
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = connectTimeout(bastionHop ?? targetHop, settings.connectTimeoutMs, phase);
        for (const s of sessions) s.destroy(err);
        sock?.destroy();
        reject(err);
      }, settings.connectTimeoutMs);
    });

    const attempt = async (): Promise<SshConnection> => {
      const first = bastionHop ?? targetHop;
      const tcp = await openTcp(first, settings.noDelay, (s) => (sock = s));
      phase = `SSH handshake with ${endpoint(first)}`;
      const firstSession = session(first);
      sessions.push(firstSession);
      await firstSession.start(tcp);
      if (!bastionHop) return new SshConnection(target, firstSession, undefined, settings);

      phase = `opening a forwarded connection to ${endpoint(targetHop)}`;
      const channel = await forwardThroughBastion(firstSession.client, targetHop);
      phase = `SSH handshake with ${endpoint(targetHop)}`;
      const targetSession = session(targetHop);
      sessions.push(targetSession);
      await targetSession.start(channel);
      return new SshConnection(target, targetSession, firstSession, settings);
    };

    const attempting = attempt();
    try {
      return await Promise.race([attempting, timeout]);
    } catch (err) {
      // Whatever hop got this far is closed: a failed attempt leaves no session behind.
      for (const s of sessions) s.end();
      sock?.destroy();
      // The losing side of the race must not surface later as an unhandled rejection.
      attempting.catch(() => undefined);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  get isOpen(): boolean {
    return !this.closed && !this.closing;
  }

  /** True when this connection was made for exactly this target (host, port, user, key, jump). */
  serves(target: SshTarget): boolean {
    return sameTarget(this.target, target);
  }

  async exec(command: string, timeoutMs: number): Promise<ExecResult> {
    const release = await this.channels.acquire();
    try {
      if (this.closed || this.closing) {
        throw this.closeReason ?? connectionLost(this.hop(), 'fleetops closed it');
      }
      return await runExec(this.session.client, command, {
        timeoutMs,
        maxOutputBytes: this.settings.maxOutputBytes,
        subject: this.target.key,
        where: this.where,
        connectionLost: () => (this.session.isClosed || this.closing ? (this.closeReason ?? connectionLost(this.hop(), 'fleetops closed it')) : undefined),
        whenLost: () => this.lost,
        now: this.settings.now,
      });
    } finally {
      release();
    }
  }

  /**
   * A byte stream to a UNIX socket on the node, on its own channel: it holds one of the
   * connection's channel slots until it closes, like an exec. `timeoutMs` bounds the opening.
   */
  async openUnixStream(socketPath: string, timeoutMs: number): Promise<Duplex> {
    const release = await this.channels.acquire();
    let stream: Duplex;
    try {
      if (this.closed || this.closing) throw this.closeReason ?? connectionLost(this.hop(), 'fleetops closed it');
      stream = await openStreamLocal(this.session.client, socketPath, {
        timeoutMs,
        subject: this.target.key,
        where: this.where,
        connectionLost: () => (this.session.isClosed || this.closing ? (this.closeReason ?? connectionLost(this.hop(), 'fleetops closed it')) : undefined),
        whenLost: () => this.lost,
      });
    } catch (err) {
      release();
      throw err;
    }
    this.streams.add(stream);
    // Failing a stream emits 'error': with this listener, a failure nobody observes cannot crash the process.
    stream.on('error', () => undefined);
    stream.once('close', () => {
      this.streams.delete(stream);
      release();
    });
    return stream;
  }

  private hop(): Hop {
    return { subject: this.target.key, host: this.target.host, port: this.target.port, user: this.target.user, role: 'target' };
  }

  /** Called once when the connection closes: with why, or undefined when we closed it. */
  onClosed(listener: (reason: FleetError | undefined) => void): void {
    if (this.closed) listener(this.closeReason);
    else this.closeListeners.push(listener);
  }

  /** Intentional close: resolves once the socket is gone. */
  close(): Promise<void> {
    this.closing = true;
    return new Promise((resolve) => {
      this.onClosed(() => resolve());
      this.session.end();
      this.bastion?.end();
    });
  }
}

export function sameTarget(a: SshTarget, b: SshTarget): boolean {
  return (
    a.host === b.host &&
    a.port === b.port &&
    a.user === b.user &&
    a.identityFile === b.identityFile &&
    a.agent === b.agent &&
    a.knownHostsFile === b.knownHostsFile &&
    a.jump?.host === b.jump?.host &&
    a.jump?.port === b.jump?.port &&
    a.jump?.user === b.jump?.user
  );
}
