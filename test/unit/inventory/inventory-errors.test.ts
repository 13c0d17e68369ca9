import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../shared/errors';
import { parseInventory } from '../../../electron/core/inventory/load-inventory';
import { formatIssue, MAX_REPORTED_ISSUES, type InventoryIssue } from '../../../electron/core/inventory/inventory-issue';

const env = { homeDir: '/home/me', defaultUser: 'me' };

function failure(text: string, file = '/srv/fleet.yaml'): { error: FleetError; lines: string[]; issues: InventoryIssue[] } {
  try {
    parseInventory(text, file, env);
  } catch (err) {
    if (!(err instanceof FleetError)) throw err;
    const issues = (err.detail as { errors: InventoryIssue[] }).errors;
    return { error: err, lines: issues.map(formatIssue), issues };
  }
  throw new Error('expected the inventory to be rejected');
}

/** A valid one-node inventory; tests edit a line of it to break exactly one thing. */
const lines = [
  'version: 1', //                         1
  'regions:', //                           2
  '  - name: us-west-2', //                3
  '    clusters:', //                      4
  '      - name: infer-a', //              5
  '        role: inference', //            6
  '        nodes:', //                     7
  '          - name: gpu-a01', //          8
  '            host: 10.0.0.11', //        9
  '            gpus: { count: 8 }', //     10
];
const doc = (...extra: string[]) => [...lines, ...extra, ''].join('\n');
const replaceLine = (n: number, text: string) => [...lines.slice(0, n - 1), text, ...lines.slice(n), ''].join('\n');

describe('parseInventory: schema errors carry file, line and column', () => {
  it('reports a wrong type at the value, in the documented format', () => {
    const { error, lines: out } = failure(doc('            port: "22"'));
    expect(error.code).toBe('INVENTORY_INVALID');
    expect(out).toEqual(['fleet.yaml:11:19: regions[0].clusters[0].nodes[0].port: expected a number']);
    expect(error.message).toBe(out[0]);
  });

  it('reports an unknown key at the key, with a suggestion for a typo', () => {
    const { issues } = failure(replaceLine(7, '        nodez:'));
    expect(issues).toContainEqual({
      file: 'fleet.yaml',
      line: 7,
      column: 9,
      path: 'regions[0].clusters[0]',
      message: 'unknown key "nodez" (did you mean "nodes"?)',
    });
  });

  it('reports a missing key at the object that lacks it', () => {
    const { lines: out } = failure(replaceLine(9, '            hots: 10.0.0.11'));
    expect(out).toContain('fleet.yaml:8:13: regions[0].clusters[0].nodes[0].host: required key is missing');
    expect(out).toContain('fleet.yaml:9:13: regions[0].clusters[0].nodes[0]: unknown key "hots" (did you mean "host"?)');
  });

  it('names the allowed values of an enum', () => {
    const { lines: out } = failure(replaceLine(6, '        role: inferense'));
    expect(out).toEqual(['fleet.yaml:6:15: regions[0].clusters[0].role: expected one of inference, training']);
  });

  it('explains numbers out of range, non-integers, empty strings, bad names and unions', () => {
    const { lines: out } = failure(
      doc('            port: 70000', '            probe: { fall: 1.5, timeoutSeconds: 0 }', '            user: ""', '            agent: true').replace('name: infer-a', 'name: "infer a"'),
    );
    expect(out).toEqual([
      'fleet.yaml:5:15: regions[0].clusters[0].name: expected a name of letters, digits, ".", "_" or "-"',
      'fleet.yaml:11:19: regions[0].clusters[0].nodes[0].port: expected at most 65535',
      'fleet.yaml:12:28: regions[0].clusters[0].nodes[0].probe.fall: expected a whole number',
      'fleet.yaml:12:49: regions[0].clusters[0].nodes[0].probe.timeoutSeconds: expected at least 0.1',
      'fleet.yaml:13:19: regions[0].clusters[0].nodes[0].user: must not be empty',
      'fleet.yaml:14:20: regions[0].clusters[0].nodes[0].agent: expected a string or false',
    ]);
  });

  it('points at the key when a value is left empty', () => {
    const { lines: out } = failure(doc('            port:'));
    expect(out).toEqual(['fleet.yaml:11:13: regions[0].clusters[0].nodes[0].port: expected a number']);
  });

  it('lists every error in file order and summarises them in the message', () => {
    const text = doc('            port: x').replace('version: 1', 'version: 2').replace('role: inference', 'role: r');
    const { error, lines: out } = failure(text);
    expect(out).toEqual([
      'fleet.yaml:1:10: version: expected 1',
      'fleet.yaml:6:15: regions[0].clusters[0].role: expected one of inference, training',
      'fleet.yaml:11:19: regions[0].clusters[0].nodes[0].port: expected a number',
    ]);
    expect(error.message).toBe('fleet.yaml:1:10: version: expected 1 (and 2 more errors)');
  });

  it(`caps the list at ${MAX_REPORTED_ISSUES} but counts them all`, () => {
    const nodes = Array.from({ length: 80 }, (_, i) => `          - { name: n${i}, host: h, gpus: { count: 1 }, port: bad }`);
    const { error, issues } = failure([...lines.slice(0, 7), ...nodes, ''].join('\n'));
    expect(issues).toHaveLength(MAX_REPORTED_ISSUES);
    expect((error.detail as { total: number }).total).toBe(80);
    expect(error.message).toMatch(/\(and 79 more errors\)$/);
  });

  it('reports an empty file and a non-mapping document', () => {
    expect(failure('').lines).toEqual(['fleet.yaml:1:1: inventory is empty (expected "version: 1" and "regions:")']);
    expect(failure('# only a comment\n').lines).toEqual(['fleet.yaml:1:1: inventory is empty (expected "version: 1" and "regions:")']);
    expect(failure('- a\n- b\n').lines).toEqual(['fleet.yaml:1:1: expected a mapping (key: value)']);
  });

  it('points into the anchor when an aliased block is wrong', () => {
    const text = doc('            probe: *p').replace('version: 1', 'version: 1\ndefaults:\n  probe: &p { fall: "2" }');
    expect(failure(text).lines).toEqual([
      'fleet.yaml:3:21: defaults.probe.fall: expected a number',
      'fleet.yaml:3:21: regions[0].clusters[0].nodes[0].probe.fall: expected a number',
    ]);
  });
});

