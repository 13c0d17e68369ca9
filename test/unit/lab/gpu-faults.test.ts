/** Each GPU fault changes what the node's driver prints, and nothing else. */
import { describe, expect, it } from 'vitest';
import { COMPUTE_APPS_FIELDS } from '../../../electron/core/gpu/probe-command';
import { loadCapturedData } from '../../../electron/core/lab/captured-data';
import { runNvidiaSmi, type DriverView } from '../../../electron/core/lab/fake-driver';
import { labNodeGpus } from '../../../electron/core/lab/gpu-profile';
import { NodeFaults } from '../../../electron/core/lab/node-faults';
import type { LabFaultKind } from '../../../shared/status';

const data = loadCapturedData();
const ALL_FIELDS = [...data.idle.keys()];
const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);

function node(): DriverView {
  return { gpus: labNodeGpus('usw2-inf-01', 'inference', 8), faults: new NodeFaults('usw2-inf-01', 8), nowMs: NOW };
}

function inject(view: DriverView, kind: LabFaultKind, gpu?: number, ageMs = 5000): void {
  view.faults.inject(kind, gpu, { nowMs: NOW - ageMs, uptimeMicros: 1_000_000 });
}

/** Every field of every GPU, as printed with nounits; a lost GPU is its message line. */
function snapshot(view: DriverView) {
  const r = runNvidiaSmi([`--query-gpu=${ALL_FIELDS.join(',')}`, '--format=csv,noheader,nounits'], view, data);
  const rows = r.stdout
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => (line.includes(', ') ? Object.fromEntries(line.split(', ').map((v, i) => [ALL_FIELDS[i], v])) : line));
  return { code: r.code, rows };
}

/** `gpu/field` of every value that differs between two snapshots of the same rows. */
function changed(before: Record<string, string>[], after: Record<string, string>[]): string[] {
  const out: string[] = [];
  before.forEach((row, gpu) => {
    for (const f of ALL_FIELDS) if (row[f] !== after[gpu][f]) out.push(`${gpu}/${f}`);
  });
  return out;
}

describe('GPU faults on a lab node', () => {
  it('gpu-lost replaces that GPU row with the driver message, prints the others, exits 15', () => {
    const view = node();
    const before = snapshot(view);
    inject(view, 'gpu-lost', 3);
    const after = snapshot(view);
    expect(after.code).toBe(15);
    expect(after.rows[3]).toBe('Unable to determine the device handle for GPU0000:61:00.0: GPU is lost.  Reboot the system to recover this GPU');
    expect(after.rows.filter((_, i) => i !== 3)).toEqual(before.rows.filter((_, i) => i !== 3));
    // The compute-apps query hits the same handle error.
    const apps = runNvidiaSmi([`--query-compute-apps=${COMPUTE_APPS_FIELDS.join(',')}`, '--format=csv,noheader,nounits'], view, data);
    expect(apps.code).toBe(15);
    expect(apps.stdout).toContain('GPU0000:61:00.0: GPU is lost.');
  });

  it('gpu-missing removes that GPU from the enumeration: 7 rows, indexes close up, count drops', () => {
    const view = node();
    const before = snapshot(view).rows as Record<string, string>[];
    inject(view, 'gpu-missing', 2);
    const after = snapshot(view);
    expect(after.code).toBe(0);
    const rows = after.rows as Record<string, string>[];
    expect(rows).toHaveLength(7);
    expect(rows.map((r) => r.uuid)).toEqual(before.filter((_, i) => i !== 2).map((r) => r.uuid));
    expect(rows.map((r) => r.index)).toEqual(['0', '1', '2', '3', '4', '5', '6']);
    expect(rows.every((r) => r.count === '7')).toBe(true);
    const survivors = before.filter((_, i) => i !== 2);
    expect(changed(survivors, rows).filter((c) => !/\/(index|count)$/.test(c))).toEqual([]);
  });

  it('ecc-uncorrectable raises the uncorrected counters and queues a row remap on that GPU only', () => {
    const view = node();
    const before = snapshot(view).rows as Record<string, string>[];
    inject(view, 'ecc-uncorrectable', 5);
    const after = snapshot(view).rows as Record<string, string>[];
    const scopes = ['volatile', 'aggregate'].flatMap((s) => ['device_memory', 'dram', 'total'].map((w) => `5/ecc.errors.uncorrected.${s}.${w}`));
    expect(changed(before, after).sort()).toEqual([...scopes, '5/remapped_rows.pending', '5/remapped_rows.uncorrectable'].sort());
    expect(after[5]['ecc.errors.uncorrected.volatile.total']).toBe('2');
    expect(after[5]['ecc.errors.uncorrected.aggregate.total']).toBe('2');
    expect(after[5]['remapped_rows.pending']).toBe('Yes');
  });

  it('thermal-slowdown heats that GPU to 94 C and raises the HW and SW thermal reasons', () => {
    const view = node();
    const before = snapshot(view).rows as Record<string, string>[];
    inject(view, 'thermal-slowdown', 1, 5000);
    const after = snapshot(view).rows as Record<string, string>[];
    expect(changed(before, after).sort()).toEqual(
      [
        'temperature.gpu',
        'temperature.gpu.tlimit',
        'temperature.memory',
        'clocks.current.sm',
        'clocks.current.graphics',
        'clocks_event_reasons.active',
        'clocks_event_reasons.hw_thermal_slowdown',
        'clocks_event_reasons.sw_thermal_slowdown',
        'clocks_event_reasons_counters.hw_thermal_slowdown',
        'clocks_event_reasons_counters.sw_thermal_slowdown',
      ]
        .map((f) => `1/${f}`)
        .sort(),
    );
    const g = after[1];
    expect(g['temperature.gpu']).toBe('94');
    expect(g['temperature.gpu.tlimit']).toBe('-7');
    const mask = Number.parseInt(g['clocks_event_reasons.active'], 16);
    expect(mask & 0x60).toBe(0x60);
    expect(mask & ~0x60).toBe(Number.parseInt(before[1]['clocks_event_reasons.active'], 16));
    expect(g['clocks_event_reasons.active']).toMatch(/^0x[0-9A-F]{16}$/);
    expect(g['clocks_event_reasons.hw_thermal_slowdown']).toBe('Active');
    expect(g['clocks_event_reasons.sw_thermal_slowdown']).toBe('Active');
    expect(g['clocks_event_reasons_counters.hw_thermal_slowdown']).toBe('5000000');
    expect(Number(g['clocks.current.sm'])).toBeLessThan(Number(before[1]['clocks.current.sm']));
  });

  it.each(['xid-79', 'node-unreachable', 'slow-ssh'] as const)('%s leaves the driver output alone', (kind) => {
    const view = node();
    const before = snapshot(view);
    inject(view, kind, kind === 'xid-79' ? 0 : undefined);
    expect(snapshot(view)).toEqual(before);
  });

  it('clearing a fault gives back exactly the output from before', () => {
    const view = node();
    const before = snapshot(view);
    for (const kind of ['gpu-lost', 'gpu-missing', 'ecc-uncorrectable', 'thermal-slowdown'] as const) inject(view, kind, 4);
    expect(snapshot(view)).not.toEqual(before);
    view.faults.clear();
    expect(snapshot(view)).toEqual(before);
  });
});
