import { Duplex } from 'node:stream';
import type { Client, ClientChannel } from 'ssh2';
import { FleetError } from '../../../shared/errors';

export interface UnixStreamOptions {
  /** Bounds the channel open (sshd's connect() to the socket), not what is done with the stream after. */
  timeoutMs: number;
  subject: string;
  /** "host:port" for messages. */
  where: string;
  /** The connection's close reason once it has died. */
  connectionLost: () => FleetError | undefined;
  /** Resolves with the close reason once the connection has closed. */
  whenLost: () => Promise<FleetError>;
}

/**
 * Opens a `direct-streamlocal@openssh.com` channel: sshd connects, as the logged-in user, to a
 * UNIX socket on the node and relays bytes (what `ssh -L local:/remote.sock` does). sshd allows it
 * unless `AllowStreamLocalForwarding no` (or `DisableForwarding yes`) is set.
 *
 * sshd answers a failed connect() (no such socket, nobody listening, permission denied) with a
 * channel-open failure that carries no errno, so every refusal is one HOST_UNREACHABLE naming the
 * socket and the usual causes.
 */
export function openStreamLocal(client: Client, socketPath: string, opts: UnixStreamOptions): Promise<ClientChannel> {
  return new Promise<ClientChannel>((resolve, reject) => {
    let done = false;
    const finish = (err: FleetError | undefined, channel?: ClientChannel): void => {
      if (done) {
        // The timeout already answered: a channel that opens late is closed at once.
        channel?.close();
        return;
      }
      done = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(channel!);
    };

    const timer = setTimeout(
      () =>
        finish(
          new FleetError(
            'PROBE_TIMEOUT',
            `${opts.where} did not open a stream to the UNIX socket ${socketPath} within ${opts.timeoutMs} ms. The node or its sshd may be overloaded or hung.`,
            { subject: opts.subject, detail: { socketPath, timeoutMs: opts.timeoutMs, phase: 'connect' } },
          ),
        ),
      opts.timeoutMs,
    );

    try {
      client.openssh_forwardOutStreamLocal(socketPath, (err, channel) => {
        if (!err) return finish(undefined, channel);
        const lost = opts.connectionLost();
        if (lost) return finish(lost);
        const reason = err.message.replace(/^\(SSH\) Channel open failure: /, '');
        finish(
          new FleetError(
            'HOST_UNREACHABLE',
            `sshd on ${opts.where} could not connect to the UNIX socket ${socketPath} (${reason}). Check that the socket exists and its service runs, that the SSH user may read and write it (its mode and owner), and that sshd allows AllowStreamLocalForwarding.`,
            { subject: opts.subject, detail: { socketPath, reason }, cause: err },
          ),
        );
      });
    } catch {
      // ssh2 throws "Not connected" once the socket has ended, a moment before it reports the
      // close: wait for the close and report its reason (the timer still bounds the wait).
      const lost = opts.connectionLost();
      if (lost) finish(lost);
      else void opts.whenLost().then(finish);
    }
  });
}

/**
 * Fails an open stream with `reason`: its reader gets 'error' and never 'end'. ssh2's own
 * Channel.destroy() ignores its argument (it only ends and closes the channel), and when the
 * connection dies ssh2 ends every channel as if the peer had sent EOF, so a reply cut short
 * would look complete. Node's standard destroy marks the stream unreadable first, so ssh2's
 * clean-up, which runs after, no longer ends it.
 */
export function failStream(stream: Duplex, reason: Error): void {
  Duplex.prototype.destroy.call(stream, reason);
}
