import { describe, expect, it } from 'vitest';
import { DEFAULT_BURN_ALERTS } from '../../../electron/core/incidents/burn-rule';
import { FleetError } from '../../../shared/errors';
import { parseInventory } from '../../../electron/core/inventory/load-inventory';
import { formatIssue, type InventoryIssue } from '../../../electron/core/inventory/inventory-issue';

const env = { homeDir: '/home/me', defaultUser: 'me' };

const base = `version: 1
regions:
  - name: us-west-2
    clusters:
      - name: infer-a
        role: inference
        nodes:
          - { name: gpu-a01, host: 10.0.0.11, gpus: { count: 8 } }
          - { name: lb-node-1, host: 10.0.0.5, gpus: { count: 0 } }
`;

const services = `replicas:
  - name: llama-a01-0
    node: gpu-a01
    url: http://10.0.0.11:8000/
    model: meta-llama/Llama-3.1-8B-Instruct
    api: openai
    auth: { header: Authorization, secretRef: llama-key }
    health: { path: /health, intervalSeconds: 5 }
    prompt: { text: "Respond with OK", expect: "OK", maxTokens: 2, intervalSeconds: 60 }
  - name: azure-0
    url: https://example.openai.azure.com
    model: gpt-4o-mini
    api: azure-openai
    apiVersion: "2024-06-01"
    health: { path: /openai/models, intervalSeconds: 30, timeoutSeconds: 2 }
loadBalancers:
  - name: lb-west
    kind: haproxy
    runtime: { socket: /run/haproxy/admin.sock, via: lb-node-1 }
    frontend: { url: http://10.0.0.5:8080 }
    backends: { llama: [llama-a01-0, azure-0] }
  - name: lb-tcp
    kind: haproxy
    runtime: { tcp: "10.0.0.6:9999" }
    frontend: { url: http://10.0.0.6:8080 }
    backends: { other: [azure-0] }
slo:
  - service: llama
    target: 99.9
    probe: frontend
`;

function issues(text: string): string[] {
  try {
    parseInventory(text, '/srv/fleet.yaml', env);
  } catch (err) {
    if (!(err instanceof FleetError)) throw err;
    return (err.detail as { errors: InventoryIssue[] }).errors.map(formatIssue);
  }
  throw new Error('expected the inventory to be rejected');
}

