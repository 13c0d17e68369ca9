import type { Client, ClientChannel } from 'ssh2';
import { FleetError } from '../../../shared/errors';
import type { ExecResult } from './types';

export interface ExecOptions {
  timeoutMs: number;
  maxOutputBytes: number;
  subject: string;
  /** "host:port" for messages. */
  where: string;
  /** The connection's close reason once it has died: distinguishes "connection lost" from other channel ends. */
  connectionLost: () => FleetError | undefined;
  /** Resolves with the close reason once the connection has closed. */
  whenLost: () => Promise<FleetError>;
  now: () => number;
}

/** First wait before asking again for a channel sshd refused; doubles up to REOPEN_MAX_MS. */
const REOPEN_FIRST_MS = 20;
const REOPEN_MAX_MS = 250;

/**
 * Runs one command on its own exec channel of an established connection.
 *
 * The timeout counts from the first channel request. On expiry, and when the output passes the
 * cap, the remote process group is sent KILL (sshd answers the "signal" channel request with
 * killpg() of the session's process group, as its DEBUG log shows) and the channel is closed:
 * the connection stays up for the next exec.
 *
 * A refused channel is asked for again until the timeout: sshd frees a session slot only when it
 * garbage-collects the closed channel, after processing the packets already received, so a new
 * channel requested right after another closed can be refused at MaxSessions even though the
 * connection's channel count never exceeded it. A host that keeps refusing gets COMMAND_FAILED.
 */
export function runExec(client: Client, command: string, opts: ExecOptions): Promise<ExecResult> {
  const started = opts.now();
  return new Promise<ExecResult>((resolve, reject) => {
    let channel: ClientChannel | undefined;
    let done = false;
    let refusals = 0;
    let lastRefusal: Error | undefined;
    let reopenTimer: NodeJS.Timeout | undefined;
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let bytes = 0;
    let code: number | null = null;
    let signal: string | null = null;
    let exited = false;

    const finish = (err: FleetError | undefined, result?: ExecResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(reopenTimer);
      if (err) reject(err);
      else resolve(result!);
    };
    const abandon = (err: FleetError): void => {
      finish(err);
      if (channel) killAndClose(channel);
    };
    const refused = (): FleetError =>
      new FleetError(
        'COMMAND_FAILED',
        `${opts.where} refused to open a session channel ${refusals} time(s) in ${opts.timeoutMs} ms (${lastRefusal?.message}). Check MaxSessions in the node's sshd_config, or run fewer commands at once.`,
        { subject: opts.subject, detail: { refusals }, cause: lastRefusal },
      );

    const timer = setTimeout(() => {
      if (!channel && lastRefusal) return finish(refused());
      abandon(
        new FleetError(
          'PROBE_TIMEOUT',
          `command on ${opts.where} did not finish within ${opts.timeoutMs} ms and was stopped. The node may be overloaded or the command hung (e.g. nvidia-smi stuck on a failing GPU).`,
          { subject: opts.subject, detail: { timeoutMs: opts.timeoutMs, command: commandHead(command) } },
        ),
      );
    }, opts.timeoutMs);

    const onData = (into: Buffer[]) => (chunk: Buffer) => {
      if (done) return;
      bytes += chunk.length;
      if (bytes > opts.maxOutputBytes) {
        abandon(
          new FleetError(
            'PARSE_FAILED',
            `command on ${opts.where} printed more than ${opts.maxOutputBytes} bytes; the output was dropped and the command stopped. A healthy node never prints that much for a probe.`,
            { subject: opts.subject, detail: { maxOutputBytes: opts.maxOutputBytes, command: commandHead(command) } },
          ),
        );
        return;
      }
      into.push(chunk);
    };

    const onChannel = (ch: ClientChannel): void => {
      channel = ch;
      // Timed out while the channel was being opened: close it right away.
      if (done) return killAndClose(ch);
      ch.on('data', onData(stdout));
      ch.stderr.on('data', onData(stderr));
      ch.on('exit', (exitCode: number | null, exitSignal?: string) => {
        exited = true;
        code = typeof exitCode === 'number' ? exitCode : null;
        signal = exitSignal ?? null;
      });
      ch.on('close', () => {
        const lost = opts.connectionLost();
        if (!exited && lost) {
          finish(new FleetError(lost.code, `${lost.message} (while running a command)`, { subject: opts.subject, detail: lost.detail, cause: lost }));
          return;
        }
        finish(undefined, {
          // Decoded once at the end so a multi-byte character split across packets stays whole.
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8'),
          code,
          signal,
          durationMs: opts.now() - started,
        });
      });
    };

    const open = (): void => {
      if (done) return;
      try {
        client.exec(command, (err, ch) => {
          if (!err) return onChannel(ch);
          const lost = opts.connectionLost();
          if (lost) return finish(lost);
          refusals += 1;
          lastRefusal = err;
          const wait = Math.min(REOPEN_MAX_MS, REOPEN_FIRST_MS * 2 ** (refusals - 1));
          reopenTimer = setTimeout(open, wait);
        });
      } catch {
        // ssh2 throws "Not connected" once the socket has ended, a moment before it reports the
        // close: wait for the close and report its reason (the exec timer still bounds the wait).
        const lost = opts.connectionLost();
        if (lost) finish(lost);
        else void opts.whenLost().then(finish);
      }
    };
    open();
  });
}

function killAndClose(ch: ClientChannel): void {
  ch.signal('KILL');
  ch.close();
  // Keep draining so a chatty command cannot stall the connection's flow-control window.
  ch.resume();
  ch.stderr.resume();
}

/** The first 120 characters of a command, for error details (a probe script is long). */
function commandHead(command: string): string {
  return command.length > 120 ? `${command.slice(0, 117)}...` : command;
}