describe('parseInventory: YAML syntax errors carry file, line and column', () => {
  it('rejects a tab used for indentation', () => {
    const { error, lines: out } = failure(replaceLine(9, '\t    host: 10.0.0.11'));
    expect(error.code).toBe('INVENTORY_INVALID');
    expect(out[0]).toBe('fleet.yaml:9:1: tab used for indentation (use spaces)');
  });

  it('rejects bad indentation', () => {
    const { lines: out } = failure(replaceLine(9, '           host: 10.0.0.11'));
    expect(out[0]).toMatch(/^fleet\.yaml:9:\d+: /);
  });

  it('rejects a duplicate key instead of letting the last one win', () => {
    const { lines: out } = failure(doc('            gpus: { count: 4 }'));
    expect(out).toEqual(['fleet.yaml:11:13: duplicate key "gpus"']);
  });

  it('rejects more than one document', () => {
    const { lines: out } = failure(doc('---', 'version: 1'));
    expect(out[0]).toMatch(/^fleet\.yaml:11:1: more than one YAML document/);
  });

  it('rejects unknown tags rather than guessing', () => {
    const { lines: out } = failure(replaceLine(9, '            host: !secret vault:gpu-a01'));
    expect(out[0]).toMatch(/^fleet\.yaml:9:19: /);
  });
});

