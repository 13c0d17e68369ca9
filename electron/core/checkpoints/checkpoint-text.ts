/**
 * Words for checkpoint reasons: sizes in binary units (what `du -h` and `ls -lh` show an operator
 * on the node) and durations as the replica reasons write them.
 */
export { formatDuration } from '../replica/replica-text';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** "512 B", "1.0 MiB", "37.3 GiB": one decimal from KiB up. */
export function formatBytes(bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** "97%": whole percent, floored so 94.9 % never reads as 95 %. */
export function formatPercent(fraction: number): string {
  return `${Math.floor(fraction * 100)}%`;
}
