/**
 * The lab hosts the drills' freeze fault for real: `systemctl show -p MainPID --value UNIT` and
 * `kill -STOP|-CONT PID` on a node's units, the drills' exact freeze/thaw line, and a replica whose
 * frozen server accepts connections and answers nothing (timeouts, not refusals) until thawed.
 */
import { get } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sshCommand } from '../../../electron/core/drills/fault-commands';
import { FakeHost } from '../../../electron/core/lab/fake-host';
import { labNodeGpus } from '../../../electron/core/lab/gpu-profile';
import { startLabReplica, type LabReplica } from '../../../electron/core/lab/lab-replica';
import { LabUnits, type LabUnit } from '../../../electron/core/lab/lab-units';
import { NodeFaults } from '../../../electron/core/lab/node-faults';

/** A LabUnit that records what it was asked: active or not, frozen or not. */
class RecordingUnit implements LabUnit {
  readonly frozenCalls: boolean[] = [];
  frozen = false;
  constructor(private active: boolean) {}
  isActive(): boolean {
    return this.active;
  }
  setActive(active: boolean): Promise<void> {
    this.active = active;
    return Promise.resolve();
  }
  setFrozen(frozen: boolean): void {
    this.frozenCalls.push(frozen);
    this.frozen = frozen;
  }
}

function node(active = true) {
  const host = new FakeHost({ hostname: 'usw2-inf-01', gpus: labNodeGpus('usw2-inf-01', 'inference', 8), faults: new NodeFaults('usw2-inf-01', 8), bootedAtMs: Date.UTC(2026, 0, 1) });
  const units = new LabUnits();
  const vllm = new RecordingUnit(active);
  units.add('vllm', vllm);
  host.setUnits(units);
  return { host, units, vllm };
}

const line = (command: 'freeze-service' | 'thaw-service', unit = 'vllm') => sshCommand('usw2-inf-01', command, unit, 30).commandLine;

describe('systemctl show -p MainPID --value', () => {
  it('prints the running unit\'s PID, the same each time, and 0 once it is stopped', async () => {
    const { host } = node();
    const first = await host.run("systemctl show -p MainPID --value 'vllm'");
    expect(first).toEqual({ stdout: expect.stringMatching(/^[1-9][0-9]*\n$/), stderr: '', code: 0 });
    expect(await host.run('systemctl show -p MainPID --value vllm.service')).toEqual(first);
    expect(await host.run('systemctl stop vllm')).toEqual({ stdout: '', stderr: '', code: 0 });
    expect(await host.run('systemctl show -p MainPID --value vllm')).toEqual({ stdout: '0\n', stderr: '', code: 0 });
  });

  it('gives a restarted unit a new PID (a new process), and an unknown unit 0, as systemd does', async () => {
    const { host } = node();
    const before = (await host.run('systemctl show -p MainPID --value vllm')).stdout;
    await host.run('systemctl restart vllm');
    const after = (await host.run('systemctl show -p MainPID --value vllm')).stdout;
    expect(after).not.toBe(before);
    expect(Number(after)).toBeGreaterThan(0);
    expect(await host.run('systemctl show -p MainPID --value nosuch')).toEqual({ stdout: '0\n', stderr: '', code: 0 });
  });
});

describe('kill -STOP / -CONT', () => {
  it('freezes and thaws the unit whose main process has that PID', async () => {
    const { host, vllm } = node();
    const pid = (await host.run('systemctl show -p MainPID --value vllm')).stdout.trim();
    expect(await host.run(`kill -STOP ${pid}`)).toEqual({ stdout: '', stderr: '', code: 0 });
    expect(vllm.frozen).toBe(true);
    expect(await host.run(`kill -CONT ${pid}`)).toEqual({ stdout: '', stderr: '', code: 0 });
    expect(vllm.frozenCalls).toEqual([true, false]);
  });

  it('answers any other PID as dash does, and signals nothing', async () => {
    const { host, vllm } = node();
    await host.run('systemctl show -p MainPID --value vllm');
    expect(await host.run('kill -STOP 1')).toEqual({ stdout: '', stderr: 'sh: 1: kill: No such process\n\n', code: 1 });
    // A PID learnt before a stop belongs to no process any more.
    const old = (await host.run('systemctl show -p MainPID --value vllm')).stdout.trim();
    expect(vllm.frozenCalls).toEqual([]);
    await host.run('systemctl stop vllm');
    expect((await host.run(`kill -STOP ${old}`)).code).toBe(1);
    // Only the stop's own SIGCONT (systemd sends it after SIGTERM), no STOP.
    expect(vllm.frozenCalls).toEqual([false]);
  });

  it('stopping a frozen unit thaws it first (systemd sends SIGCONT after SIGTERM)', async () => {
    const { host, vllm } = node();
    expect((await host.run(line('freeze-service'))).code).toBe(0);
    await host.run('systemctl stop vllm');
    expect(vllm.frozenCalls).toEqual([true, false]);
    expect(vllm.isActive()).toBe(false);
  });
});

