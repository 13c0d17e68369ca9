/**
 * Recognises the one shell line the drills' freeze fault sends (electron/core/drills/
 * fault-commands.ts), with SIG = STOP to freeze and CONT to thaw:
 *
 *   pid=$(systemctl show -p MainPID --value UNIT) || exit; if [ "$pid" -gt 0 ]; then kill -SIG "$pid"; else echo no main process for unit UNIT >&2; exit 1; fi
 *
 * and runs it as sh would, through the node's own `systemctl show` and `kill`. The lab never runs
 * a shell: anything but this exact shape (the unit spelt the same twice) is not recognised and
 * falls through to "not found", like every other shell syntax the lab refuses.
 */
import type { CommandResult } from './shell-result';

export interface SignalScript {
  /** As written, quotes included: what `systemctl show` receives. */
  unitWord: string;
  /** The unit as the shell passes it (quotes removed): what `echo` prints. */
  unit: string;
  signal: 'STOP' | 'CONT';
}

const UNIT_WORD = String.raw`'[A-Za-z0-9@._:-]{1,256}'|[A-Za-z0-9@._:-]{1,256}`;
const SCRIPT = new RegExp(
  String.raw`^pid=\$\(systemctl show -p MainPID --value (${UNIT_WORD})\) \|\| exit; if \[ "\$pid" -gt 0 \]; then kill -(STOP|CONT) "\$pid"; else echo no main process for unit (${UNIT_WORD}) >&2; exit 1; fi$`,
);

export function parseSignalScript(command: string): SignalScript | null {
  const m = SCRIPT.exec(command);
  if (!m || m[1] !== m[3]) return null;
  return { unitWord: m[1], unit: m[1].replace(/^'|'$/g, ''), signal: m[2] as 'STOP' | 'CONT' };
}

/**
 * `pid=$(…) || exit`: a failing `systemctl show` ends the script with its status and words; a
 * PID of 0 (no running main process) is refused before `kill` could signal the shell's own
 * process group (`kill -STOP 0`); otherwise the status is kill's.
 */
export async function runSignalScript(
  script: SignalScript,
  sh: { run(command: string): CommandResult | Promise<CommandResult>; kill(command: string): CommandResult },
): Promise<CommandResult> {
  const shown = await sh.run(`systemctl show -p MainPID --value ${script.unitWord}`);
  if (shown.code !== 0) return { stdout: '', stderr: shown.stderr, code: shown.code };
  const pid = shown.stdout.trim();
  if (!/^[0-9]+$/.test(pid) || Number(pid) === 0) return { stdout: '', stderr: `no main process for unit ${script.unit}\n`, code: 1 };
  return sh.kill(`kill -${script.signal} ${pid}`);
}
