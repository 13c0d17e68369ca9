/**
 * Bits of `clocks_event_reasons.active` (older drivers: `clocks_throttle_reasons.active`), as
 * defined by nvml.h's `nvmlClocksEventReason*` constants. The H100 fixture reports
 * `clocks_event_reasons.supported` = 0x1FF: exactly these nine bits.
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

/** Names of the set bits; a bit nvml.h does not define yet shows as `bit_0x…` rather than vanishing. */
export function decodeClockEventReasons(mask: bigint): string[] {
  const names: string[] = [];
  let known = 0n;
  for (const { bit, name } of CLOCK_EVENT_REASON_BITS) {
    known |= BigInt(bit);
    if (mask & BigInt(bit)) names.push(name);
  }
  let rest = mask & ~known;
  for (let bit = 1n; rest > 0n; bit <<= 1n) {
    if (rest & bit) {
      names.push(`bit_0x${bit.toString(16)}`);
      rest &= ~bit;
    }
  }
  return names;
}
