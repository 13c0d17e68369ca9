import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROBE, DEFAULT_THRESHOLDS, ResolvedNode, Topology } from '../../../shared/inventory';
import { loadInventoryFile, parseInventory, type InventoryEnv } from '../../../electron/core/inventory/load-inventory';

const fixtures = path.resolve(__dirname, '../../fixtures/inventory');
const env: InventoryEnv = { homeDir: '/home/me', defaultUser: 'me', sshAuthSock: '/run/agent.sock' };

async function loadFleet() {
  const inv = await loadInventoryFile(path.join(fixtures, 'fleet.yaml'), env);
  const byName = new Map(inv.nodes.map((n) => [n.name, n]));
  const node = (name: string) => {
    const n = byName.get(name);
    if (!n) throw new Error(`no node ${name}`);
    return n;
  };
  return { inv, node };
}

describe('loadInventoryFile: resolution', () => {
  it('returns nodes that satisfy the shared ResolvedNode and Topology schemas', async () => {
    const { inv } = await loadFleet();
    expect(inv.nodes).toHaveLength(5);
    for (const n of inv.nodes) expect(ResolvedNode.parse(n)).toEqual(n);
    expect(Topology.parse(inv.topology)).toEqual(inv.topology);
    expect(inv.path).toBe(path.join(fixtures, 'fleet.yaml'));
    expect(inv.file.version).toBe(1);
  });

  it('keeps file order in the topology: regions, then clusters, then node names', async () => {
    const { inv } = await loadFleet();
    expect(inv.topology).toEqual({
      path: path.join(fixtures, 'fleet.yaml'),
      regions: [
        { name: 'us-west-2', clusters: [{ name: 'infer-a', role: 'inference', protected: true, nodes: ['bastion-1', 'gpu-a01', 'gpu-a02'] }] },
        { name: 'eu-central-1', clusters: [{ name: 'train-b', role: 'training', protected: false, nodes: ['gpu-b01', 'gpu-b02'] }] },
      ],
    });
  });

  it('applies node over defaults over built-ins for connection settings', async () => {
    const { node } = await loadFleet();
    expect(node('gpu-a01')).toMatchObject({ user: 'ops', port: 22, region: 'us-west-2', cluster: 'infer-a', role: 'inference', protected: true });
    expect(node('bastion-1')).toMatchObject({ user: 'jump', port: 2222 });
    expect(node('gpu-b01')).toMatchObject({ user: 'trainer', agent: false, protected: false });
  });

  it('merges thresholds node over cluster over defaults over built-ins, key by key', async () => {
    const { node } = await loadFleet();
    // defaults set temperatureC 85, cluster infer-a sets xidWindowMinutes 30, gpu-a02 sets temperatureC 80.
    expect(node('gpu-a01').thresholds).toEqual({ ...DEFAULT_THRESHOLDS, temperatureC: 85, xidWindowMinutes: 30 });
    expect(node('gpu-a02').thresholds).toEqual({ ...DEFAULT_THRESHOLDS, temperatureC: 80, xidWindowMinutes: 30 });
    expect(node('gpu-b01').thresholds).toEqual({ ...DEFAULT_THRESHOLDS, temperatureC: 85 });
  });

  it('merges probe settings node over defaults over built-ins', async () => {
    const { node } = await loadFleet();
    expect(node('gpu-a01').probe).toEqual(DEFAULT_PROBE);
    expect(node('gpu-a02').probe).toEqual({ ...DEFAULT_PROBE, intervalSeconds: 5 });
  });

  it('expands ~ against homeDir and resolves relative paths against the inventory directory', async () => {
    const { node } = await loadFleet();
    expect(node('gpu-a01').identityFile).toBe('/home/me/.ssh/id_ed25519');
    expect(node('gpu-a01').knownHostsFile).toBe('/home/me/.ssh/known_hosts');
    expect(node('gpu-b01').identityFile).toBe(path.join(fixtures, 'keys/train_ed25519'));
  });

  it('resolves a jump by node name to that node\'s resolved host, port and user', async () => {
    const { node } = await loadFleet();
    expect(node('gpu-a01').jump).toEqual({ host: 'bastion.example.com', port: 2222, user: 'jump', node: 'bastion-1' });
  });

  it('resolves a jump spec, defaulting the port to 22 and the user to the node\'s user', async () => {
    const { node } = await loadFleet();
    expect(node('gpu-b01').jump).toEqual({ host: '203.0.113.7', port: 2200, user: 'edge' });
    expect(node('gpu-b02').jump).toEqual({ host: '203.0.113.7', port: 22, user: 'ops' });
    expect(node('bastion-1').jump).toBeUndefined();
  });

  it('keeps the GPU model only when given', async () => {
    const { node } = await loadFleet();
    expect(node('gpu-a01').gpus).toEqual({ count: 8, model: 'NVIDIA H100 80GB HBM3' });
    expect(node('gpu-b02').gpus).toEqual({ count: 4 });
  });
});

describe('parseInventory: built-in defaults and the environment', () => {
  const minimal = ['version: 1', 'regions:', '  - name: r', '    clusters:', '      - name: c', '        role: training', '        nodes:', '          - name: n1', '            host: h1', '            gpus: { count: 2 }', ''].join('\n');

  it('falls back to env.defaultUser, port 22, ~/.ssh/known_hosts, no identity file and env.sshAuthSock', () => {
    const [n] = parseInventory(minimal, '/etc/fleetops/fleet.yaml', env).nodes;
    expect(n).toEqual({
      name: 'n1',
      region: 'r',
      cluster: 'c',
      role: 'training',
      protected: false,
      host: 'h1',
      port: 22,
      user: 'me',
      knownHostsFile: '/home/me/.ssh/known_hosts',
      agent: '/run/agent.sock',
      gpus: { count: 2 },
      probe: DEFAULT_PROBE,
      thresholds: DEFAULT_THRESHOLDS,
    });
    expect('identityFile' in n).toBe(false);
  });

  it('uses no agent when neither the inventory nor the environment names one', () => {
    const [n] = parseInventory(minimal, '/etc/fleetops/fleet.yaml', { homeDir: '/home/me', defaultUser: 'me' }).nodes;
    expect(n.agent).toBe(false);
  });

  it('prefers an inventory agent path over env.sshAuthSock and expands it', () => {
    const text = minimal.replace('version: 1', 'version: 1\ndefaults:\n  agent: ~/agent.sock');
    const [n] = parseInventory(text, '/etc/fleetops/fleet.yaml', env).nodes;
    expect(n.agent).toBe('/home/me/agent.sock');
  });

  it('expands a bare "~" (quoted: plain ~ is YAML null) to the home directory and keeps absolute paths as they are', () => {
    const text = minimal.replace('version: 1', 'version: 1\ndefaults:\n  identityFile: "~"\n  knownHostsFile: /etc/ssh/ssh_known_hosts');
    const [n] = parseInventory(text, '/etc/fleetops/fleet.yaml', env).nodes;
    expect(n.identityFile).toBe('/home/me');
    expect(n.knownHostsFile).toBe('/etc/ssh/ssh_known_hosts');
  });

  it('accepts anchors and aliases for shared settings', () => {
    const text = minimal
      .replace('version: 1', 'version: 1\ndefaults:\n  probe: &fast { intervalSeconds: 3 }')
      .replace('gpus: { count: 2 }', 'gpus: { count: 2 }\n            probe: *fast');
    const [n] = parseInventory(text, '/etc/fleetops/fleet.yaml', env).nodes;
    expect(n.probe.intervalSeconds).toBe(3);
  });
});
