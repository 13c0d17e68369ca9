import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPUTE_APPS_FIELDS, GPU_QUERY_FIELDS } from '../../../electron/core/gpu/probe-command';
import { loadCapturedData, parseFieldsTsv } from '../../../electron/core/lab/captured-data';
import { MAX_ROWS_PER_GPU, profileRowsKept, runNvidiaSmi, type DriverView } from '../../../electron/core/lab/fake-driver';
import { labNodeGpus, referenceGpu } from '../../../electron/core/lab/gpu-profile';
import { readGpu } from '../../../electron/core/lab/gpu-reading';
import { NodeFaults } from '../../../electron/core/lab/node-faults';

const fixtures = path.resolve(__dirname, '../../fixtures/nvidia-smi/h100-80gb-hbm3');
const fixture = (f: string) => readFileSync(path.join(fixtures, f), 'utf8');
const idle = parseFieldsTsv(fixture('fields-idle.tsv'));
const busy = parseFieldsTsv(fixture('fields-busy.tsv'));
const NOW = Date.UTC(2026, 10, 25, 12, 14, 27, 298);

/** A one-GPU host like the one the fixtures were captured on. */
function capturedHost(activity: 'idle' | 'busy'): DriverView {
  return { gpus: [referenceGpu(activity)], faults: new NodeFaults('capture-host', 1), nowMs: NOW };
}

function smi(view: DriverView, ...args: string[]) {
  return runNvidiaSmi(args, view, loadCapturedData());
}

/** `rc=N` on the last line of an err-*.txt capture, the output before it. */
function capturedError(file: string): { output: string; code: number } {
  const text = fixture(file);
  const m = /rc=(\d+)\n$/.exec(text);
  if (!m) throw new Error(`${file} has no rc line`);
  return { output: text.slice(0, m.index), code: Number(m[1]) };
}

const canonical = (f: string) => loadCapturedData().gpuFieldNames.get(f) as string;

