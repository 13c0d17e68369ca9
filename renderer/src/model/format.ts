import type { GpuFace } from '../../../shared/status';

/** `null` is the driver's [N/A]: shown as an en dash, never as 0. */
export function orDash(value: number | string | null | undefined, unit = ''): string {
  if (value === null || value === undefined) return '–';
  return `${value}${unit}`;
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** "12:03:04 (5m 2s ago)", or a dash when the time is unknown. */
export function formatWhen(epochMs: number | null, now: number): string {
  if (epochMs === null) return '–';
  return `${new Date(epochMs).toLocaleTimeString()} (${formatDuration(now - epochMs)} ago)`;
}

export function formatPair(used: number | null, total: number | null, unit: string): string {
  if (used === null && total === null) return '–';
  return `${orDash(used)} / ${orDash(total)} ${unit}`;
}

/**
 * A GPU's line in its node tile's tooltip: everything an operator scanning the grid needs
 * before clicking — index, health, temperature, utilisation, and its reasons if any.
 */
export function gpuLine(gpu: GpuFace): string {
  const line = `GPU ${gpu.index} · ${gpu.health} · ${orDash(gpu.temperatureC, '°C')} · util ${orDash(gpu.utilizationPct, '%')}`;
  return gpu.reasons.length ? `${line} · ${gpu.reasons.join(' · ')}` : line;
}

/** GPU memory, used / total, in GiB: "12.3 / 80 GiB" (MiB as nvidia-smi reports them would not fit a dense row). */
export function formatGpuMemory(usedMiB: number | null, totalMiB: number | null): string {
  if (usedMiB === null && totalMiB === null) return '–';
  const used = usedMiB === null ? '–' : (usedMiB / 1024).toFixed(1);
  const total = totalMiB === null ? '–' : String(Math.round(totalMiB / 1024));
  return `${used} / ${total} GiB`;
}
