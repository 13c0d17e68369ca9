/**
 * ReplicaMonitor with spares, against real lab replicas on loopback: a cold spare's server gets
 * no probe (its unit is asked instead) until its unit runs; a warm spare failing its probes stands
 * by as "warm (unverified)"; neither records an error event; a spare HAProxy puts in rotation is
 * judged like any replica.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UnitState } from '../../../shared/capacity';
import type { ResolvedReplica } from '../../../electron/core/inventory/resolve-services';
import { startLabReplica, type LabReplica } from '../../../electron/core/lab/lab-replica';
import { ReplicaMonitor } from '../../../electron/core/services/replica-monitor';
import type { AppendEventInput } from '../../../electron/core/store/open-store';

let coldLab: LabReplica;
let warmLab: LabReplica;
beforeAll(async () => {
  coldLab = await startLabReplica({ name: 'cold', model: 'm', serviceActive: false });
  warmLab = await startLabReplica({ name: 'warm', model: 'm', serviceActive: true });
});
afterAll(async () => {
  await coldLab?.stop();
  await warmLab?.stop();
});

const replica = (name: string, url: string, mode: 'warm' | 'cold'): ResolvedReplica => ({
  name, node: `n-${name}`, region: 'west', cluster: 'infer', url, model: 'm', api: 'openai', apiVersion: null, auth: null,
  health: { path: '/health', intervalSeconds: 3600, timeoutSeconds: 2 },
  prompt: { text: 'Respond with OK', expect: 'OK', maxTokens: 2, intervalSeconds: 3600 },
  capacity: null,
  spare: { mode, startupSeconds: 20, unit: 'vllm', replaces: [] },
});

function monitor() {
  const events: AppendEventInput[] = [];
  const asked: string[] = [];
  const unit: Record<string, UnitState> = { cold: 'inactive' };
  const rotation: Record<string, boolean> = {};
  const m = new ReplicaMonitor({
    getSecret: async () => undefined,
    appendEvent: (e) => void events.push(e),
    publish: () => undefined,
    inRotation: (n) => rotation[n] ?? false,
    unitState: async (r) => {
      asked.push(r.name);
      return { state: unit[r.name] ?? 'unknown', error: null };
    },
  });
  m.setReplicas([replica('cold', coldLab.url, 'cold'), replica('warm', warmLab.url, 'warm')]);
  return { m, events, asked, unit, rotation };
}

describe('ReplicaMonitor and spares', () => {
  it('a cold spare: its unit is asked, its server never probed; standby, no error event', async () => {
    const { m, events, asked } = monitor();
    const before = coldLab.requests().length;
    for (let i = 0; i < 3; i++) await m.probeNow('cold');
    expect(coldLab.requests().length, 'no HTTP probe reaches a stopped cold spare').toBe(before);
    expect(asked).toEqual(['cold', 'cold', 'cold']);
    expect(m.status('cold')).toMatchObject({ health: 'standby', reasons: ['spare (cold): vllm inactive'], spare: { readiness: 'cold', unitState: 'inactive' } });
    expect(m.status('cold')!.breaker.state).toBe('closed');
    expect(events.filter((e) => e.severity === 'error')).toEqual([]);
  });

  it('a cold spare whose unit was started is probed, and warm once it answers', async () => {
    const { m, unit } = monitor();
    await m.probeNow('cold');
    unit.cold = 'active';
    await coldLab.setServiceActive(true);
    try {
      await m.probeNow('cold');
      expect(m.status('cold')).toMatchObject({ health: 'healthy', spare: { readiness: 'warm', unitState: 'active' } });
    } finally {
      await coldLab.setServiceActive(false);
    }
  });

  it('a warm spare is probed directly: passing, warm; failing, "warm (unverified)" and standby', async () => {
    const { m, events } = monitor();
    await m.probeNow('warm');
    expect(m.status('warm')).toMatchObject({ health: 'healthy', spare: { readiness: 'warm', mode: 'warm' } });
    await warmLab.setServiceActive(false);
    try {
      for (let i = 0; i < 3; i++) await m.probeNow('warm');
      const s = m.status('warm')!;
      expect(s.health).toBe('standby');
      expect(s.spare).toMatchObject({ readiness: 'warm-unverified' });
      expect(s.reasons[0]).toMatch(/^warm \(unverified\): /);
      expect(events.filter((e) => e.severity === 'error')).toEqual([]);
      expect(events.at(-1)).toMatchObject({ kind: 'replica.health', severity: 'info', data: { from: 'healthy', to: 'standby' } });
    } finally {
      await warmLab.setServiceActive(true);
    }
  });

  it('in rotation, a failing spare is a failing replica again', async () => {
    const { m, rotation } = monitor();
    await warmLab.setServiceActive(false);
    try {
      for (let i = 0; i < 3; i++) await m.probeNow('warm');
      expect(m.status('warm')!.health).toBe('standby');
      rotation.warm = true;
      m.rotationChanged();
      expect(m.status('warm')!.health).not.toBe('standby');
      expect(m.status('warm')!.spare?.inRotation).toBe(true);
    } finally {
      await warmLab.setServiceActive(true);
    }
  });
});
