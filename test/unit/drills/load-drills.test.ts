import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DrillFile } from '../../../shared/drill';
import { FleetError } from '../../../shared/errors';
import { BUILTIN_DRILL_DIR, loadDrills, parseDrill } from '../../../electron/core/drills/load-drills';

/** A valid drill, one line per entry so each case can swap a line and name its position. */
const BASE = [
  'name: d', //                          1
  'description: A drill.', //            2
  'targets:', //                         3
  '  replicasOf: llama', //              4
  '  count: 1', //                       5
  '  maxTargets: 2', //                  6
  'fault:', //                           7
  '  kind: stop-service', //             8
  'hypothesis:', //                      9
  '  minSuccessPct: 95', //             10
  '  maxP95LatencyMs: 2000', //         11
  '  window: 30s', //                   12
  '  probeRatePerSecond: 5', //         13
  '  grace: 60s', //                    14
  'response: none', //                  15
  'expectations:', //                   16
  '  detectedWithin: 15s', //           17
];

/** BASE with lines replaced (1-based; an array inserts several lines there, '' deletes it). */
function drillText(changes: Record<number, string | string[]> = {}, extra: string[] = []): string {
  const out: string[] = [];
  BASE.forEach((line, i) => {
    const c = changes[i + 1];
    if (c === undefined) out.push(line);
    else if (Array.isArray(c)) out.push(...c);
    else if (c !== '') out.push(c);
  });
  return [...out, ...extra].join('\n') + '\n';
}

function refusal(text: string, file = 'd.yaml'): FleetError {
  try {
    parseDrill(text, `/somewhere/drills/${file}`);
  } catch (err) {
    if (err instanceof FleetError) return err;
    throw err;
  }
  throw new Error('expected DRILL_INVALID');
}

/** Every reported issue as `file:line:column: path: message`. */
function messages(err: FleetError): string[] {
  const detail = err.detail as { errors: { file: string; line: number; column: number; path: string; message: string }[] };
  return detail.errors.map((e) => `${e.file}:${e.line}:${e.column}: ${e.path === '' ? '' : `${e.path}: `}${e.message}`);
}

describe('built-in drills', () => {
  it('each parses, and the set loads with its names', async () => {
    const set = await loadDrills('/nowhere/fleet.yaml');
    expect([...set.drills.keys()].sort()).toEqual(['gpu-lost-game-day', 'region-down', 'replica-freeze', 'replica-maint', 'replica-stop', 'replica-stop-drain']);
    for (const { drill, builtin, path } of set.drills.values()) {
      expect(builtin).toBe(true);
      expect(path.startsWith(BUILTIN_DRILL_DIR)).toBe(true);
      // What the loader returns is the contract's type exactly: the runner can rely on it.
      expect(DrillFile.parse(drill)).toEqual(drill);
    }
    expect(set.notices).toEqual([]);
  });

  it('the example in the drills README is a valid drill', () => {
    const readme = readFileSync(join(BUILTIN_DRILL_DIR, '..', 'README.md'), 'utf8');
    const example = /^```yaml\n([\s\S]*?)^```/m.exec(readme)![1]!;
    expect(parseDrill(example, 'replica-stop.yaml')).toMatchObject({ name: 'replica-stop', fault: { kind: 'stop-service', unit: 'vllm', timeout: '60s' }, response: 'none' });
  });

  it('the valid base of these tests parses', () => {
    expect(parseDrill(drillText(), 'd.yaml')).toMatchObject({ name: 'd', targets: { replicasOf: 'llama', count: 1, maxTargets: 2 }, response: 'none' });
  });
});

describe('local drills beside the inventory', () => {
  let dir: string | null = null;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = null;
  });

  it('add to the built-ins, and one with a built-in name replaces it with a notice', async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleetops-drills-'));
    mkdirSync(join(dir, 'drills'));
    writeFileSync(join(dir, 'drills', 'd.yaml'), drillText());
    writeFileSync(join(dir, 'drills', 'replica-stop.yaml'), drillText({ 1: 'name: replica-stop', 2: 'description: Mine.' }));
    writeFileSync(join(dir, 'drills', 'notes.txt'), 'not a drill');
    const set = await loadDrills(join(dir, 'fleet.yaml'));
    expect(set.drills.get('d')).toMatchObject({ builtin: false, drill: { name: 'd' } });
    expect(set.drills.get('replica-stop')).toMatchObject({ builtin: false, drill: { description: 'Mine.' } });
    expect(set.notices).toEqual([`drill "replica-stop" from ${join(dir, 'drills', 'replica-stop.yaml')} overrides the built-in one`]);
  });

  it('a bad local file fails the whole load with its file:line:column', async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleetops-drills-'));
    mkdirSync(join(dir, 'drills'));
    writeFileSync(join(dir, 'drills', 'd.yaml'), drillText({ 5: '  count: 0' }));
    await expect(loadDrills(join(dir, 'fleet.yaml'))).rejects.toMatchObject({ code: 'DRILL_INVALID', message: 'd.yaml:5:10: targets.count: expected at least 1' });
  });
});

