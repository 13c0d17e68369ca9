/**
 * The driver's `clocks_event_reasons.active` mask as reason names. The bits themselves are
 * defined once, in shared/clock-event-reasons.ts (the history and the renderer use them too);
 * they are re-exported here for the GPU code that imports them from this module.
 */
import { CLOCK_EVENT_REASON_BITS } from '../../../shared/clock-event-reasons';

export { CLOCK_EVENT_REASON_BITS, type ClockEventReason } from '../../../shared/clock-event-reasons';

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