describe('inventory: replicas, load balancers, SLOs', () => {
  it('resolves every reference and applies defaults', () => {
    const inv = parseInventory(base + services, '/srv/fleet.yaml', env);
    expect(inv.replicas.map((r) => [r.name, r.node, r.region, r.api, r.url, r.health.timeoutSeconds])).toEqual([
      ['llama-a01-0', 'gpu-a01', 'us-west-2', 'openai', 'http://10.0.0.11:8000', 5],
      ['azure-0', null, null, 'azure-openai', 'https://example.openai.azure.com', 2],
    ]);
    expect(inv.replicas[0].auth).toEqual({ header: 'Authorization', secretRef: 'llama-key' });
    const [west, tcp] = inv.loadBalancers;
    expect(west.runtime).toMatchObject({ kind: 'ssh-unix', path: '/run/haproxy/admin.sock', via: { name: 'lb-node-1', host: '10.0.0.5' } });
    expect(west.backends).toEqual([{ name: 'llama', servers: ['llama-a01-0', 'azure-0'] }]);
    expect(tcp.runtime).toEqual({ kind: 'tcp', host: '10.0.0.6', port: 9999 });
    // No alerts given: the SRE workbook's paging pair opens incidents for its budget (burn-rule.ts).
    expect(inv.slos).toEqual([{ service: 'llama', target: 99.9, loadBalancer: 'lb-west', frontendUrl: 'http://10.0.0.5:8080', alerts: DEFAULT_BURN_ALERTS }]);
  });

  it("reads an SLO's burn-rate alerts (durations and a factor), or none; a bad one names its line", () => {
    const inv = parseInventory(base + services.replace('    probe: frontend', '    probe: frontend\n    alerts: [{ long: 2h, short: 10m, burnRate: 10 }]'), '/srv/fleet.yaml', env);
    expect(inv.slos[0]!.alerts).toEqual([{ longMs: 7_200_000, shortMs: 600_000, burnRate: 10 }]);
    expect(parseInventory(base + services.replace('    probe: frontend', '    probe: frontend\n    alerts: []'), '/srv/fleet.yaml', env).slos[0]!.alerts).toEqual([]);
    expect(() => parseInventory(base + services.replace('    probe: frontend', '    probe: frontend\n    alerts: [{ long: 5m, short: 1h, burnRate: 10 }]'), '/srv/fleet.yaml', env)).toThrow(/fleet\.yaml:\d+:\d+: slo\[0\]\.alerts\[0\]\.short: the short window must be shorter than the long one/);
  });

  it('reads an optional per-replica capacity; without one it is null', () => {
    const inv = parseInventory(base + services.replace('    prompt: {', '    capacity: { requestsPerSecond: 12.5 }\n    prompt: {'), '/srv/fleet.yaml', env);
    expect(inv.replicas.map((r) => [r.name, r.capacity])).toEqual([
      ['llama-a01-0', { requestsPerSecond: 12.5 }],
      ['azure-0', null],
    ]);
  });

  it.each([
    ['zero', '{ requestsPerSecond: 0 }', /replicas\[0\]\.capacity\.requestsPerSecond: expected more than 0$/],
    ['negative', '{ requestsPerSecond: -5 }', /replicas\[0\]\.capacity\.requestsPerSecond: expected more than 0$/],
    ['a string', '{ requestsPerSecond: "40" }', /replicas\[0\]\.capacity\.requestsPerSecond: expected a number/],
    ['infinite', '{ requestsPerSecond: .inf }', /replicas\[0\]\.capacity\.requestsPerSecond/],
    ['an unknown key', '{ requestsPerSecond: 40, tokensPerSecond: 900 }', /replicas\[0\]\.capacity: unknown key "tokensPerSecond"/],
    ['missing its rate', '{}', /replicas\[0\]\.capacity\.requestsPerSecond/],
  ])('refuses a capacity that is %s, naming where', (_what, value, message) => {
    const out = issues(base + services.replace('    prompt: {', `    capacity: ${value}\n    prompt: {`));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^fleet\.yaml:\d+:\d+: /);
    expect(out[0]).toMatch(message);
  });

  it('reads spares: role, mode, start-up, unit and where they may replace into; active replicas have none', () => {
    const spare = '    role: spare\n    mode: cold\n    startup: 90s\n    replaces: [llama, infer-a]\n    prompt: {';
    const inv = parseInventory(base + services.replace('    prompt: {', spare), '/srv/fleet.yaml', env);
    expect(inv.replicas.map((r) => [r.name, r.spare])).toEqual([
      ['llama-a01-0', { mode: 'cold', startupSeconds: 90, unit: 'vllm', replaces: ['llama', 'infer-a'] }],
      ['azure-0', null],
    ]);
    const warm = parseInventory(base + services.replace('    prompt: {', '    role: spare\n    mode: warm\n    unit: vllm@llama\n    prompt: {'), '/srv/fleet.yaml', env);
    expect(warm.replicas[0]!.spare).toEqual({ mode: 'warm', startupSeconds: null, unit: 'vllm@llama', replaces: [] });
  });

  it.each([
    ['a spare without a mode', '    role: spare\n', /replicas\[0\]\.role: a spare needs a mode: warm \(running, held out of rotation\) or cold \(stopped\)$/],
    ['a mode on an active replica', '    mode: warm\n', /replicas\[0\]\.mode: only a spare \(role: spare\) has "mode"$/],
    ['a start-up on an active replica', '    role: active\n    startup: 30s\n', /replicas\[0\]\.startup: only a spare \(role: spare\) has "startup"$/],
    ['an unknown mode', '    role: spare\n    mode: lukewarm\n', /replicas\[0\]\.mode/],
    ['a start-up that is no duration', '    role: spare\n    mode: cold\n    startup: soon\n', /replicas\[0\]\.startup: a duration is a whole number and one unit/],
    ['replaces naming nothing', '    role: spare\n    mode: cold\n    replaces: [llama, nowhere]\n', /replicas\[0\]\.replaces\[1\]: names neither a load balancer backend nor a cluster \("nowhere"\)$/],
    ['a unit name with a shell in it', '    role: spare\n    mode: cold\n    unit: "vllm; reboot"\n', /replicas\[0\]\.unit: expected a systemd unit name$/],
  ])('refuses %s, naming where', (_what, lines, message) => {
    const out = issues(base + services.replace('    prompt: {', `${lines}    prompt: {`));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(message);
  });

  it('reads spare nodes and a scheduler\'s spare marks', () => {
    const inv = parseInventory(base.replace('gpus: { count: 8 } }', 'gpus: { count: 8 }, spare: { mode: warm } }'), '/srv/fleet.yaml', env);
    expect(inv.nodes.map((n) => [n.name, n.spare ?? null])).toEqual([['gpu-a01', { mode: 'warm' }], ['lb-node-1', null]]);
    expect(issues(base.replace('gpus: { count: 8 } }', 'gpus: { count: 8 }, spare: { mode: tepid } }'))[0]).toMatch(/spare\.mode/);
  });

  it('an inventory without services still loads, with empty lists', () => {
    const inv = parseInventory(base, '/srv/fleet.yaml', env);
    expect([inv.replicas, inv.loadBalancers, inv.slos]).toEqual([[], [], []]);
  });

  it('names file:line:column for every dangling reference', () => {
    const broken = services
      .replace('node: gpu-a01', 'node: gpu-zz')
      .replace('via: lb-node-1', 'via: lb-node-9')
      .replace('[llama-a01-0, azure-0]', '[llama-a01-0, azure-9]')
      .replace('service: llama', 'service: lama');
    const out = issues(base + broken);
    expect(out).toEqual([
      'fleet.yaml:12:11: replicas[0].node: names unknown node "gpu-zz"',
      'fleet.yaml:28:54: loadBalancers[0].runtime.via: names unknown node "lb-node-9"',
      'fleet.yaml:30:38: loadBalancers[0].backends.llama[1]: names unknown replica "azure-9"',
      'fleet.yaml:37:14: slo[0].service: names no load balancer backend ("lama" must be a key of some loadBalancers[].backends)',
    ]);
  });

  it('refuses typos, bad URLs, a secret in the file and an out-of-range SLO', () => {
    const out = issues(
      base +
        services
          .replace('secretRef: llama-key', 'secret: hunter2')
          .replace('url: http://10.0.0.11:8000/', 'url: 10.0.0.11:8000')
          .replace('target: 99.9', 'target: 100'),
    );
    expect(out.some((l) => /replicas\[0\]\.url: expected an http/.test(l))).toBe(true);
    expect(out.some((l) => /replicas\[0\]\.auth: unknown key "secret"/.test(l))).toBe(true);
    expect(out.some((l) => /slo\[0\]\.target/.test(l))).toBe(true);
  });

  it('refuses duplicate replica names and duplicate SLOs', () => {
    const dup = services.replace('name: azure-0', 'name: llama-a01-0') + '  - service: llama\n    target: 99\n    probe: frontend\n';
    const out = issues(base + dup);
    expect(out.some((l) => /duplicate replica name "llama-a01-0"/.test(l))).toBe(true);
    expect(out.some((l) => /duplicate SLO for service "llama"/.test(l))).toBe(true);
  });
});
