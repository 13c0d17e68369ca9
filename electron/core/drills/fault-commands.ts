/**
 * The command lines the drills' service faults send over SSH, with their names. Like a runbook's
 * `commands`, they are fixed templates: the only value in them, the unit, is checked against
 * UNIT_PATTERN and inserted as one single-quoted word (runbooks/shell-quote.ts).
 *
 * `freeze` stops the unit's main process with SIGSTOP: the process keeps its port and its
 * connections, the kernel keeps accepting new ones, and nothing is answered — the hung server
 * health checks see as timeouts rather than refusals. The PID comes from systemd on the node
 * (`systemctl show -p MainPID --value`, 0 when the unit has no running main process), and 0 is
 * refused before `kill` sees it: `kill -STOP 0` would stop the SSH session's own process group.
 * The thaw (SIGCONT) asks systemd again, so it reaches the process that is there now.
 *
 * On a real node the SSH user must be allowed to stop/start the unit (a polkit rule granting
 * org.freedesktop.systemd1.manage-units, as for the runbooks' service steps) and to signal its
 * process (the same user as the service, or root). The lab's nodes allow both.
 */
import { UNIT_PATTERN } from '../../../shared/drill';
import type { PlannedAction } from '../../../shared/runbook';
import { renderCommand } from '../runbooks/shell-quote';

const signalMain = (signal: 'STOP' | 'CONT') =>
  `pid=$(systemctl show -p MainPID --value {unit}) || exit; if [ "$pid" -gt 0 ]; then kill -${signal} "$pid"; else echo no main process for unit {unit} >&2; exit 1; fi`;

export const SERVICE_COMMANDS = {
  'stop-service': 'systemctl stop {unit}',
  'start-service': 'systemctl start {unit}',
  'freeze-service': signalMain('STOP'),
  'thaw-service': signalMain('CONT'),
} as const;
export type ServiceCommand = keyof typeof SERVICE_COMMANDS;

/** Defaults of the service faults' options. */
export const DEFAULT_UNIT = 'vllm';
export const DEFAULT_STOP_TIMEOUT_SECONDS = 60;
export const DEFAULT_FREEZE_TIMEOUT_SECONDS = 30;

/** One ssh.run action of the library: the command named and rendered exactly as sent. */
export function sshCommand(node: string, command: ServiceCommand, unit: string, timeoutSeconds: number): Extract<PlannedAction, { type: 'ssh.run' }> {
  return { type: 'ssh.run', node, commandName: command, commandLine: renderCommand(SERVICE_COMMANDS[command], { unit }, { unit: UNIT_PATTERN }), timeoutSeconds };
}
