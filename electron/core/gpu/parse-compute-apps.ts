/**
 * Parses `nvidia-smi --query-compute-apps=gpu_uuid,pid,process_name,used_memory
 * --format=csv,noheader,nounits`. Idle GPUs print nothing.
 *
 * The process name is chosen by whoever started the process, so it may hold commas, spaces and
 * even line breaks (argv[0] is arbitrary). The parser therefore anchors on what nvidia-smi
 * controls: each record starts with `<uuid>, <pid>, ` at the start of a line and ends with the
 * memory column; the name is everything between. A line that does not start a record continues
 * the previous record's name. A hostile name can at worst add a fake entry to the process list;
 * it cannot break the node's probe or reach another section (markers carry a nonce).
 */
import { FleetError } from '../../../shared/errors';
import { NVIDIA_SMI_EXIT, parseLostGpuLine } from './driver-messages';
import { FieldValueError, isUnavailable, numberValue } from './gpu-fields';
import type { ComputeProcess } from './observation';
import { outputLines, safeExcerpt } from './safe-text';

export const MAX_COMPUTE_APPS_OUTPUT = 512 * 1024;
export const MAX_PROCESS_NAME = 256;

// `GPU-5c691ab4-...` (or a MIG device id) then the pid; bounded, anchored, no nested repeats.
const RECORD_START = /^((?:GPU|MIG)-[0-9A-Za-z/-]{8,100}), (\d{1,10}), /;

interface RawRecord {
  gpuUuid: string;
  pid: number;
  rest: string[];
}

export function parseComputeApps(output: string, rc: number): ComputeProcess[] {
  if (output.length > MAX_COMPUTE_APPS_OUTPUT) {
    throw new FleetError('PARSE_FAILED', `nvidia-smi --query-compute-apps printed ${output.length} characters, more than the ${MAX_COMPUTE_APPS_OUTPUT} accepted`, {
      detail: { source: 'nvidia-smi --query-compute-apps', excerpt: safeExcerpt(output) },
    });
  }
  const records: RawRecord[] = [];
  outputLines(output).forEach((line, i) => {
    const start = RECORD_START.exec(line);
    if (start) {
      records.push({ gpuUuid: start[1], pid: Number(start[2]), rest: [line.slice(start[0].length)] });
      return;
    }
    const current = records[records.length - 1];
    if (current) {
      current.rest.push(line);
      return;
    }
    if (line.trim() === '') return;
    // Before any record: on a failed run this is the driver explaining itself (the GPU query
    // section reports it); on a successful run it means the output is not what we asked for.
    if (rc !== NVIDIA_SMI_EXIT.ok || parseLostGpuLine(line)) return;
    throw new FleetError('PARSE_FAILED', `nvidia-smi --query-compute-apps line ${i + 1} is not a process row: "${safeExcerpt(line)}"`, {
      detail: { source: 'nvidia-smi --query-compute-apps', line: i + 1, excerpt: safeExcerpt(line) },
    });
  });
  return records.map(toProcess);
}

function toProcess(record: RawRecord): ComputeProcess {
  // Trailing empty lines belong to no name; the memory column is after the last ", ".
  const rest = record.rest.join('\n').replace(/\s+$/, '');
  const cut = rest.lastIndexOf(', ');
  let name = rest;
  let usedMemoryMiB: number | null = null;
  if (cut >= 0) {
    const memory = rest.slice(cut + 2).trim();
    const parsed = parseMemory(memory);
    if (parsed !== undefined) {
      name = rest.slice(0, cut);
      usedMemoryMiB = parsed;
    }
  }
  return { gpuUuid: record.gpuUuid, pid: record.pid, name: safeExcerpt(name, MAX_PROCESS_NAME), usedMemoryMiB };
}

/** MiB used, null for `[N/A]` (MIG, some containers), undefined when the text is no memory value. */
function parseMemory(text: string): number | null | undefined {
  if (isUnavailable(text)) return null;
  try {
    return numberValue(text);
  } catch (err) {
    if (err instanceof FieldValueError) return undefined;
    throw err;
  }
}
