/**
 * ReplicaMonitor.probeAwaited against a real lab replica: one probe of the kind asked for, sent
 * even while the circuit is open, and not counted in the replica's availability.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedReplica } from '../../../electron/core/inventory/resolve-services';
import { startLabReplica, type LabReplica } from '../../../electron/core/lab/lab-replica';
import { ReplicaMonitor } from '../../../electron/core/services/replica-monitor';

let lab: LabReplica;
beforeAll(async () => {
  lab = await startLabReplica({ name: 'r1', model: 'm', serviceActive: false });
});
afterAll(async () => {
  await lab?.stop();
});

function monitor() {
  const counted: string[] = [];
  const m = new ReplicaMonitor({
    getSecret: async () => undefined,
    appendEvent: () => undefined,
    publish: () => undefined,
    onOutcome: (name, o) => void counted.push(`${name}:${o.kind}:${o.ok}`),
  });
  const replica: ResolvedReplica = {
    name: 'r1', node: null, region: null, cluster: null, url: lab.url, model: 'm', api: 'openai', apiVersion: null, auth: null,
    health: { path: '/health', intervalSeconds: 3600, timeoutSeconds: 2 },
    prompt: { text: 'Respond with OK', expect: 'OK', maxTokens: 2, intervalSeconds: 3600 },
    capacity: null, spare: null,
  };
  m.setReplicas([replica]);
  return { m, counted };
}

describe('ReplicaMonitor.probeAwaited', () => {
  it('probes past an open circuit, one kind at a time, without counting it for availability', async () => {
    const { m, counted } = monitor();
    // Refused until the circuit opens: the scheduled path (probeNow) is then held back.
    for (let i = 0; i < 10; i++) await m.probeNow('r1');
    const opened = m.status('r1')!.breaker.state;
    expect(opened).toBe('open');
    const countedBefore = counted.length;
    const healthSeen = lab.requests().filter((q) => q.path === '/health').length;

    await lab.setServiceActive(true);
    await m.probeNow('r1');
    expect(lab.requests().filter((q) => q.path === '/health').length, 'the open circuit holds probeNow back').toBe(healthSeen);

    await m.probeAwaited('r1', 'health');
    expect(lab.requests().filter((q) => q.path === '/health').length).toBe(healthSeen + 1);
    expect(lab.requests().filter((q) => q.path === '/v1/chat/completions')).toHaveLength(0);
    expect(m.status('r1')!.lastHealth?.ok).toBe(true);
    await m.probeAwaited('r1', 'completion');
    expect(m.status('r1')!.lastCompletion?.ok).toBe(true);
    expect(counted.length, 'awaited probes are not in the availability figures').toBe(countedBefore);
  });
});