describe("the drills' freeze line, run by the lab node", () => {
  it('freezes with SIGSTOP and thaws with SIGCONT', async () => {
    const { host, vllm } = node();
    expect(await host.run(line('freeze-service'))).toEqual({ stdout: '', stderr: '', code: 0 });
    expect(vllm.frozen).toBe(true);
    expect(await host.run(line('thaw-service'))).toEqual({ stdout: '', stderr: '', code: 0 });
    expect(vllm.frozenCalls).toEqual([true, false]);
  });

  it('refuses a unit with no running main process (PID 0) before kill could see it', async () => {
    const { host, vllm } = node(false);
    expect(await host.run(line('freeze-service'))).toEqual({ stdout: '', stderr: 'no main process for unit vllm\n', code: 1 });
    expect(await host.run(line('freeze-service', 'other.service'))).toEqual({ stdout: '', stderr: 'no main process for unit other.service\n', code: 1 });
    expect(vllm.frozenCalls).toEqual([]);
  });

  it('is recognised only exactly: a different unit in the message, or anything appended, is refused whole', async () => {
    const { host, vllm } = node();
    const tampered = [line('freeze-service').replace("unit 'vllm'", "unit 'other'"), `${line('freeze-service')}; id`, line('freeze-service').replace('-STOP', '-KILL')];
    for (const command of tampered) {
      const r = await host.run(command);
      expect(r.code).toBe(127);
      expect(r.stderr).toMatch(/^sh: 1: .*: not found\n$/);
    }
    expect(vllm.frozenCalls).toEqual([]);
  });

  it('on a node that runs no services, fails with systemctl\'s words', async () => {
    const host = new FakeHost({ hostname: 'usw2-trn-01', gpus: labNodeGpus('usw2-trn-01', 'training', 8), faults: new NodeFaults('usw2-trn-01', 8), bootedAtMs: 0 });
    expect(await host.run(line('freeze-service'))).toEqual({ stdout: '', stderr: 'Failed to show vllm: this lab node runs no services\n', code: 5 });
  });
});

describe('a frozen lab replica', () => {
  let replicas: LabReplica[] = [];
  afterEach(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    replicas = [];
  });

  async function replica(): Promise<LabReplica> {
    const r = await startLabReplica({ name: 'usw2-inf-01-llm', model: 'meta-llama/Llama-3.1-8B-Instruct' });
    replicas.push(r);
    return r;
  }

  /** GET /health: its status, or how it failed (a client timeout of `timeoutMs`, or the socket error). */
  function health(url: string, timeoutMs?: number): Promise<{ status: number } | { error: string }> {
    return new Promise((resolve) => {
      const req = get(`${url}/health`, { agent: false, timeout: timeoutMs }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    });
  }

  function connects(port: number): Promise<boolean> {
    return new Promise((resolve) => {
      const s = connect({ port, host: '127.0.0.1' });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
  }

  it('accepts connections but answers nothing, so a request times out instead of being refused', async () => {
    const r = await replica();
    expect(await health(r.url)).toEqual({ status: 200 });
    r.setFrozen(true);
    expect(r.frozen()).toBe(true);
    expect(await connects(r.port)).toBe(true);
    expect(await health(r.url, 300)).toEqual({ error: 'timeout' });
    // The frozen process never read it: the request log has only the first request.
    expect(r.requests()).toHaveLength(1);
  });

  it('thawed, answers what was held, in order, and everything after', async () => {
    const r = await replica();
    r.setFrozen(true);
    const held = health(r.url);
    // Only a thaw settles it: the held request reaches the server's log once the process runs again.
    await expect(Promise.race([held, health(r.url, 300).then(() => 'still frozen')])).resolves.toBe('still frozen');
    const thawedAt = Date.now();
    r.setFrozen(false);
    expect(await held).toEqual({ status: 200 });
    expect(await health(r.url)).toEqual({ status: 200 });
    expect(r.requests().every((q) => q.at >= thawedAt)).toBe(true);
  });

  it('stopping its service thaws it and closes the port, as systemd stops a stopped process', async () => {
    const r = await replica();
    r.setFrozen(true);
    expect(await health(r.url, 300)).toEqual({ error: 'timeout' });
    await r.setServiceActive(false);
    expect(r.frozen()).toBe(false);
    expect(await health(r.url)).toEqual({ error: 'ECONNREFUSED' });
    // Started again, it serves: nothing of the freeze is left behind.
    await r.setServiceActive(true);
    expect(await health(r.url)).toEqual({ status: 200 });
  });
});
