import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Client } from 'ssh2';
import { FleetError } from '../../../shared/errors';
import { endpoint, unreachableFromSocketError, type Hop } from './errors';

/**
 * The TCP socket under an SSH session. We open it ourselves (instead of letting ssh2 do it) to
 * control Nagle: ssh2 never calls setNoDelay, and with Nagle on, small request/response
 * exchanges can stall on the peer's delayed ACK (see bench/ssh-nodelay.ts).
 * `onSocket` hands the socket out at once so a connect timeout can destroy it mid-connect.
 */
export function openTcp(hop: Hop, noDelay: boolean, onSocket: (sock: Socket) => void): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: hop.host, port: hop.port });
    onSocket(sock);
    const onError = (err: NodeJS.ErrnoException): void => {
      sock.destroy();
      reject(unreachableFromSocketError(err, hop));
    };
    sock.once('error', onError);
    sock.once('connect', () => {
      sock.removeListener('error', onError);
      sock.setNoDelay(noDelay);
      resolve(sock);
    });
  });
}

/** A direct-tcpip channel from the bastion to the target (what `ssh -J` does). */
export function forwardThroughBastion(bastion: Client, target: Hop): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    // The originator address is informational for sshd's log; 127.0.0.1:0 says "forwarded by us".
    bastion.forwardOut('127.0.0.1', 0, target.host, target.port, (err, channel) => {
      if (err) {
        const reason = (err as Error & { reason?: unknown }).message;
        reject(
          new FleetError(
            'HOST_UNREACHABLE',
            `the bastion could not open a connection to ${endpoint(target)}: ${reason}. Check that the node is reachable from the bastion and that the bastion's sshd allows TCP forwarding.`,
            { subject: target.subject, detail: { host: target.host, port: target.port }, cause: err },
          ),
        );
        return;
      }
      resolve(channel);
    });
  });
}