describe('fake nvidia-smi --query-gpu on the captured GPU', () => {
  it.each(['idle', 'busy'] as const)('prints the probe fields of an %s GPU exactly as captured (nounits)', (activity) => {
    const table = activity === 'idle' ? idle : busy;
    const r = smi(capturedHost(activity), `--query-gpu=${GPU_QUERY_FIELDS.join(',')}`, '--format=csv,noheader,nounits');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${GPU_QUERY_FIELDS.map((f) => table.get(canonical(f))?.nounits).join(', ')}\n`);
  });

  it('prints values with units in csv mode, and the driver headers in header mode', () => {
    const r = smi(capturedHost('idle'), `--query-gpu=${GPU_QUERY_FIELDS.join(',')}`, '--format=csv');
    const [header, row, ...rest] = r.stdout.split('\n');
    expect(header).toBe(GPU_QUERY_FIELDS.map((f) => idle.get(canonical(f))?.header).join(', '));
    expect(header).toContain('clocks.current.sm [MHz]'); // asked as clocks.sm, named as the driver names it
    expect(row).toBe(GPU_QUERY_FIELDS.map((f) => idle.get(canonical(f))?.csv).join(', '));
    expect(rest).toEqual(['']);
  });

  it("prints the same header line as the real driver for the capture's 33-field query", () => {
    const [capturedHeader] = fixture('idle-query-gpu.csv').split('\n');
    const fields = capturedHeader.split(', ').map((h) => h.replace(/ \[.*\]$/, ''));
    const r = smi(capturedHost('idle'), `--query-gpu=${fields.join(',')}`, '--format=csv');
    expect(r.stdout.split('\n')[0]).toBe(capturedHeader);
  });

  it('answers every field the driver knows, all at once, with the captured values', () => {
    const fields = [...idle.keys()];
    const r = smi(capturedHost('idle'), `--query-gpu=${fields.join(',')}`, '--format=csv,noheader,nounits');
    const values = r.stdout.replace(/\n$/, '').split(', ');
    // The timestamp is the query's own time; everything else is the capture, byte for byte.
    const expected = fields.map((f) => (f === 'timestamp' ? values[0] : idle.get(f)?.nounits));
    expect(values).toEqual(expected);
    expect(values[0]).toMatch(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/);
  });

  it('prints the driver message and exits 2 for an unknown field', () => {
    const expected = capturedError('err-bogus-field.txt');
    const r = smi(capturedHost('idle'), '--query-gpu=index,bogus.field', '--format=csv');
    expect(r.stdout + r.stderr).toBe(expected.output);
    expect(r.code).toBe(expected.code);
  });

  it('prints "No devices were found" and exits 6 for an index the host does not have', () => {
    const expected = capturedError('err-bad-index.txt');
    const r = smi(capturedHost('idle'), '-i', '7', '--query-gpu=index', '--format=csv');
    expect(r.stdout + r.stderr).toBe(expected.output);
    expect(r.code).toBe(expected.code);
  });

  it('refuses invocations it does not simulate instead of guessing', () => {
    for (const args of [['-q'], ['--query-gpu=index'], ['--query-gpu=index', '--format=xml']]) {
      const r = smi(capturedHost('idle'), ...args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^fleetops lab: "nvidia-smi .*" is not simulated/);
    }
  });
});

describe('fake nvidia-smi on a lab node, asked again and again', () => {
  it('answers each request as the uncached reading does, in either format, after more requests than a GPU keeps rows for', () => {
    const node = 'use1-inf-07';
    const view: DriverView = { gpus: labNodeGpus(node, 'inference', 2), faults: new NodeFaults(node, 2), nowMs: NOW };
    const data = loadCapturedData();
    const expected = (fields: readonly string[], units: boolean) =>
      [0, 1]
        .map((i) => {
          const reading = readGpu({ profile: view.gpus[i], physicalIndex: i, enumeratedIndex: i, enumeratedCount: 2, faults: view.faults, nowMs: NOW }, data);
          return `${fields.map((f) => reading.field(canonical(f))).map((v) => (units ? v?.csv : v?.nounits)).join(', ')}\n`;
        })
        .join('');
    const ask = (fields: readonly string[], units: boolean) => smi(view, `--query-gpu=${fields.join(',')}`, units ? '--format=csv,noheader' : '--format=csv,noheader,nounits').stdout;
    for (let round = 0; round < 2; round++) {
      expect(ask(GPU_QUERY_FIELDS, true)).toBe(expected(GPU_QUERY_FIELDS, true));
      expect(ask(GPU_QUERY_FIELDS, false)).toBe(expected(GPU_QUERY_FIELDS, false));
      // Twelve more single-field requests: past the rows a GPU keeps, which then start again (bounded).
      for (const f of GPU_QUERY_FIELDS.slice(0, 12)) {
        expect(ask([f], true)).toBe(expected([f], true));
        expect(profileRowsKept(view.gpus[0])).toBeLessThanOrEqual(MAX_ROWS_PER_GPU);
      }
    }
    expect(profileRowsKept(view.gpus[0])).toBeGreaterThan(0);
    // A fault changes what the instant sets, not the rows kept: the same request shows it at once.
    const before = ask(GPU_QUERY_FIELDS, false);
    view.faults.inject('thermal-slowdown', 1, { nowMs: NOW, uptimeMicros: 0 });
    const during = ask(GPU_QUERY_FIELDS, false);
    expect(during).toBe(expected(GPU_QUERY_FIELDS, false));
    expect(during.split('\n')[0]).toBe(before.split('\n')[0]);
    expect(during.split('\n')[1]).not.toBe(before.split('\n')[1]);
  });
});

describe('fake nvidia-smi --query-compute-apps on the captured GPU', () => {
  const args = [`--query-compute-apps=${COMPUTE_APPS_FIELDS.join(',')}`, '--format=csv,noheader,nounits'];

  it('prints nothing for an idle GPU, as captured', () => {
    const r = smi(capturedHost('idle'), ...args);
    expect(r).toEqual({ stdout: fixture('idle-compute-apps.csv'), stderr: '', code: 0 });
  });

  it("prints the busy GPU's process as captured", () => {
    const r = smi(capturedHost('busy'), ...args);
    const uuid = busy.get('uuid')?.nounits;
    // The capture's process line came from the same board under load: pid, name and memory match.
    const [, ...captured] = fixture('busy-compute-apps.csv').trim().split(', ');
    expect(r.stdout).toBe(`${[uuid, ...captured].join(', ')}\n`);
  });

  it('prints the header and units in csv mode', () => {
    const r = smi(capturedHost('busy'), '--query-compute-apps=pid,name,used_memory', '--format=csv');
    expect(r.stdout).toBe('pid, process_name, used_gpu_memory [MiB]\n457, python3, 1094 MiB\n');
  });
});
