/**
 * Answers nvidia-smi queries the way the captured H100 driver did, from the project's fixtures:
 * `fields-{idle,busy}.tsv` hold every field as the driver printed it (header, value with units,
 * value without), `help-query-gpu.txt` the names the driver accepts for the same field. From
 * them any field list gets the exact driver output, for one GPU or a node of eight.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURE_DIR = join(__dirname, '../../fixtures/nvidia-smi/h100-80gb-hbm3');

export function readFixture(name: string): string {
  return readFileSync(join(FIXTURE_DIR, name), 'utf8');
}

/** `err-*.txt` end with the capture's `rc=N` line: split it from what nvidia-smi printed. */
export function readErrorFixture(name: string): { output: string; rc: number } {
  const text = readFixture(name);
  const m = /\nrc=(\d+)\n?$/.exec(text);
  if (!m) throw new Error(`${name} has no rc line`);
  return { output: text.slice(0, m.index + 1), rc: Number(m[1]) };
}

export type MachineState = 'idle' | 'busy';

interface FieldRow {
  header: string;
  csv: string;
  nounits: string;
}

function loadFieldTable(state: MachineState): Map<string, FieldRow> {
  const table = new Map<string, FieldRow>();
  const [, ...lines] = readFixture(`fields-${state}.tsv`).split('\n');
  for (const line of lines) {
    if (!line) continue;
    const [field, header, csv, nounits] = line.split('\t');
    table.set(field, { header, csv, nounits });
  }
  return table;
}

/** `"clocks.current.sm" or "clocks.sm"` lines of the help text: every accepted name → the other names. */
function loadAliases(): Map<string, string[]> {
  const aliases = new Map<string, string[]>();
  for (const m of readFixture('help-query-gpu.txt').matchAll(/^"([^"]+)"((?: or "[^"]+")+)$/gm)) {
    const names = [m[1], ...[...m[2].matchAll(/"([^"]+)"/g)].map((x) => x[1])];
    for (const n of names) aliases.set(n, names);
  }
  return aliases;
}

const TABLES = { idle: loadFieldTable('idle'), busy: loadFieldTable('busy') };
const ALIASES = loadAliases();

/** The driver's row for a field name it accepts, or undefined for a name it would reject. */
export function fieldRow(state: MachineState, field: string): FieldRow | undefined {
  const table = TABLES[state];
  for (const name of ALIASES.get(field) ?? [field]) {
    const row = table.get(name);
    if (row) return row;
  }
  return undefined;
}

/** Typical bus ids of an 8-GPU HGX H100 board. */
export const HGX_BUS = ['18', '2A', '3A', '5D', '9A', 'AB', 'BA', 'DB'];

export function gpuIdentity(i: number): { index: string; uuid: string; busId: string } {
  return {
    index: String(i),
    uuid: `GPU-d9cec5c7-ab8c-652b-9914-01bdb94992${(0xa0 + i).toString(16)}`,
    busId: `00000000:${HGX_BUS[i % HGX_BUS.length]}:00.0`,
  };
}

export interface QueryOptions {
  state?: MachineState;
  gpus?: number;
  /** `--format=csv` instead of `csv,noheader,nounits`: a header row and values with units. */
  units?: boolean;
  /** Per GPU overrides, by field name as asked. */
  override?: (gpu: number) => Record<string, string>;
}

/** What `nvidia-smi --query-gpu=<fields>` prints on this machine (N GPUs: index/uuid/bus id vary). */
export function queryGpuOutput(fields: readonly string[], opts: QueryOptions = {}): string {
  const state = opts.state ?? 'idle';
  const rows = fields.map((f) => {
    const row = fieldRow(state, f);
    if (!row) throw new Error(`the driver would reject field ${f}`);
    return row;
  });
  const lines: string[] = [];
  if (opts.units) lines.push(rows.map((r) => r.header).join(', '));
  for (let i = 0; i < (opts.gpus ?? 1); i++) {
    const id = gpuIdentity(i);
    const extra = opts.override?.(i) ?? {};
    lines.push(
      fields
        .map((f, c) => {
          if (f in extra) return extra[f];
          if (f === 'index') return id.index;
          if (f === 'uuid' || f === 'gpu_uuid') return id.uuid;
          if (f === 'pci.bus_id' || f === 'gpu_bus_id') return id.busId;
          return opts.units ? rows[c].csv : rows[c].nounits;
        })
        .join(', '),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Field names of a `--format=csv` header line, units removed (the names the fixture asked for). */
export function headerFields(headerLine: string): string[] {
  return headerLine.split(', ').map((h) => h.replace(/ \[[^\]]+\]$/, ''));
}

export interface SectionAnswer {
  output: string;
  rc: number;
}

/** The stdout of probe-command.ts's script when each section's command answered as given. */
export function probeStdout(nonce: string, answers: { uptime: SectionAnswer; gpus: SectionAnswer; apps: SectionAnswer; kernel: SectionAnswer }): string {
  return (['uptime', 'gpus', 'apps', 'kernel'] as const)
    .map((name) => {
      const { output, rc } = answers[name];
      const body = output === '' || output.endsWith('\n') ? output : `${output}\n`;
      return `<<<fleetops:${nonce}:${name}>>>\n${body}<<<fleetops:${nonce}:rc=${rc}>>>\n`;
    })
    .join('');
}