describe('a malformed field names file:line:column and what is wrong', () => {
  it.each([
    ['count below 1', { 5: '  count: 0' }, ['d.yaml:5:10: targets.count: expected at least 1']],
    ['count over the cap', { 5: '  count: 3' }, ['d.yaml:5:10: targets.count: count 3 is over maxTargets 2']],
    ['a fault kind not in the library', { 8: '  kind: stop' }, [expect.stringMatching(/^d\.yaml:8:9: fault\.kind: expected one of stop-service, freeze, lb-maint, lb-weight-zero, gpu-lost, .*, region-down$/)]],
    ['an option of another fault kind', { 8: ['  kind: lb-maint', '  unit: vllm'] }, ['d.yaml:9:3: fault: unknown key "unit"']],
    ['a window that is a number', { 12: '  window: 30' }, ['d.yaml:12:11: hypothesis.window: expected a string']],
    // The duration's own words belong to shared/drill-schedule.ts: pinned by their start only.
    ['a window with a space', { 12: '  window: 30 s' }, [expect.stringMatching(/^d\.yaml:12:11: hypothesis\.window: a duration is a whole number and (a|one) unit: 90s, 15m/)]],
    ['a window too short', { 12: '  window: 2s' }, ['d.yaml:12:11: hypothesis.window: expected a duration from 5s to 1h']],
    ['a probe rate over the bound', { 13: '  probeRatePerSecond: 500' }, ['d.yaml:13:23: hypothesis.probeRatePerSecond: expected at most 50']],
    ['a response word not known', { 15: 'response: later' }, ['d.yaml:15:11: response: expected none or operator or a mapping (key: value)']],
    [
      'a runbook response with a misspelt key',
      { 15: 'response: { runbook: drain-replica, aftr: detection }' },
      ['d.yaml:15:11: response.after: required key is missing', 'd.yaml:15:37: response: unknown key "aftr" (did you mean "after"?)'],
    ],
    ['a runbook response delay that is no duration', { 15: 'response: { runbook: drain-replica, after: soon }' }, [expect.stringMatching(/^d\.yaml:15:44: response\.after: a duration is a whole number/)]],
    ['expectations that expect nothing', { 16: 'expectations: {}', 17: '' }, ['d.yaml:16:15: expectations: expect at least one of detectedWithin, mitigatedWithin, restoredWithin, maxFailedRequests (a drill that expects nothing cannot fail)']],
    ['two target forms', { 4: ['  replica: usw2-inf-01-llm', '  replicasOf: llama'] }, ['d.yaml:5:3: targets: name exactly one of replica, node, region, replicasOf, nodesOf (found replica and replicasOf)']],
    ['no target form', { 4: '' }, ['d.yaml:4:3: targets: name what the fault hits: one of replica, node, region, replicasOf, nodesOf']],
    ['a group without count or percent', { 5: '' }, ['d.yaml:4:3: targets: a group needs count or percent: how many of its members the fault hits']],
    ['count and percent together', { 5: ['  count: 1', '  percent: 50'] }, ['d.yaml:6:3: targets: count and percent both say how many: keep one']],
    ['a count on a named target', { 4: '  replica: usw2-inf-01-llm' }, ['d.yaml:5:3: targets: count picks from a group (replicasOf, nodesOf); a named replica is the target itself']],
    ['nodesOf naming both', { 4: '  nodesOf: { cluster: c, region: r }' }, ['d.yaml:4:12: targets.nodesOf: name exactly one of cluster, region']],
    ['a seed with a space', { 5: ['  count: 1', '  seed: "a b"'] }, ['d.yaml:6:9: targets.seed: expected up to 64 letters, digits, ".", "_" or "-"']],
    ['region-down without a region', { 8: '  kind: region-down' }, ['d.yaml:8:9: fault.kind: region-down takes a whole region down: name it with targets.region']],
    ['a misspelt top-level key', {}, ['d.yaml:18:1: unknown key "schedul" (did you mean "schedule"?)'], ['schedul: {}']],
    ['a cron without five fields', {}, [expect.stringMatching(/^d\.yaml:18:19: schedule\.cron: .*five fields/)], ['schedule: { cron: "* * *", timeZone: Europe/Berlin }']],
    ['a name that is not the file name', { 1: 'name: other' }, ['d.yaml:1:7: name: name "other" differs from the file name "d" (they must match so a drill is found by its name)']],
    ['a key given twice (YAML)', { 6: ['  maxTargets: 2', '  maxTargets: 3'] }, [expect.stringMatching(/^d\.yaml:7:3: .*maxTargets/)]],
  ] as const)('%s', (_what, changes, expected, extra: readonly string[] = []) => {
    const err = refusal(drillText(changes as Record<number, string | string[]>, [...extra]));
    expect(err.code).toBe('DRILL_INVALID');
    expect(messages(err)).toEqual(expected);
    // The message is the first issue, as runbooks and inventories report.
    expect(err.message.startsWith(messages(err)[0]!)).toBe(true);
  });

  it('a missing required key is said so, at the mapping that lacks it', () => {
    const err = refusal(drillText({ 6: '' }));
    expect(messages(err)).toEqual(['d.yaml:4:3: targets.maxTargets: required key is missing']);
  });

  it('a file over the size limit is refused before it is parsed', () => {
    expect(refusal(`name: d\ndescription: "${'x'.repeat(300 * 1024)}"\n`).message).toBe('d.yaml:1:1: file is over the 256 KB limit for a drill');
  });
});