describe('parseInventory: cross-checks', () => {
  const node = (name: string, extra = '') => `          - { name: ${name}, host: h-${name}, gpus: { count: 1 }${extra} }`;
  const fleet = (...nodes: string[]) => [...lines.slice(0, 7), ...nodes, ''].join('\n');

  it('rejects duplicate node names anywhere in the fleet', () => {
    const text = [
      ...lines,
      '  - name: eu-1',
      '    clusters:',
      '      - name: train',
      '        role: training',
      '        nodes:',
      '          - name: gpu-a01',
      '            host: 10.1.0.1',
      '            gpus: { count: 8 }',
      '',
    ].join('\n');
    expect(failure(text).lines).toEqual([
      'fleet.yaml:16:19: regions[1].clusters[0].nodes[0].name: duplicate node name "gpu-a01" (first defined at regions[0].clusters[0].nodes[0], line 8)',
    ]);
  });

  it('rejects duplicate region names and duplicate cluster names within a region', () => {
    const text = [
      ...lines,
      '      - name: infer-a',
      '        role: training',
      '        nodes: []',
      '  - name: us-west-2',
      '    clusters: []',
      '',
    ].join('\n');
    expect(failure(text).lines).toEqual([
      'fleet.yaml:11:15: regions[0].clusters[1].name: duplicate cluster name "infer-a" (first defined at regions[0].clusters[0], line 5)',
      'fleet.yaml:14:11: regions[1].name: duplicate region name "us-west-2" (first defined at regions[0], line 3)',
    ]);
  });

  it('allows the same cluster name in different regions', () => {
    const text = [...lines, '  - name: eu-1', '    clusters:', '      - name: infer-a', '        role: inference', '        nodes: []', ''].join('\n');
    expect(parseInventory(text, '/srv/fleet.yaml', env).topology.regions.map((r) => r.clusters[0].name)).toEqual(['infer-a', 'infer-a']);
  });

  it('rejects a jump naming an unknown node', () => {
    expect(failure(fleet(node('a', ', jump: bastoin'))).lines).toEqual([
      'fleet.yaml:8:61: regions[0].clusters[0].nodes[0].jump: jump names unknown node "bastoin" (for a host outside the inventory write [user@]host[:port])',
    ]);
  });

  it('rejects a self-jump and jump cycles, naming the cycle', () => {
    expect(failure(fleet(node('a', ', jump: a'))).lines).toEqual([
      'fleet.yaml:8:61: regions[0].clusters[0].nodes[0].jump: node "a" cannot jump through itself',
    ]);
    expect(failure(fleet(node('a', ', jump: b'), node('b', ', jump: c'), node('c', ', jump: a'))).lines).toEqual([
      'fleet.yaml:8:61: regions[0].clusters[0].nodes[0].jump: jump cycle: a → b → c → a',
      'fleet.yaml:9:61: regions[0].clusters[0].nodes[1].jump: jump cycle: b → c → a → b',
      'fleet.yaml:10:61: regions[0].clusters[0].nodes[2].jump: jump cycle: c → a → b → c',
    ]);
  });

  it('rejects a jump through a node that itself needs a jump (one hop only)', () => {
    expect(failure(fleet(node('a', ', jump: b'), node('b', ', jump: "ops@edge:22"'))).lines).toEqual([
      'fleet.yaml:8:61: regions[0].clusters[0].nodes[0].jump: jumps through "b", which itself has a jump ("ops@edge:22"): only one jump hop is supported',
    ]);
  });

  it('rejects malformed jump specs', () => {
    const out = failure(fleet(node('a', ', jump: "ops@"'), node('b', ', jump: "h:99999"'), node('c', ', jump: "@h"'))).lines;
    expect(out).toEqual([
      'fleet.yaml:8:61: regions[0].clusters[0].nodes[0].jump: invalid jump "ops@": host is empty (expected a node name or [user@]host[:port])',
      'fleet.yaml:9:61: regions[0].clusters[0].nodes[1].jump: invalid jump "h:99999": port 99999 is out of range 1-65535 (expected a node name or [user@]host[:port])',
      'fleet.yaml:10:61: regions[0].clusters[0].nodes[2].jump: invalid jump "@h": user before "@" is empty or malformed (expected a node name or [user@]host[:port])',
    ]);
  });

  it('rejects an empty, blank or spaced host', () => {
    const out = failure(fleet('          - { name: a, host: "", gpus: { count: 1 } }', '          - { name: b, host: "  ", gpus: { count: 1 } }', '          - { name: c, host: "a b", gpus: { count: 1 } }')).lines;
    expect(out).toEqual([
      'fleet.yaml:8:30: regions[0].clusters[0].nodes[0].host: must not be empty',
      'fleet.yaml:9:30: regions[0].clusters[0].nodes[1].host: must not be blank',
      'fleet.yaml:10:30: regions[0].clusters[0].nodes[2].host: must not contain whitespace',
    ]);
  });

  it('rejects ~user paths it cannot expand', () => {
    expect(failure(doc('            identityFile: ~bob/.ssh/id')).lines).toEqual([
      'fleet.yaml:11:27: regions[0].clusters[0].nodes[0].identityFile: only "~" or "~/" are expanded; write the full path for another user\'s home',
    ]);
  });

  it('reports schema and cross-check errors together', () => {
    const out = failure(fleet(node('a', ', port: x'), node('a'))).lines;
    expect(out).toHaveLength(2);
    expect(out[0]).toContain('nodes[0].port: expected a number');
    expect(out[1]).toContain('nodes[1].name: duplicate node name "a"');
  });
});
