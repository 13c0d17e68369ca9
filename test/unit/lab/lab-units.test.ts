import { describe, expect, it } from 'vitest';
import { isSystemctl, LabUnits, type LabUnit } from '../../../electron/core/lab/lab-units';

/**
 * A LabUnit as the interface describes one: a service that is active or not and can be switched.
 * It records every switch so a test sees exactly what `systemctl` asked of it; `hold` makes the
 * next switches wait until released, as a real stop waits for the process to exit.
 */
class RecordingUnit implements LabUnit {
  readonly calls: boolean[] = [];
  private held: Array<() => void> = [];
  hold = false;

  constructor(private active: boolean) {}

  isActive(): boolean {
    return this.active;
  }

  setActive(active: boolean): Promise<void> {
    this.calls.push(active);
    if (!this.hold) {
      this.active = active;
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      this.held.push(() => {
        this.active = active;
        resolve();
      }),
    );
  }

  /** Lets the oldest held switch finish. */
  release(): void {
    this.held.shift()?.();
  }

  pending(): number {
    return this.held.length;
  }
}

function lab(vllmActive = true) {
  const units = new LabUnits();
  const vllm = new RecordingUnit(vllmActive);
  const spare = new RecordingUnit(false);
  units.add('vllm', vllm);
  units.add('vllm-spare', spare);
  return { units, vllm, spare };
}

