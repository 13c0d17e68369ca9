/** The lab's small models: fault state per node, topology, inventory, keys. */
import { utils } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../shared/errors';
import { InventoryFile } from '../../../shared/inventory';
import { knownHostsText, labInventory, labPaths } from '../../../electron/core/lab/lab-files';
import { generateEd25519 } from '../../../electron/core/lab/lab-keys';
import { labTopology } from '../../../electron/core/lab/lab-topology';
import { NodeFaults } from '../../../electron/core/lab/node-faults';

const at = { nowMs: 1000, uptimeMicros: 5_000_000 };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof FleetError ? err.code : 'not a FleetError';
  }
  return undefined;
}

describe('node fault state', () => {
  it('puts GPU faults on GPU 0 by default and refuses GPUs the node does not have', () => {
    const f = new NodeFaults('n1', 8);
    expect(f.inject('gpu-lost', undefined, at)).toBe(true);
    expect(f.onGpu(0, 'gpu-lost')).toMatchObject({ kind: 'gpu-lost', gpuIndex: 0 });
    expect(codeOf(() => f.inject('gpu-lost', 8, at))).toBe('NOT_FOUND');
    expect(codeOf(() => f.inject('xid-79', -1, at))).toBe('NOT_FOUND');
  });

  it('refuses a GPU index on a whole-node fault', () => {
    const f = new NodeFaults('n1', 8);
    expect(codeOf(() => f.inject('slow-ssh', 2, at))).toBe('BAD_REQUEST');
    expect(f.inject('slow-ssh', undefined, at)).toBe(true);
    expect(f.list()).toEqual([{ kind: 'slow-ssh', injectedAtMs: 1000, uptimeMicros: 5_000_000 }]);
  });

  it('keeps the first injection of a repeated fault and clears by kind or all at once', () => {
    const f = new NodeFaults('n1', 8);
    f.inject('xid-79', 1, at);
    expect(f.inject('xid-79', 1, { nowMs: 9, uptimeMicros: 9 })).toBe(false);
    f.inject('xid-79', 2, at);
    f.inject('node-unreachable', undefined, at);
    expect(f.list()).toHaveLength(3);
    expect(f.clear('xid-79')).toBe(true);
    expect(f.list().map((x) => x.kind)).toEqual(['node-unreachable']);
    expect(f.clear('xid-79')).toBe(false);
    expect(f.clear()).toBe(true);
    expect(f.list()).toEqual([]);
  });
});

describe('lab topology and inventory', () => {
  it('lays 12 nodes over 3 regions, each with a protected inference and a training cluster', () => {
    const nodes = labTopology(12);
    expect(nodes.map((n) => n.name)).toEqual([
      'usw2-inf-01', 'usw2-inf-02', 'usw2-trn-01', 'usw2-trn-02',
      'use1-inf-01', 'use1-inf-02', 'use1-trn-01', 'use1-trn-02',
      'euc1-inf-01', 'euc1-inf-02', 'euc1-trn-01', 'euc1-trn-02',
    ]); // prettier-ignore
    expect(new Set(nodes.map((n) => n.region))).toEqual(new Set(['us-west-2', 'us-east-1', 'eu-central-1']));
    expect(nodes.every((n) => n.protected === (n.role === 'inference'))).toBe(true);
  });

  it('spreads even a 3-node lab over the three regions', () => {
    expect(labTopology(3).map((n) => n.region)).toEqual(['us-west-2', 'us-east-1', 'eu-central-1']);
  });

  it('names 1000 nodes uniquely with wide enough numbers', () => {
    const names = labTopology(1000).map((n) => n.name);
    expect(new Set(names).size).toBe(1000);
    expect(names).toContain('euc1-trn-166');
    expect(names).toContain('usw2-inf-001');
  });

  it('writes a valid inventory and one known_hosts line per node', () => {
    const paths = labPaths('/tmp/lab-x');
    const nodes = labTopology(5).map((p, i) => ({ ...p, port: 40000 + i, hostPublicKey: `ssh-ed25519 KEY${i}`, gpuCount: 8 }));
    const inv = labInventory(paths, nodes, { intervalSeconds: 3, timeoutSeconds: 2 });
    expect(InventoryFile.safeParse(inv).success).toBe(true);
    expect(inv.defaults).toEqual({
      user: 'ops',
      identityFile: '/tmp/lab-x/id_ed25519',
      knownHostsFile: '/tmp/lab-x/known_hosts',
      agent: false,
      probe: { intervalSeconds: 3, timeoutSeconds: 2, fall: 2, rise: 2 },
    });
    expect(inv.regions[0].clusters[0]).toMatchObject({ name: 'usw2-inference', role: 'inference', protected: true });
    expect(inv.regions[0].clusters[0].nodes[0]).toEqual({ name: 'usw2-inf-01', host: '127.0.0.1', port: 40000, gpus: { count: 8, model: 'NVIDIA H100 80GB HBM3' } });
    expect(knownHostsText(nodes).split('\n')[1]).toBe('[127.0.0.1]:40001 ssh-ed25519 KEY1');
  });
});

describe('lab keys', () => {
  // A real pair from ssh2 1.17's keygen whose public key lost its leading zero byte (mscdex/ssh2#1513).
  const MALFORMED = {
    private: [
      '-----BEGIN OPENSSH PRIVATE KEY-----',
      'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMgAAAAtz',
      'c2gtZWQyNTUxOQAAAB+zXHG6kqgpo+xlpcPJP6mBrszWQqEz3HGTlYX4S262AAAA',
      'iPXsBEv17ARLAAAAC3NzaC1lZDI1NTE5AAAAH7NccbqSqCmj7GWlw8k/qYGuzNZC',
      'oTPccZOVhfhLbrYAAAA/4JOYZR+wwlwRoY03w+RbR/uLsclZbEZwTOnMNCasknez',
      'XHG6kqgpo+xlpcPJP6mBrszWQqEz3HGTlYX4S262AAAAAAECAwQFBgc=',
      '-----END OPENSSH PRIVATE KEY-----',
      '',
    ].join('\n'),
    public: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAH7NccbqSqCmj7GWlw8k/qYGuzNZCoTPccZOVhfhLbrY=',
  };

  it('draws again when ssh2 hands out a key it cannot parse itself', () => {
    expect(utils.parseKey(MALFORMED.private)).toBeInstanceOf(Error);
    const good = utils.generateKeyPairSync('ed25519');
    const draws = [MALFORMED, MALFORMED, good];
    const pair = generateEd25519(() => draws.shift() as typeof good);
    expect(pair.private).toBe(good.private);
    expect(pair.parsedPublic.type).toBe('ssh-ed25519');
    expect(() => generateEd25519(() => MALFORMED)).toThrow(/could not generate a parseable ed25519 key in 16 draws/);
  });
});
