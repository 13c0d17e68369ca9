/**
 * Bits of nvidia-smi's `clocks_event_reasons.active` (older drivers: `clocks_throttle_reasons.active`),
 * as defined by nvml.h's `nvmlClocksEventReason*` constants. The H100 fixture reports
 * `clocks_event_reasons.supported` = 0x1FF: exactly these nine bits.
 *
 * The one list of them: the engine decodes the driver's mask with it (electron/core/gpu/), the
 * lab simulates the driver's per-reason fields from it, and the history stores masks of these
 * bits on disk (shared/history.ts), so a bit value must never change.
 */
export const CLOCK_EVENT_REASON_BITS = [
  { bit: 0x1, name: 'gpu_idle' },
  { bit: 0x2, name: 'applications_clocks_setting' },
  { bit: 0x4, name: 'sw_power_cap' },
  { bit: 0x8, name: 'hw_slowdown' },
  { bit: 0x10, name: 'sync_boost' },
  { bit: 0x20, name: 'sw_thermal_slowdown' },
  { bit: 0x40, name: 'hw_thermal_slowdown' },
  { bit: 0x80, name: 'hw_power_brake_slowdown' },
  { bit: 0x100, name: 'display_clock_setting' },
] as const;

export type ClockEventReason = (typeof CLOCK_EVENT_REASON_BITS)[number]['name'];

/** The mask of some named reasons: typed names, so a misspelt one fails to compile rather than mask nothing. */
export function clockEventReasonBits(...names: readonly ClockEventReason[]): number {
  let mask = 0;
  for (const { bit, name } of CLOCK_EVENT_REASON_BITS) if (names.includes(name)) mask |= bit;
  return mask;
}
