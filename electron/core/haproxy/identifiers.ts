import { FleetError } from '../../../shared/errors';

/**
 * HAProxy accepts only these characters in proxy and server names ("character ',' is not
 * permitted in server name" at config load; see invalid_char() in HAProxy's tools.c: letters,
 * digits, '.', ':', '_', '-'). Checking names against it before a command is built means nothing
 * a name contains can split it: the runtime API treats ';' as a command separator and a newline
 * as the end of the command, so `b1/s1; shutdown frontend fe` must never reach the socket.
 */
const HAPROXY_NAME = /^[A-Za-z0-9._:-]+$/;
/** Far past any real name, short enough that an error message quoting it stays readable. */
const MAX_NAME_LENGTH = 255;

export function assertHaproxyName(kind: 'backend' | 'server', name: unknown): asserts name is string {
  if (typeof name === 'string' && name.length <= MAX_NAME_LENGTH && HAPROXY_NAME.test(name)) return;
  const shown = typeof name === 'string' ? JSON.stringify(name.length > 80 ? `${name.slice(0, 77)}...` : name) : String(name);
  throw new FleetError(
    'BAD_REQUEST',
    `${kind} name ${shown} is not a HAProxy identifier (letters, digits, '.', ':', '_' and '-', at most ${MAX_NAME_LENGTH} characters): nothing was sent to HAProxy.`,
    { detail: { kind, name } },
  );
}

/**
 * A raw runtime API command must be exactly one command: no line break (which ends it and starts
 * the next) and no ';' (which chains another). HAProxy would run what follows, so refuse it.
 */
export function assertSingleCommand(command: unknown): asserts command is string {
  if (typeof command === 'string' && command.trim() !== '' && !/[\r\n;\0]/.test(command)) return;
  throw new FleetError(
    'BAD_REQUEST',
    `${JSON.stringify(command)} is not one runtime API command: it must be non-empty and hold no line break, ';' or NUL (HAProxy would run what follows as another command). Nothing was sent.`,
    { detail: { command } },
  );
}
