/**
 * A lab node's init system and process table, as far as runbooks and drills need them:
 * `systemctl start|stop|restart|is-active UNIT` and `systemctl show -p MainPID --value UNIT` on
 * the units the node runs (its inference server), and `kill -STOP|-CONT PID` on a unit's main
 * process. Answers as systemd and dash do — the same words, the same exit codes — so a step that
 * works here reads the same against a real node. Everything else `systemctl` can do is refused as
 * an unknown operation.
 */
import type { CommandResult } from './shell-result';
import { ok } from './shell-result';

/** One service the lab can start and stop (a lab replica). */
export interface LabUnit {
  isActive(): boolean;
  setActive(active: boolean): Promise<void>;
  /**
   * SIGSTOP (true) / SIGCONT (false) of its main process: a stopped process keeps its port and
   * its connections but answers nothing, so clients time out instead of being refused. A unit
   * without it cannot be signalled (`kill` is refused as for another user's process).
   */
  setFrozen?(frozen: boolean): void;
}

/** Unit names are systemd's characters; anything else is shell syntax the lab refuses. */
const UNIT = String.raw`(?:'([A-Za-z0-9@._:-]{1,256})'|([A-Za-z0-9@._:-]{1,256}))`;
/** `systemctl VERB UNIT`, the unit bare or single-quoted (how the runbook renderer quotes a parameter). */
const SYSTEMCTL = new RegExp(`^systemctl (start|stop|restart|is-active) ${UNIT}$`);
/** The one `show` the drills' freeze fault sends: the unit's main PID alone, 0 when it has none. */
const SHOW_MAIN_PID = new RegExp(`^systemctl show -p MainPID --value ${UNIT}$`);
/** dash's `kill -STOP PID` / `kill -CONT PID`. */
const KILL = /^kill -(STOP|CONT) ([0-9]{1,10})$/;

/** systemd's exit codes (systemctl(1) "EXIT STATUS", LSB): 3 = not running, 5 = no such unit. */
const NOT_ACTIVE = 3;
const NOT_FOUND = 5;
/** Where a node's PIDs start: above what a booted host's own daemons take. */
const FIRST_PID = 2000;

export function isSystemctl(command: string): boolean {
  return command === 'systemctl' || command.startsWith('systemctl ');
}

export function isKill(command: string): boolean {
  return command === 'kill' || command.startsWith('kill ');
}

export class LabUnits {
  private readonly units = new Map<string, LabUnit>();
  /** Each running unit's main PID; a (re)started unit gets a new one, as a new process does. */
  private readonly pids = new Map<string, number>();
  private nextPid = FIRST_PID;

  /** `name` without the `.service` suffix, as operators type it. */
  add(name: string, unit: LabUnit): void {
    this.units.set(`${name}.service`, unit);
  }

  remove(name: string): void {
    this.units.delete(`${name}.service`);
    this.pids.delete(`${name}.service`);
  }

  async systemctl(command: string): Promise<CommandResult> {
    const show = SHOW_MAIN_PID.exec(command);
    if (show) return ok(`${this.mainPid(fullName(show[1] ?? show[2]))}\n`);
    const m = SYSTEMCTL.exec(command);
    if (!m) {
      const verb = command.split(' ')[1] ?? '';
      return { stdout: '', stderr: verb === '' ? 'systemctl: this lab node only knows start, stop, restart, is-active and show -p MainPID --value\n' : `Unknown command verb '${verb}' or arguments this lab node does not take.\n`, code: 1 };
    }
    const [, verb, quoted, bare] = m;
    const full = fullName(quoted ?? bare);
    const unit = this.units.get(full);
    if (verb === 'is-active') {
      // systemd prints "inactive" for a unit it does not know, too.
      return unit?.isActive() ? ok('active\n') : { stdout: 'inactive\n', stderr: '', code: NOT_ACTIVE };
    }
    if (!unit) {
      const how = verb === 'stop' ? 'not loaded' : 'not found';
      return { stdout: '', stderr: `Failed to ${verb} ${full}: Unit ${full} ${how}.\n`, code: NOT_FOUND };
    }
    if (verb !== 'start') {
      // systemd follows its SIGTERM with SIGCONT, so a frozen service stops like any other.
      unit.setFrozen?.(false);
      await unit.setActive(false);
      this.pids.delete(full);
    }
    if (verb !== 'stop') await unit.setActive(true);
    // systemctl is silent on success.
    return ok('');
  }

  /**
   * `kill -STOP|-CONT PID` as dash's builtin answers it: the unit whose main process has that
   * PID is frozen or thawed; any other PID is "No such process".
   */
  kill(command: string): CommandResult {
    const m = KILL.exec(command);
    if (!m) return { stdout: '', stderr: 'sh: 1: kill: this lab node only sends -STOP and -CONT to a PID\n', code: 2 };
    const pid = Number(m[2]);
    const found = [...this.units].find(([full]) => this.pids.get(full) === pid && this.units.get(full)?.isActive());
    if (!found) return { stdout: '', stderr: 'sh: 1: kill: No such process\n\n', code: 1 };
    const [, unit] = found;
    if (!unit.setFrozen) return { stdout: '', stderr: 'sh: 1: kill: Operation not permitted\n\n', code: 1 };
    unit.setFrozen(m[1] === 'STOP');
    return ok('');
  }

  /** systemd's MainPID: the running unit's process, 0 for a stopped or unknown unit. */
  private mainPid(full: string): number {
    const unit = this.units.get(full);
    if (!unit?.isActive()) {
      this.pids.delete(full);
      return 0;
    }
    let pid = this.pids.get(full);
    if (pid === undefined) {
      pid = this.nextPid++;
      this.pids.set(full, pid);
    }
    return pid;
  }
}

function fullName(given: string): string {
  return given.includes('.') ? given : `${given}.service`;
}
