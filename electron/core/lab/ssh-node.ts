/**
 * One lab node's SSH service: a real ssh2 `Server` with the node's own ed25519 host key,
 * public-key auth for the lab's one client key, and exec channels answered by a fake host.
 *
 * We own the listening socket (a plain net.Server handed to ssh2 through `injectSocket`) so a
 * `node-unreachable` fault can reset connections at accept time while keeping the port: on
 * clear, the node answers again on the very port written in the inventory.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { Server as SshServer, type Connection, type ParsedKey, type PublicKeyAuthContext, type AuthContext } from 'ssh2';
import type { CommandResult } from './shell-result';

export interface SshNodeOptions {
  name: string;
  /** The node's host private key (OpenSSH format). */
  hostKey: string;
  /** The only key allowed to log in, and the only user name. */
  clientKey: ParsedKey;
  user: string;
  exec: (command: string) => CommandResult | Promise<CommandResult>;
  /** Read on every exec: > 0 while a `slow-ssh` fault holds replies back. */
  replyDelayMs: () => number;
}

/** Constant-time comparison, as in ssh2's server example: no early exit that leaks the match length. */
function sameBytes(input: Buffer, allowed: Buffer): boolean {
  const lengthMismatch = input.length !== allowed.length;
  return timingSafeEqual(input, lengthMismatch ? input : allowed) && !lengthMismatch;
}

export class LabSshNode {
  private readonly ssh: SshServer;
  private readonly listener: NetServer;
  private readonly sockets = new Set<Socket>();
  private readonly pendingReplies = new Set<NodeJS.Timeout>();
  private readonly clientKeySsh: Buffer;
  private readonly user: Buffer;
  private reachable = true;
  private boundPort = 0;

  constructor(private readonly opts: SshNodeOptions) {
    this.clientKeySsh = opts.clientKey.getPublicSSH();
    this.user = Buffer.from(opts.user);
    this.ssh = new SshServer({ hostKeys: [opts.hostKey], ident: 'fleetops_lab' }, (conn) => this.onClient(conn));
    this.listener = createServer((socket) => this.onSocket(socket));
    this.listener.on('error', () => {
      // Only listen() can fail here and start() reports that; accept errors are per connection.
    });
  }

  get port(): number {
    return this.boundPort;
  }

  listen(host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.listener.once('error', onError);
      this.listener.listen(0, host, () => {
        this.listener.off('error', onError);
        const addr = this.listener.address();
        this.boundPort = typeof addr === 'object' && addr ? addr.port : 0;
        resolve(this.boundPort);
      });
    });
  }

  /** Unreachable: every new connection is reset at accept, and the open ones are reset now. */
  setReachable(reachable: boolean): void {
    this.reachable = reachable;
    if (!reachable) for (const s of this.sockets) s.resetAndDestroy();
  }

  get connections(): number {
    return this.sockets.size;
  }

  async close(): Promise<void> {
    for (const t of this.pendingReplies) clearTimeout(t);
    this.pendingReplies.clear();
    const closed = new Promise<void>((resolve) => this.listener.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  private onSocket(socket: Socket): void {
    if (!this.reachable) {
      socket.resetAndDestroy();
      return;
    }
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    this.ssh.injectSocket(socket);
  }

  private onClient(conn: Connection): void {
    // A client that resets or times out surfaces as an error on its connection: that is the
    // client's business, not the lab's, and an unhandled 'error' would take the lab down.
    conn.on('error', () => {});
    conn.on('authentication', (ctx) => this.authenticate(ctx));
    conn.on('ready', () => {
      conn.on('session', (accept) => {
        const session = accept();
        session.on('pty', (acceptPty) => acceptPty?.());
        session.on('env', (acceptEnv) => acceptEnv?.());
        session.on('shell', (_a, reject) => reject?.());
        session.on('subsystem', (_a, reject) => reject?.());
        session.once('exec', (acceptExec, _reject, info) => {
          const channel = acceptExec();
          let open = true;
          channel.once('close', () => {
            open = false;
          });
          const send = (r: CommandResult) => {
            if (!open) return;
            if (r.stdout) channel.write(r.stdout);
            if (r.stderr) channel.stderr.write(r.stderr);
            channel.exit(r.code);
            channel.end();
          };
          const reply = () => {
            if (!open) return;
            const r = this.opts.exec(info.command);
            if ('then' in r) void r.then(send, (err: unknown) => send({ stdout: '', stderr: `${err instanceof Error ? err.message : String(err)}\n`, code: 1 }));
            else send(r);
          };
          const delay = this.opts.replyDelayMs();
          if (delay <= 0) return reply();
          const t = setTimeout(() => {
            this.pendingReplies.delete(t);
            reply();
          }, delay);
          this.pendingReplies.add(t);
        });
      });
    });
  }

  private authenticate(ctx: AuthContext): void {
    if (ctx.method !== 'publickey') return ctx.reject(['publickey']);
    const key = (ctx as PublicKeyAuthContext).key;
    const { signature, blob, hashAlgo } = ctx as PublicKeyAuthContext;
    const userOk = sameBytes(Buffer.from(ctx.username), this.user);
    const keyOk = key.algo === this.opts.clientKey.type && sameBytes(key.data, this.clientKeySsh);
    // Without a signature the client only asks whether the key would do; with one, the
    // signature over the session blob proves it holds the private key.
    const signatureOk = signature === undefined || (blob !== undefined && this.opts.clientKey.verify(blob, signature, hashAlgo) === true);
    if (userOk && keyOk && signatureOk) ctx.accept();
    else ctx.reject(['publickey']);
  }
}
