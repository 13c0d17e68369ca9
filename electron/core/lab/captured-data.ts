/**
 * The lab's copy of real nvidia-smi output captured on an H100 80GB HBM3 (driver 580.159.04).
 * Everything the fake driver prints comes from these files, so its output stays byte-identical
 * to the real driver's instead of drifting with hand-written guesses.
 *
 * The files under `captured/` are copies of test/fixtures/nvidia-smi/h100-80gb-hbm3 (product code
 * must not read test/); a unit test checks the copies are identical to the fixtures.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One row of a `fields-*.tsv` capture: what the driver printed for one `--query-gpu` field. */
export interface CapturedField {
  field: string;
  /** The CSV header nvidia-smi prints for the field (may differ from the requested name). */
  header: string;
  /** Value with units (`--format=csv,noheader`). */
  csv: string;
  /** Value without units (`--format=csv,noheader,nounits`). */
  nounits: string;
}

/** Every `--query-gpu` field of one GPU, in the driver's `--help-query-gpu` order. */
export type CapturedGpu = ReadonlyMap<string, CapturedField>;

export interface CapturedData {
  idle: CapturedGpu;
  busy: CapturedGpu;
  /** Every accepted `--query-gpu` name (canonical or alias) → its canonical name. */
  gpuFieldNames: ReadonlyMap<string, string>;
  /** Every accepted `--query-compute-apps` name (canonical or alias) → its canonical name. */
  computeAppFieldNames: ReadonlyMap<string, string>;
  /** The NVRM lines the captured host logged at boot (no XID among them). */
  bootKernelLog: readonly string[];
}

export const CAPTURED_DIR = join(__dirname, 'captured');

export function parseFieldsTsv(text: string): CapturedGpu {
  const lines = text.split('\n').filter((l) => l !== '');
  const head = lines.shift();
  if (head !== 'field\theader\tvalue_csv\tvalue_nounits') throw new Error(`unexpected fields TSV header: ${head}`);
  const fields = new Map<string, CapturedField>();
  for (const line of lines) {
    const cols = line.split('\t');
    if (cols.length !== 4) throw new Error(`fields TSV row must have 4 columns: ${line}`);
    const [field, header, csv, nounits] = cols;
    fields.set(field, { field, header, csv, nounits });
  }
  return fields;
}

/**
 * Reads the field names out of `--help-query-*` text: lines like `"uuid" or "gpu_uuid"`. The
 * first name is canonical (the one the driver's header and the TSV use).
 */
export function parseHelpFieldNames(text: string): Map<string, string> {
  const names = new Map<string, string>();
  const nameLine = /^"[A-Za-z0-9_.]+"(?: or "[A-Za-z0-9_.]+")*$/;
  for (const line of text.split('\n')) {
    if (!nameLine.test(line)) continue;
    const all = [...line.matchAll(/"([A-Za-z0-9_.]+)"/g)].map((m) => m[1]);
    for (const n of all) names.set(n, all[0]);
  }
  return names;
}

let cached: CapturedData | undefined;

/** Loads (once per process) the captured files from `dir`. */
export function loadCapturedData(dir: string = CAPTURED_DIR): CapturedData {
  if (cached && dir === CAPTURED_DIR) return cached;
  const read = (f: string) => {
    try {
      return readFileSync(join(dir, f), 'utf8');
    } catch (err) {
      // A compiled build must ship electron/core/lab/captured next to the compiled lab files.
      throw new Error(`the lab's captured nvidia-smi data is missing (${join(dir, f)}): copy electron/core/lab/captured there`, { cause: err });
    }
  };
  const data: CapturedData = {
    idle: parseFieldsTsv(read('fields-idle.tsv')),
    busy: parseFieldsTsv(read('fields-busy.tsv')),
    gpuFieldNames: parseHelpFieldNames(read('help-query-gpu.txt')),
    computeAppFieldNames: parseHelpFieldNames(read('help-query-compute-apps.txt')),
    bootKernelLog: read('dmesg-xid.txt').split('\n').filter((l) => l !== ''),
  };
  if (dir === CAPTURED_DIR) cached = data;
  return data;
}
