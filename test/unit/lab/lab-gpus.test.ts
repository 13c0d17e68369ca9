/** The lab's GPUs: the captured board, multiplied into distinct, plausible GPUs in the driver's own formats. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CAPTURED_DIR, loadCapturedData } from '../../../electron/core/lab/captured-data';
import { runNvidiaSmi } from '../../../electron/core/lab/fake-driver';
import { busyGpuCount, labNodeGpus } from '../../../electron/core/lab/gpu-profile';
import { labTopology } from '../../../electron/core/lab/lab-topology';
import { NodeFaults } from '../../../electron/core/lab/node-faults';

const data = loadCapturedData();
const FIELDS = [...data.idle.keys()];
const IDENTITY = ['uuid', 'serial', 'pci.bus_id'];

function rows(node: string, role: 'inference' | 'training', units: boolean) {
  const r = runNvidiaSmi(
    [`--query-gpu=${FIELDS.join(',')}`, `--format=csv,noheader${units ? '' : ',nounits'}`],
    { gpus: labNodeGpus(node, role, 8), faults: new NodeFaults(node, 8), nowMs: Date.UTC(2026, 0, 1) },
    data,
  );
  expect(r.code).toBe(0);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => Object.fromEntries(l.split(', ').map((v, i) => [FIELDS[i], v])) as Record<string, string>);
}

/** A value's format: hex and digits collapsed, so `72.45 W` and `698.01 W` share one (`N.N W`). */
const shape = (v: string) => v.replace(/0x[0-9A-F]+/g, '0xH').replace(/\d+/g, 'N');

describe('lab GPUs', () => {
  it('ships copies of the captured files identical to the test fixtures', () => {
    const fixtures = path.resolve(__dirname, '../../fixtures/nvidia-smi/h100-80gb-hbm3');
    for (const f of ['fields-idle.tsv', 'fields-busy.tsv', 'help-query-gpu.txt', 'help-query-compute-apps.txt', 'dmesg-xid.txt']) {
      expect(readFileSync(path.join(CAPTURED_DIR, f), 'utf8'), f).toBe(readFileSync(path.join(fixtures, f), 'utf8'));
    }
  });

  it('gives every GPU of the fleet its own uuid, serial and bus id within the node', () => {
    const uuids = new Set<string>();
    const serials = new Set<string>();
    for (const n of labTopology(24)) {
      const gpus = rows(n.name, n.role, false);
      expect(new Set(gpus.map((g) => g['pci.bus_id'])).size).toBe(8);
      for (const g of gpus) {
        uuids.add(g.uuid);
        serials.add(g.serial);
        expect(g.uuid).toMatch(/^GPU-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        expect(g.serial).toMatch(/^\d{13}$/);
        expect(g['pci.bus_id']).toMatch(/^00000000:[0-9A-F]{2}:00\.0$/);
        expect(g['pci.bus']).toBe(`0x${g['pci.bus_id'].slice(9, 11)}`);
      }
    }
    expect(uuids.size).toBe(24 * 8);
    expect(serials.size).toBe(24 * 8);
  });

  it("keeps every field in the captured driver's format, with and without units", () => {
    for (const units of [true, false]) {
      for (const g of rows('euc1-trn-02', 'training', units)) {
        for (const f of FIELDS) {
          if (IDENTITY.includes(f) || f === 'timestamp') continue;
          const captured = data[Number(g['utilization.gpu'].replace(' %', '')) > 0 ? 'busy' : 'idle'].get(f);
          expect(shape(g[f]), f).toBe(shape(units ? (captured?.csv as string) : (captured?.nounits as string)));
        }
      }
    }
  });

  it('mixes busy and idle GPUs plausibly and derives the readings from the node name alone', () => {
    const gpus = rows('usw2-inf-01', 'inference', false);
    expect(rows('usw2-inf-01', 'inference', false)).toEqual(gpus);
    const busy = gpus.filter((g) => g['utilization.gpu'] !== '0');
    expect(busy).toHaveLength(busyGpuCount('usw2-inf-01', 'inference', 8));
    for (const g of gpus) {
      const t = Number(g['temperature.gpu']);
      const isBusy = busy.includes(g);
      expect(t).toBeGreaterThanOrEqual(isBusy ? 55 : 31);
      expect(t).toBeLessThanOrEqual(isBusy ? 69 : 39);
      expect(Number(g['temperature.gpu']) + Number(g['temperature.gpu.tlimit'])).toBe(87);
      expect(Number(g['memory.used']) + Number(g['memory.free']) + Number(g['memory.reserved'])).toBe(Number(g['memory.total']));
      expect(Number(g['power.draw'])).toBeLessThanOrEqual(700);
      expect(g['clocks_event_reasons.active']).toBe(isBusy ? '0x0000000000000004' : '0x0000000000000001');
    }
    expect(new Set(gpus.map((g) => g['temperature.gpu'] + g['power.draw'])).size).toBeGreaterThan(4);
    // Across the fleet some nodes are fully busy, some partly, some idle.
    const counts = new Set(labTopology(60).map((n) => busyGpuCount(n.name, n.role, 8)));
    expect(counts.has(0) && counts.has(8) && [2, 4, 6].some((c) => counts.has(c))).toBe(true);
  });

  it('resolves the driver aliases to canonical fields', () => {
    expect(data.gpuFieldNames.get('clocks.sm')).toBe('clocks.current.sm');
    expect(data.gpuFieldNames.get('clocks_throttle_reasons.active')).toBe('clocks_event_reasons.active');
    expect(data.gpuFieldNames.get('gpu_uuid')).toBe('uuid');
    expect(data.computeAppFieldNames.get('used_memory')).toBe('used_gpu_memory');
    expect(data.gpuFieldNames.has('0: Default')).toBe(false);
  });
});
