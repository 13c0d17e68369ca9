import { describe, expect, it } from 'vitest';
import { CLOCK_EVENT_REASON_BITS, decodeClockEventReasons } from '../../../electron/core/gpu/clock-event-reasons';
import { fieldRow } from './nvidia-smi-fixtures';

describe('decodeClockEventReasons', () => {
  it.each([
    [0x1n, 'gpu_idle'],
    [0x2n, 'applications_clocks_setting'],
    [0x4n, 'sw_power_cap'],
    [0x8n, 'hw_slowdown'],
    [0x10n, 'sync_boost'],
    [0x20n, 'sw_thermal_slowdown'],
    [0x40n, 'hw_thermal_slowdown'],
    [0x80n, 'hw_power_brake_slowdown'],
    [0x100n, 'display_clock_setting'],
  ])('decodes bit %s as %s', (mask, name) => {
    expect(decodeClockEventReasons(mask)).toEqual([name]);
  });

  it('decodes nothing from 0 and several bits in bit order', () => {
    expect(decodeClockEventReasons(0n)).toEqual([]);
    expect(decodeClockEventReasons(0xc8n)).toEqual(['hw_slowdown', 'hw_thermal_slowdown', 'hw_power_brake_slowdown']);
  });

  it('keeps bits newer than this list visible instead of dropping them', () => {
    expect(decodeClockEventReasons(0x204n)).toEqual(['sw_power_cap', 'bit_0x200']);
    expect(decodeClockEventReasons(0x8000000000000000n)).toEqual(['bit_0x8000000000000000']);
  });

  it('covers exactly the mask the H100 says it supports (0x1FF)', () => {
    const supported = BigInt(fieldRow('idle', 'clocks_event_reasons.supported')!.nounits);
    expect(decodeClockEventReasons(supported)).toEqual(CLOCK_EVENT_REASON_BITS.map((b) => b.name));
  });

  it.each(['idle', 'busy'] as const)('agrees with the per-reason fields the driver printed (%s)', (state) => {
    const active = decodeClockEventReasons(BigInt(fieldRow(state, 'clocks_event_reasons.active')!.nounits));
    const named = CLOCK_EVENT_REASON_BITS.map((b) => b.name).filter((n) => fieldRow(state, `clocks_event_reasons.${n}`));
    expect(named.length).toBeGreaterThanOrEqual(8);
    for (const name of named) {
      const printed = fieldRow(state, `clocks_event_reasons.${name}`)!.nounits;
      expect({ name, active: active.includes(name) }).toEqual({ name, active: printed === 'Active' });
    }
  });
});
