import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { FleetError } from '../../../shared/errors';
import type { SshPool } from '../ssh/pool';
import { describeEndpoint, endpointSubject, type RuntimeEndpoint } from './runtime-endpoint';

export interface ExchangeOptions {
  /** Opening the connection (SSH channel included) plus the whole reply. */
  timeoutMs: number;
  /** Past it the connection is dropped with PARSE_FAILED. */
  maxReplyBytes: number;
  /** Required for `ssh-unix` endpoints. */
  pool?: SshPool;
}

/**
 * Sends one command on a fresh connection and returns everything HAProxy wrote until it closed.
 *
 * Without `prompt`, HAProxy's CLI answers one command per connection, then closes: the end of
 * the stream is the end of the reply (there is no other framing; most replies end with an empty
 * line, some errors do not). We never half-close our side: HAProxy would answer anyway, but a
 * relay in between might treat EOF as "abort".
 */
export function exchange(endpoint: RuntimeEndpoint, command: string, opts: ExchangeOptions): Promise<string> {
  const where = describeEndpoint(endpoint);
  const subject = endpointSubject(endpoint);
  return new Promise<string>((resolve, reject) => {
    let phase: 'connect' | 'reply' = 'connect';
    let stream: Duplex | undefined;
    let done = false;
    const chunks: Buffer[] = [];
    let bytes = 0;

    const finish = (err: FleetError | undefined, reply?: string): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      stream?.destroy();
      if (err) reject(err);
      else resolve(reply!);
    };

    const timer = setTimeout(() => {
      const what =
        phase === 'connect'
          ? `could not connect to HAProxy's runtime API at ${where} within ${opts.timeoutMs} ms`
          : `HAProxy's runtime API at ${where} did not finish replying to "${command}" within ${opts.timeoutMs} ms (${bytes} bytes received)`;
      finish(
        new FleetError('PROBE_TIMEOUT', `${what}. HAProxy may be overloaded or hung, or something else listens there.`, {
          subject,
          detail: { command, phase, timeoutMs: opts.timeoutMs, receivedBytes: bytes },
        }),
      );
    }, opts.timeoutMs);

    const onConnected = (s: Duplex): void => {
      if (done) {
        s.destroy(); // the timeout already answered
        return;
      }
      stream = s;
      phase = 'reply';
      s.on('data', (chunk: Buffer) => {
        if (done) return;
        bytes += chunk.length;
        if (bytes > opts.maxReplyBytes) {
          finish(
            new FleetError(
              'PARSE_FAILED',
              `HAProxy's runtime API at ${where} sent more than ${opts.maxReplyBytes} bytes in reply to "${command}"; the connection was dropped. Is it really HAProxy's runtime API?`,
              { subject, detail: { command, maxReplyBytes: opts.maxReplyBytes } },
            ),
          );
          return;
        }
        chunks.push(chunk);
      });
      // Decoded once at the end so a multi-byte character split across chunks stays whole.
      s.once('end', () => finish(undefined, Buffer.concat(chunks).toString('utf8')));
      s.once('close', () => {
        // A stream failed by its SSH connection can report 'close' before its 'error': use the error.
        if (s.errored) return onError(s.errored);
        finish(
          new FleetError('HOST_UNREACHABLE', `the connection to HAProxy's runtime API at ${where} closed before the reply to "${command}" was complete.`, {
            subject,
            detail: { command, receivedBytes: bytes },
          }),
        );
      });
      s.write(`${command}\n`);
    };

    const onError = (err: Error): void => finish(streamError(err, endpoint, where, subject, phase, command));

    if (endpoint.kind === 'ssh-unix') {
      if (!opts.pool) {
        finish(new FleetError('INTERNAL', `an SSH pool is needed to reach ${where}.`, { subject }));
        return;
      }
      opts.pool.openUnixStream(endpoint.target, endpoint.path, { timeoutMs: opts.timeoutMs }).then((s) => {
        s.on('error', onError);
        onConnected(s);
      }, onError);
      return;
    }
    const sock = endpoint.kind === 'tcp' ? connect({ host: endpoint.host, port: endpoint.port }) : connect({ path: endpoint.path });
    stream = sock;
    sock.on('error', onError);
    sock.once('connect', () => {
      sock.setNoDelay(true);
      onConnected(sock);
    });
  });
}

const CONNECT_ADVICE: Record<string, string> = {
  ENOENT: 'no such socket: check the `stats socket` line of haproxy.cfg and that HAProxy runs',
  ECONNREFUSED: 'connection refused: nothing listens there (HAProxy stopped, or the socket file is stale)',
  EACCES: 'permission denied: this user may not open the socket (check `mode`, `user` and `group` on the `stats socket` line)',
  ENOTSOCK: 'that path is not a socket',
  ETIMEDOUT: 'TCP connect timed out',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host name not found',
};

function streamError(err: Error, endpoint: RuntimeEndpoint, where: string, subject: string, phase: 'connect' | 'reply', command: string): FleetError {
  // SSH failures (auth, host key, lost connection, sshd's refusal) are already explained.
  if (err instanceof FleetError) return err;
  const code = (err as NodeJS.ErrnoException).code ?? 'UNKNOWN';
  if (phase === 'connect') {
    const why = CONNECT_ADVICE[code] ?? err.message;
    return new FleetError('HOST_UNREACHABLE', `cannot reach HAProxy's runtime API at ${where}: ${why} (${code}).`, {
      subject,
      detail: { endpoint: endpoint.kind, osCode: code },
      cause: err,
    });
  }
  return new FleetError('HOST_UNREACHABLE', `the connection to HAProxy's runtime API at ${where} broke while waiting for the reply to "${command}": ${err.message}.`, {
    subject,
    detail: { command, osCode: code },
    cause: err,
  });
}
