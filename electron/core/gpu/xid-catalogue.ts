/**
 * What an XID code means and what an operator should do about it, condensed from NVIDIA's XID
 * catalogue (https://docs.nvidia.com/deploy/xid-errors/analyzing-xid-catalog.html, and the
 * older "Xid Errors" table for codes it still lists) and NVIDIA's GPU memory error management
 * guide (XIDs 48, 63, 64, 94, 95).
 *
 * Severity is this console's judgement of the node while the XID is recent:
 * - 'unhealthy': the GPU cannot be trusted with work until reset/reboot/repair (the catalogue's
 *   RESET_GPU / RESTART_BM / hardware buckets).
 * - 'degraded': usually the application's fault or already contained (RESTART_APP bucket); the
 *   node keeps serving but someone should look, especially if it repeats.
 */
export interface XidInfo {
  code: number;
  meaning: string;
  action: string;
  severity: 'degraded' | 'unhealthy';
}

const ENTRIES: readonly XidInfo[] = [
  { code: 8, meaning: 'GPU stopped processing (channel idle timeout)', action: 'restart the application; if it repeats, drain the node and reset the GPU', severity: 'degraded' },
  { code: 13, meaning: 'Graphics engine exception (usually an application fault such as an out-of-range access)', action: 'restart the application; run GPU diagnostics (dcgmi diag) if it repeats across jobs', severity: 'degraded' },
  { code: 31, meaning: 'GPU memory page fault (usually an application accessing an invalid address)', action: 'restart the application; check it with compute-sanitizer if it repeats', severity: 'degraded' },
  { code: 32, meaning: 'Invalid or corrupted push buffer stream (PCIe or driver trouble)', action: 'check PCIe errors (lspci -vvv, dmesg AER); drain and reset the GPU if it repeats', severity: 'degraded' },
  { code: 38, meaning: 'Driver firmware error', action: 'drain the node and reset the GPU; update the driver if it repeats', severity: 'unhealthy' },
  { code: 43, meaning: 'GPU stopped processing (the application hit a fault and its channel was stopped)', action: 'restart the application', severity: 'degraded' },
  { code: 45, meaning: 'Preemptive cleanup after a previous error (channels torn down)', action: 'look for the XID logged just before it; restart the affected applications', severity: 'degraded' },
  { code: 48, meaning: 'Double-bit (uncorrectable) ECC error', action: 'drain the node and reset the GPU; replace it if it repeats', severity: 'unhealthy' },
  { code: 61, meaning: 'Internal micro-controller breakpoint/warning', action: 'drain the node and reset the GPU; contact NVIDIA support if it repeats', severity: 'unhealthy' },
  { code: 62, meaning: 'Internal micro-controller halt', action: 'drain the node and reset the GPU; contact NVIDIA support if it repeats', severity: 'unhealthy' },
  { code: 63, meaning: 'ECC page retirement or row remapping recorded (memory repaired on next reset)', action: 'reset the GPU when it is idle to activate the remapping', severity: 'degraded' },
  { code: 64, meaning: 'ECC page retirement or row remapping failed to record', action: 'drain the node and reset the GPU; replace it if it repeats', severity: 'unhealthy' },
  { code: 68, meaning: 'Video processor (NVDEC) exception', action: 'restart the application; reset the GPU if it repeats', severity: 'degraded' },
  { code: 69, meaning: 'Graphics engine class error', action: 'restart the application; reset the GPU if it repeats', severity: 'degraded' },
  { code: 74, meaning: 'NVLink error', action: 'drain the node, reset the GPUs and check NVLink health (nvidia-smi nvlink -s); reseat or replace if it repeats', severity: 'unhealthy' },
  { code: 79, meaning: 'GPU has fallen off the bus', action: 'drain the node and reboot; check power, cooling and PCIe seating if it repeats', severity: 'unhealthy' },
  { code: 92, meaning: 'High single-bit ECC error rate', action: 'watch the ECC counters; schedule a GPU reset and diagnostics', severity: 'degraded' },
  { code: 94, meaning: 'Contained ECC error (only the affected application was stopped)', action: 'restart the application; reset the GPU when idle to remap the memory', severity: 'degraded' },
  { code: 95, meaning: 'Uncontained ECC error (every application on the GPU is affected)', action: 'drain the node and reset the GPU', severity: 'unhealthy' },
  { code: 109, meaning: 'Context switch timeout', action: 'restart the application; reset the GPU if it repeats', severity: 'degraded' },
  { code: 119, meaning: 'GSP RPC timeout (the GPU System Processor stopped answering)', action: 'drain the node and reset the GPU; update the driver if it repeats', severity: 'unhealthy' },
  { code: 120, meaning: 'GSP error (the GPU System Processor firmware faulted)', action: 'drain the node and reset the GPU; update the driver if it repeats', severity: 'unhealthy' },
  { code: 140, meaning: 'Unrecovered ECC error', action: 'drain the node and reset the GPU', severity: 'unhealthy' },
  { code: 154, meaning: 'GPU recovery action changed (the driver asks for a GPU reset or node reboot)', action: 'drain the node and do the recovery action the log line names (reset or reboot)', severity: 'unhealthy' },
];

export const XID_CATALOGUE: ReadonlyMap<number, XidInfo> = new Map(ENTRIES.map((e) => [e.code, e]));

/** Every code decodes: one missing from the catalogue gets a generic entry. */
export function describeXid(code: number): XidInfo {
  return (
    XID_CATALOGUE.get(code) ?? {
      code,
      meaning: `XID ${code} (not in this console's catalogue)`,
      action: "look the code up in NVIDIA's XID catalogue; drain the node if it repeats",
      severity: 'degraded',
    }
  );
}
