/**
 * A lab node's init system, as far as runbooks need one: `systemctl start|stop|restart|is-active
 * UNIT` on the units the node runs (its inference server). Answers as systemd does — the same
 * words, the same exit codes — so a runbook step that works here reads the same against a real
 * node. Everything else `systemctl` can do is refused as an unknown operation.
 */
import type { CommandResult } from './shell-result';
import { ok } from './shell-result';

/** One service the lab can start and stop (a lab replica). */
export interface LabUnit {
  isActive(): boolean;
  setActive(active: boolean): Promise<void>;
}

/**
 * `systemctl VERB UNIT`, the unit bare or single-quoted (how the runbook renderer quotes a
 * parameter). Unit names are systemd's characters; anything else is shell syntax the lab refuses.
 */
const SYSTEMCTL = /^systemctl (start|stop|restart|is-active) (?:'([A-Za-z0-9@._:-]{1,256})'|([A-Za-z0-9@._:-]{1,256}))$/;

/** systemd's exit codes (systemctl(1) "EXIT STATUS", LSB): 3 = not running, 5 = no such unit. */
const NOT_ACTIVE = 3;
const NOT_FOUND = 5;

export function isSystemctl(command: string): boolean {
  return command === 'systemctl' || command.startsWith('systemctl ');
}

export class LabUnits {
  private readonly units = new Map<string, LabUnit>();

  /** `name` without the `.service` suffix, as operators type it. */
  add(name: string, unit: LabUnit): void {
    this.units.set(`${name}.service`, unit);
  }

  remove(name: string): void {
    this.units.delete(`${name}.service`);
  }

  async systemctl(command: string): Promise<CommandResult> {
    const m = SYSTEMCTL.exec(command);
    if (!m) {
      const verb = command.split(' ')[1] ?? '';
      return { stdout: '', stderr: verb === '' ? 'systemctl: this lab node only knows start, stop, restart and is-active\n' : `Unknown command verb '${verb}' or arguments this lab node does not take.\n`, code: 1 };
    }
    const [, verb, quoted, bare] = m;
    const given = quoted ?? bare;
    const full = given.includes('.') ? given : `${given}.service`;
    const unit = this.units.get(full);
    if (verb === 'is-active') {
      // systemd prints "inactive" for a unit it does not know, too.
      return unit?.isActive() ? ok('active\n') : { stdout: 'inactive\n', stderr: '', code: NOT_ACTIVE };
    }
    if (!unit) {
      const how = verb === 'stop' ? 'not loaded' : 'not found';
      return { stdout: '', stderr: `Failed to ${verb} ${full}: Unit ${full} ${how}.\n`, code: NOT_FOUND };
    }
    if (verb === 'restart') await unit.setActive(false);
    await unit.setActive(verb !== 'stop');
    // systemctl is silent on success.
    return ok('');
  }
}
