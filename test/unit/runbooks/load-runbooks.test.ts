import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../shared/errors';
import { formatIssue, type InventoryIssue } from '../../../electron/core/inventory/inventory-issue';
import { loadRunbooks, parseRunbook } from '../../../electron/core/runbooks/load-runbooks';

const fixtures = join(__dirname, '../../fixtures/runbooks');

function errorsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof FleetError) || err.code !== 'RUNBOOK_INVALID') throw err;
    return (err.detail as { errors: InventoryIssue[] }).errors.map(formatIssue);
  }
  throw new Error('expected the runbook to be rejected');
}

const invalid = (name: string) => errorsOf(() => parseRunbook(readFileSync(join(fixtures, 'invalid', `${name}.yaml`), 'utf8'), join(fixtures, 'invalid', `${name}.yaml`)));

describe('runbook loader: errors with file:line:column', () => {
  it.each([
    ['unknown-step', 'unknown-step.yaml:7:5: steps[1]: unknown step type or key "lb.set-stat" (did you mean "lb.set-state"?)'],
    ['undeclared-placeholder', 'undeclared-placeholder.yaml:8:30: steps[0].wait.healthy.subject: {spare} names no declared parameter'],
    ['no-undo', 'no-undo.yaml:8:5: steps[1]: lb.set-state changes something and declares no undo'],
    ['undeclared-command', 'undeclared-command.yaml:8:48: steps[0].ssh.run.command: command "reboot" is not declared under "commands"'],
    ['command-undeclared-param', 'command-undeclared-param.yaml:8:10: commands.start: command uses {unit}, which is not a declared parameter'],
    ['missing-field', 'missing-field.yaml:6:14: steps[0].lb.wait.timeoutSeconds: required key is missing'],
    ['two-types', 'two-types.yaml:7:5: steps[1]: more than one step type: confirm, note'],
    ['name-mismatch', 'name-mismatch.yaml:1:7: name: name "something-else" differs from the file name "name-mismatch"'],
  ])('%s', (name, expected) => {
    const errors = invalid(name);
    expect(errors).toHaveLength(1);
    expect(errors[0].startsWith(expected)).toBe(true);
  });

  it('YAML syntax errors and unknown top-level keys are located too', () => {
    expect(errorsOf(() => parseRunbook('name: x\n  bad: [\n', '/r/x.yaml'))[0]).toMatch(/^x\.yaml:\d+:\d+: /);
    const text = 'name: x\ndescription: d\ntarget: replica\nonFailure: stop\nstep: []\nsteps:\n  - confirm: {}\n';
    expect(errorsOf(() => parseRunbook(text, '/r/x.yaml'))).toEqual(['x.yaml:5:1: unknown key "step" (did you mean "steps"?)']);
  });

  it('a placeholder {server} outside forEach, .node of a region, a bad pattern and a non-matching default are refused', () => {
    const text = [
      'name: x',
      'description: d',
      'target: region',
      'params:',
      '  svc: { pattern: "[a-z", default: vllm }',
      '  mode: { pattern: "yes|no", default: maybe }',
      'onFailure: stop',
      'steps:',
      '  - note: { text: "{server} {target.node}" }',
    ].join('\n');
    expect(errorsOf(() => parseRunbook(text, '/r/x.yaml'))).toEqual([
      'x.yaml:5:19: params.svc.pattern: pattern is not a valid regular expression',
      'x.yaml:6:39: params.mode.default: default "maybe" does not match pattern yes|no',
      'x.yaml:9:19: steps[0].note.text: {server} names no declared parameter ({server} only exists in a step with forEach)',
      'x.yaml:9:19: steps[0].note.text: {target.node}: only a replica has a node',
    ]);
  });
});

describe('weight: previous', () => {
  const runbook = (step: string, undo: string) =>
    ['name: x', 'description: d', 'target: replica', 'onFailure: rollback', 'steps:', `  - ${step}`, `    undo: ${undo}`].join('\n');

  it('is an undo-only value: a step that sets weight "previous" is a load error with its line', () => {
    const text = runbook('lb.set-weight: { server: "{target}", weight: previous }', '{ lb.set-weight: { server: "{target}", weight: 1 } }');
    expect(errorsOf(() => parseRunbook(text, '/r/x.yaml'))[0]).toMatch(/^x\.yaml:6:\d+: steps\[0\]\.lb\.set-weight\.weight: expected a number or a "\{param\}" placeholder/);
    expect(() => parseRunbook(runbook('lb.set-weight: { server: "{target}", weight: 0 }', '{ lb.set-weight: { server: "{target}", weight: previous } }'), '/r/x.yaml')).not.toThrow();
  });

  it('means the weight its own step changed: under another step type or another server it is a load error with its line', () => {
    const message = 'weight: previous restores what its own step changed, so the step must be an lb.set-weight on the same server';
    const onState = runbook('lb.set-state: { server: "{target}", state: drain }', '{ lb.set-weight: { server: "{target}", weight: previous } }');
    expect(errorsOf(() => parseRunbook(onState, '/r/x.yaml'))).toEqual([expect.stringMatching(new RegExp(`^x\\.yaml:7:\\d+: steps\\[0\\]\\.undo\\.lb\\.set-weight\\.weight: ${message}$`))]);
    const params = ['name: x', 'description: d', 'target: replica', 'params:', '  other: { kind: replica }', 'onFailure: rollback', 'steps:'];
    const otherServer = [...params, '  - lb.set-weight: { server: "{target}", weight: 0 }', '    undo: { lb.set-weight: { server: "{other}", weight: previous } }'].join('\n');
    expect(errorsOf(() => parseRunbook(otherServer, '/r/x.yaml'))[0]).toContain(message);
  });
});

describe('runbook loader: built-ins and overrides', () => {
  it('loads the six built-ins when the inventory has no runbooks directory', async () => {
    const set = await loadRunbooks(join(fixtures, 'fleet.yaml'));
    expect([...set.runbooks.keys()].sort()).toEqual(['cordon-gpu-node', 'drain-replica', 'promote-spare-node', 'region-failback', 'region-failover', 'replace-replica']);
    expect([...set.runbooks.values()].every((r) => r.builtin)).toBe(true);
    expect(set.notices).toEqual([]);
  });

  it('a local file with a built-in name replaces it and says so; other local files are added', async () => {
    const set = await loadRunbooks(join(fixtures, 'override', 'fleet.yaml'));
    const drain = set.runbooks.get('drain-replica')!;
    expect(drain.builtin).toBe(false);
    expect(drain.runbook.description).toBe('Local drain - no maintenance, just drain and wait.');
    expect(set.runbooks.get('say-hello')?.runbook.target).toBe('region');
    expect(set.runbooks.get('replace-replica')?.builtin).toBe(true);
    expect(set.notices).toEqual([`runbook "drain-replica" from ${join(fixtures, 'override', 'runbooks', 'drain-replica.yaml')} overrides the built-in one`]);
  });

  it('a bad local file fails the load with its file and line', async () => {
    await expect(loadRunbooks(join(fixtures, 'broken', 'fleet.yaml'))).rejects.toMatchObject({
      code: 'RUNBOOK_INVALID',
      message: 'no-undo.yaml:6:5: steps[0]: lb.set-weight changes something and declares no undo',
    });
  });
});
