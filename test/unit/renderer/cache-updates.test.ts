import { describe, expect, it } from 'vitest';
import {
  applyInventoryChange,
  applyLab,
  applyPendingHostKeys,
  insertEvent,
  mergeNodeStatuses,
  withoutPendingHostKey,
} from '../../../renderer/src/api/cache-updates';
import { nodeSummary } from '../../../shared/node-summary';
import { event, node, snapshot } from './builders';

describe('mergeNodeStatuses', () => {
  it('replaces updated nodes by name with their summaries and keeps the identity and order of the others', () => {
    const before = snapshot();
    const updated = node('n2', { health: 'unhealthy', reasons: ['GPU 1 fell off the bus'] });
    const after = mergeNodeStatuses(before, [updated]);
    expect(after.nodes.map((n) => n.name)).toEqual(['n1', 'n2', 'n3']);
    expect(after.nodes[1]).toEqual(nodeSummary(updated));
    expect(after.nodes[1].gpus[0]).not.toHaveProperty('uuid');
    expect(after.nodes[0]).toBe(before.nodes[0]);
    expect(after.nodes[2]).toBe(before.nodes[2]);
    expect(before.nodes[1].health).toBe('healthy');
  });

  it('appends a node the snapshot did not have', () => {
    const added = node('n4');
    expect(mergeNodeStatuses(snapshot(), [added]).nodes.map((n) => n.name)).toEqual(['n1', 'n2', 'n3', 'n4']);
  });

  it('returns the same snapshot for an empty batch, and keeps the last of two statuses for one name', () => {
    const before = snapshot();
    expect(mergeNodeStatuses(before, [])).toBe(before);
    const last = node('n1', { health: 'degraded' });
    expect(mergeNodeStatuses(before, [node('n1', { health: 'unhealthy' }), last]).nodes[0]).toEqual(nodeSummary(last));
  });
});

describe('insertEvent', () => {
  it('prepends a newer event and keeps newest-first order for a late older one', () => {
    const list = [event(5), event(3)];
    expect(insertEvent(list, event(6), 10)?.map((e) => e.id)).toEqual([6, 5, 3]);
    expect(insertEvent(list, event(4), 10)?.map((e) => e.id)).toEqual([5, 4, 3]);
  });

  it('keeps an id once when a push races the fetch that already brought it', () => {
    const list = [event(5), event(3)];
    expect(insertEvent(list, event(5), 10)).toBe(list);
  });

  it('caps the list, dropping the oldest, and ignores an event older than a full list', () => {
    const list = [event(3), event(2), event(1)];
    expect(insertEvent(list, event(4), 3)?.map((e) => e.id)).toEqual([4, 3, 2]);
    expect(insertEvent(list, event(0), 3)).toBe(list);
  });

  it('leaves a list that was never loaded unloaded', () => {
    expect(insertEvent(undefined, event(1), 10)).toBeUndefined();
  });
});

describe('applyInventoryChange', () => {
  it('keeps the last good topology with the error and keeps every node', () => {
    const before = snapshot();
    const error = { code: 'INVENTORY_INVALID' as const, message: 'inventory.yaml is invalid' };
    const after = applyInventoryChange(before, { topology: before.topology, error });
    expect(after.inventoryError).toEqual(error);
    expect(after.topology).toBe(before.topology);
    expect(after.nodes).toBe(before.nodes);
  });

  it('drops nodes that the new topology no longer lists', () => {
    const before = snapshot();
    const topology = {
      path: 'x.yaml',
      regions: [{ name: 'eu', clusters: [{ name: 'train-a', role: 'training' as const, protected: true, nodes: ['n1', 'n3'] }] }],
    };
    const after = applyInventoryChange({ ...before, inventoryError: { code: 'INVENTORY_INVALID', message: 'old' } }, { topology, error: null });
    expect(after.nodes.map((n) => n.name)).toEqual(['n1', 'n3']);
    expect(after.inventoryError).toBeNull();
    expect(after.topology).toBe(topology);
  });
});

describe('host keys and lab', () => {
  const prompt = {
    node: 'n1',
    host: '10.0.0.1',
    port: 22,
    keyType: 'ssh-ed25519',
    fingerprint: 'SHA256:' + 'A'.repeat(43),
    knownHostsFile: '/home/op/.ssh/known_hosts',
  };

  it('replaces pending prompts and removes exactly the trusted node+fingerprint', () => {
    const other = { ...prompt, node: 'n2' };
    const s = applyPendingHostKeys(snapshot(), [prompt, other]);
    expect(s.pendingHostKeys).toEqual([prompt, other]);
    expect(withoutPendingHostKey(s, 'n1', prompt.fingerprint).pendingHostKeys).toEqual([other]);
    // A different fingerprint for n1 (the key changed meanwhile) is still pending.
    expect(withoutPendingHostKey(s, 'n1', 'SHA256:' + 'B'.repeat(43))).toBe(s);
  });

  it('sets and clears the lab info', () => {
    const lab = { dir: '/tmp/lab', inventoryPath: '/tmp/lab/inventory.yaml', nodes: 3, faults: [{ node: 'n1', kind: 'xid-79' as const }] };
    expect(applyLab(snapshot(), lab).lab).toBe(lab);
    expect(applyLab(snapshot({ lab }), null).lab).toBeNull();
  });
});