/** Lets pending promise callbacks run, so "has not resolved yet" means something. */
async function settleMicrotasks(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe('isSystemctl', () => {
  it.each(['systemctl', 'systemctl start vllm', 'systemctl status vllm', 'systemctl start vllm; id'])('routes %j to the units', (command) => {
    expect(isSystemctl(command)).toBe(true);
  });

  it.each(['systemctlx start vllm', 'sudo systemctl start vllm', ' systemctl start vllm', 'systemd-run vllm', 'nvidia-smi', ''])('leaves %j to the shell', (command) => {
    expect(isSystemctl(command)).toBe(false);
  });
});

describe('systemctl is-active', () => {
  it.each(['vllm', "'vllm'", 'vllm.service', "'vllm.service'"])('answers "active", exit 0, for a running unit named %s', async (unit) => {
    const { units, vllm } = lab(true);
    expect(await units.systemctl(`systemctl is-active ${unit}`)).toEqual({ stdout: 'active\n', stderr: '', code: 0 });
    expect(vllm.calls).toEqual([]);
  });

  it('answers "inactive", exit 3, for a stopped unit', async () => {
    const { units, spare } = lab();
    expect(await units.systemctl('systemctl is-active vllm-spare')).toEqual({ stdout: 'inactive\n', stderr: '', code: 3 });
    expect(spare.calls).toEqual([]);
  });

  it('answers "inactive", exit 3, for a unit it does not know, as systemd does', async () => {
    const { units } = lab();
    expect(await units.systemctl('systemctl is-active nosuch')).toEqual({ stdout: 'inactive\n', stderr: '', code: 3 });
    expect(await units.systemctl("systemctl is-active 'nosuch.service'")).toEqual({ stdout: 'inactive\n', stderr: '', code: 3 });
  });
});

describe('systemctl start, stop, restart', () => {
  it.each(['vllm-spare', "'vllm-spare'", 'vllm-spare.service', "'vllm-spare.service'"])('starts %s silently, exit 0, and only that unit', async (unit) => {
    const { units, vllm, spare } = lab();
    expect(await units.systemctl(`systemctl start ${unit}`)).toEqual({ stdout: '', stderr: '', code: 0 });
    expect(spare.calls).toEqual([true]);
    expect(spare.isActive()).toBe(true);
    expect(vllm.calls).toEqual([]);
  });

  it.each(['vllm', "'vllm'", 'vllm.service', "'vllm.service'"])('stops %s silently, exit 0', async (unit) => {
    const { units, vllm, spare } = lab(true);
    expect(await units.systemctl(`systemctl stop ${unit}`)).toEqual({ stdout: '', stderr: '', code: 0 });
    expect(vllm.calls).toEqual([false]);
    expect(vllm.isActive()).toBe(false);
    expect(spare.calls).toEqual([]);
  });

  it('restarts as a stop then a start, also a unit that was stopped', async () => {
    const { units, vllm, spare } = lab(true);
    expect(await units.systemctl('systemctl restart vllm')).toEqual({ stdout: '', stderr: '', code: 0 });
    expect(vllm.calls).toEqual([false, true]);
    expect(vllm.isActive()).toBe(true);
    expect(await units.systemctl("systemctl restart 'vllm-spare.service'")).toEqual({ stdout: '', stderr: '', code: 0 });
    expect(spare.calls).toEqual([false, true]);
    expect(spare.isActive()).toBe(true);
  });

  it('returns only once the unit has switched, as systemctl waits for the service', async () => {
    const { units, vllm } = lab(true);
    vllm.hold = true;
    let answered = false;
    const stop = units.systemctl('systemctl stop vllm').then((r) => {
      answered = true;
      return r;
    });
    await settleMicrotasks();
    expect(answered).toBe(false);
    vllm.release();
    expect((await stop).code).toBe(0);
    expect(vllm.isActive()).toBe(false);
  });

  it('restart starts only after the stop has finished', async () => {
    const { units, vllm } = lab(true);
    vllm.hold = true;
    const restart = units.systemctl('systemctl restart vllm');
    await settleMicrotasks();
    expect(vllm.calls).toEqual([false]);
    vllm.release();
    await settleMicrotasks();
    expect(vllm.calls).toEqual([false, true]);
    expect(vllm.pending()).toBe(1);
    vllm.release();
    expect((await restart).code).toBe(0);
    expect(vllm.isActive()).toBe(true);
  });

  it.each([
    ['start', 'nosuch', 'Failed to start nosuch.service: Unit nosuch.service not found.\n'],
    ['start', "'nosuch.service'", 'Failed to start nosuch.service: Unit nosuch.service not found.\n'],
    ['restart', 'nosuch', 'Failed to restart nosuch.service: Unit nosuch.service not found.\n'],
    ['stop', 'nosuch', 'Failed to stop nosuch.service: Unit nosuch.service not loaded.\n'],
    ['start', 'vllm.socket', 'Failed to start vllm.socket: Unit vllm.socket not found.\n'],
  ])('%s of an unknown unit %s fails with exit 5 and touches no unit', async (verb, unit, stderr) => {
    const { units, vllm, spare } = lab();
    expect(await units.systemctl(`systemctl ${verb} ${unit}`)).toEqual({ stdout: '', stderr, code: 5 });
    expect(vllm.calls).toEqual([]);
    expect(spare.calls).toEqual([]);
  });

  it('forgets a removed unit', async () => {
    const { units, spare } = lab();
    units.remove('vllm-spare');
    expect(await units.systemctl('systemctl start vllm-spare')).toEqual({
      stdout: '',
      stderr: 'Failed to start vllm-spare.service: Unit vllm-spare.service not found.\n',
      code: 5,
    });
    expect(spare.calls).toEqual([]);
  });
});

describe('what systemctl refuses', () => {
  it('names the verbs it knows when given none', async () => {
    const { units } = lab();
    expect(await units.systemctl('systemctl')).toEqual({ stdout: '', stderr: 'systemctl: this lab node only knows start, stop, restart, is-active and show -p MainPID --value\n', code: 1 });
  });

  it('names an unknown verb', async () => {
    const { units } = lab();
    expect(await units.systemctl('systemctl status vllm')).toEqual({ stdout: '', stderr: "Unknown command verb 'status' or arguments this lab node does not take.\n", code: 1 });
  });

  it.each([
    ['another verb', 'systemctl enable vllm'],
    ['another verb on a stopped unit', 'systemctl reload vllm-spare'],
    ['no unit', 'systemctl start'],
    ['two units', 'systemctl start vllm vllm-spare'],
    ['an option', 'systemctl --now start vllm'],
    ['an option after the unit', 'systemctl stop vllm --no-block'],
    ['a doubled space', 'systemctl  stop vllm'],
    ['a command after ;', 'systemctl stop vllm; id'],
    ['a command after &&', 'systemctl stop vllm && id'],
    ['a pipe', 'systemctl stop vllm | cat'],
    ['a redirection', 'systemctl stop vllm > /tmp/x'],
    ['command substitution', 'systemctl stop $(id)'],
    ['command substitution as the unit', 'systemctl stop vllm$(id)'],
    ['backticks', 'systemctl stop `id`'],
    ['double quotes', 'systemctl stop "vllm"'],
    ['an unbalanced quote', "systemctl stop 'vllm"],
    ['shell syntax inside the quotes', "systemctl stop 'vllm; id'"],
    ['an escaped quote', "systemctl stop 'vl'\\''lm'"],
    ['a newline and a command', 'systemctl stop vllm\nid'],
    ['a trailing newline', 'systemctl stop vllm\n'],
    ['a tab', 'systemctl\tstop vllm'],
    ['a glob', 'systemctl stop vllm*'],
    ['is-active with a command after it', 'systemctl is-active vllm; id'],
  ])('refuses %s without touching any unit', async (_what, command) => {
    const { units, vllm, spare } = lab(true);
    const r = await units.systemctl(command);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toBe('');
    expect(vllm.calls).toEqual([]);
    expect(spare.calls).toEqual([]);
    expect(vllm.isActive()).toBe(true);
    expect(spare.isActive()).toBe(false);
  });
});
