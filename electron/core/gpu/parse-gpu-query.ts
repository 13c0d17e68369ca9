/**
 * Parses `nvidia-smi --query-gpu=<fields> --format=csv,noheader,nounits` (also tolerates the
 * `--format=csv` variant: header row, values with units). Columns are mapped by the REQUESTED
 * field order: header text differs between drivers, so it is never used to find a column.
 *
 * What the driver says instead of rows is data, not a parse failure: a "GPU is lost" line is a
 * lost GPU, a non-zero exit is a driver error in the driver's own words, and an unknown field
 * (exit 2) names the field so the probe can retry with the older name. Everything else that is
 * not a well-formed row is PARSE_FAILED with a short, safe excerpt.
 */
import { FleetError } from '../../../shared/errors';
import {
  type DriverError,
  type LostGpu,
  NVIDIA_SMI_EXIT,
  driverErrorFrom,
  parseInvalidField,
  parseLostGpuLine,
} from './driver-messages';
import {
  FieldValueError,
  booleanValue,
  canonicalField,
  clockReasonsValue,
  intValue,
  numberValue,
  textValue,
} from './gpu-fields';
import type { GpuReading } from './observation';
import { outputLines, safeExcerpt } from './safe-text';

/** 64 GPUs × ~400 bytes is ~26 KB: anything near this cap is not nvidia-smi talking. */
export const MAX_GPU_QUERY_OUTPUT = 512 * 1024;

export interface GpuQueryResult {
  driverVersion: string | null;
  gpus: GpuReading[];
  lostGpus: LostGpu[];
  driverError: DriverError | null;
  /** The field nvidia-smi rejected (`Field "x" is not a valid field to query.`), if any. */
  invalidField: string | null;
}

function parseFailed(message: string, line?: string, lineNo?: number): FleetError {
  const excerpt = line === undefined ? undefined : safeExcerpt(line);
  return new FleetError('PARSE_FAILED', excerpt === undefined ? message : `${message}: "${excerpt}"`, {
    detail: { source: 'nvidia-smi --query-gpu', line: lineNo, excerpt },
  });
}

/** `memory.total [MiB]` → `memory.total`; then the name GPU_QUERY_FIELDS uses. */
function headerField(column: string): string {
  return canonicalField(column.replace(/ \[[^\]]{1,16}\]$/, ''));
}

/** A `--format=csv` header: at least half its columns name the field asked for at that position. */
function isHeaderRow(columns: readonly string[], wanted: readonly string[]): boolean {
  let matches = 0;
  columns.forEach((c, i) => {
    if (headerField(c) === wanted[i]) matches += 1;
  });
  return matches > 0 && matches * 2 >= columns.length;
}

interface Row {
  columns: string[];
  lineNo: number;
  line: string;
}

export function parseGpuQuery(output: string, rc: number, fields: readonly string[]): GpuQueryResult {
  if (output.length > MAX_GPU_QUERY_OUTPUT) {
    throw parseFailed(`nvidia-smi --query-gpu printed ${output.length} characters, more than the ${MAX_GPU_QUERY_OUTPUT} accepted`, output, 1);
  }
  const wanted = fields.map(canonicalField);
  const rows: Row[] = [];
  const lostGpus: LostGpu[] = [];
  const otherLines: { line: string; lineNo: number }[] = [];
  let headerSeen = false;

  outputLines(output).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const lost = parseLostGpuLine(line);
    if (lost) {
      lostGpus.push(lost);
      return;
    }
    // nvidia-smi separates columns with ", " and never quotes: no field we ask for contains one.
    const columns = line.split(', ').map((c) => c.trim());
    if (columns.length === fields.length) {
      if (!headerSeen && rows.length === 0 && isHeaderRow(columns, wanted)) {
        headerSeen = true;
        return;
      }
      rows.push({ columns, lineNo: i + 1, line });
      return;
    }
    otherLines.push({ line, lineNo: i + 1 });
  });

  let driverError: DriverError | null = null;
  let invalidField: string | null = null;
  if (rc === NVIDIA_SMI_EXIT.ok) {
    const stray = otherLines[0];
    if (stray) {
      throw parseFailed(
        `nvidia-smi --query-gpu line ${stray.lineNo} is not a row of the ${fields.length} fields asked for`,
        stray.line,
        stray.lineNo,
      );
    }
    if (rows.length === 0 && lostGpus.length === 0) {
      throw parseFailed('nvidia-smi --query-gpu exited 0 but printed no GPU rows');
    }
  } else {
    const words = otherLines.map((o) => o.line);
    invalidField = parseInvalidField(words.join('\n'));
    // Exit 15 with only "GPU is lost" lines is fully explained by the lost GPUs themselves.
    const explainedByLostGpus = words.length === 0 && lostGpus.length > 0;
    if (!explainedByLostGpus) driverError = driverErrorFrom(rc, words);
  }

  const parsed = rows.map((row) => parseRow(row, wanted));
  const gpus = parsed.map((p) => p.reading);
  return { driverVersion: parsed[0]?.driverVersion ?? null, gpus, lostGpus, driverError, invalidField };
}

function parseRow(row: Row, wanted: readonly string[]): { reading: GpuReading; driverVersion: string | null } {
  const values = new Map<string, string>();
  wanted.forEach((field, i) => values.set(field, row.columns[i]));

  // Each accessor reads one field; a field not asked for reads as "not available".
  const read = <T>(field: string, parse: (raw: string) => T, absent: T): T => {
    const raw = values.get(field);
    if (raw === undefined) return absent;
    try {
      return parse(raw);
    } catch (err) {
      if (!(err instanceof FieldValueError)) throw err;
      throw parseFailed(`nvidia-smi --query-gpu line ${row.lineNo}, field ${field}: ${err.message}, got "${safeExcerpt(raw, 40)}"`, row.line, row.lineNo);
    }
  };
  const text = (field: string) => read(field, textValue, null);
  const num = (field: string) => read(field, numberValue, null);

  const index = read('index', intValue, null);
  if (index === null) throw parseFailed(`nvidia-smi --query-gpu line ${row.lineNo} has no GPU index`, row.line, row.lineNo);

  const reading: GpuReading = {
    index,
    uuid: text('uuid') ?? '',
    name: text('name') ?? '',
    busId: text('pci.bus_id') ?? '',
    pstate: text('pstate'),
    temperatureC: num('temperature.gpu'),
    memoryTemperatureC: num('temperature.memory'),
    utilizationPct: num('utilization.gpu'),
    memoryUtilizationPct: num('utilization.memory'),
    memoryTotalMiB: num('memory.total'),
    memoryUsedMiB: num('memory.used'),
    powerW: num('power.draw'),
    powerLimitW: num('power.limit'),
    smClockMHz: num('clocks.sm'),
    clockEventReasons: read('clocks_event_reasons.active', clockReasonsValue, []),
    eccMode: text('ecc.mode.current'),
    eccCorrectedVolatile: read('ecc.errors.corrected.volatile.total', intValue, null),
    eccUncorrectedVolatile: read('ecc.errors.uncorrected.volatile.total', intValue, null),
    eccUncorrectedAggregate: read('ecc.errors.uncorrected.aggregate.total', intValue, null),
    retiredPagesPending: read('retired_pages.pending', booleanValue, null),
    remappedRowsPending: read('remapped_rows.pending', booleanValue, null),
    remappedRowsFailure: read('remapped_rows.failure', booleanValue, null),
  };
  return { reading, driverVersion: text('driver_version') };
}
