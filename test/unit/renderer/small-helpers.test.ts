import { describe, expect, it } from 'vitest';
import { reconnectDelayMs } from '../../../renderer/src/api/backoff';
import { FleetApiError } from '../../../renderer/src/api/errors';
import { shouldRetry } from '../../../renderer/src/api/query-client';
import { formatDuration, formatGpuMemory, gpuLine, orDash } from '../../../renderer/src/model/format';
import { parseGpuIndex } from '../../../renderer/src/model/gpu-index';
import { formatInventoryErrors } from '../../../renderer/src/model/inventory-errors';
import { listClass, LONG_LIST_ROWS } from '../../../renderer/src/model/long-list';
import { parseNumberField } from '../../../renderer/src/model/number-input';
import { gpu } from './builders';

describe('reconnectDelayMs', () => {
  it('doubles from the base up to the cap, with the jitter between half and all of the step', () => {
    const max = { random: () => 1 - Number.EPSILON };
    const min = { random: () => 0 };
    expect([1, 2, 3, 4].map((a) => reconnectDelayMs(a, max))).toEqual([250, 500, 1000, 2000]);
    expect(reconnectDelayMs(20, max)).toBe(10_000);
    expect(reconnectDelayMs(3, min)).toBe(500);
    expect(reconnectDelayMs(20, min)).toBe(5_000);
  });
});

describe('shouldRetry', () => {
  it('retries a lost connection or a timeout up to three times, and nothing else', () => {
    expect(shouldRetry(0, new FleetApiError('CONNECTION_LOST', 'x'))).toBe(true);
    expect(shouldRetry(2, new FleetApiError('CALL_TIMEOUT', 'x'))).toBe(true);
    expect(shouldRetry(3, new FleetApiError('CONNECTION_LOST', 'x'))).toBe(false);
    expect(shouldRetry(0, new FleetApiError('NOT_FOUND', 'x'))).toBe(false);
    expect(shouldRetry(0, new Error('x'))).toBe(false);
  });
});

describe('formatGpuMemory', () => {
  it('writes used / total in GiB, one decimal for what is used, a dash for what the driver did not say', () => {
    expect(formatGpuMemory(75_059, 81_559)).toBe('73.3 / 80 GiB');
    expect(formatGpuMemory(0, 81_559)).toBe('0.0 / 80 GiB');
    expect(formatGpuMemory(null, 81_559)).toBe('– / 80 GiB');
    expect(formatGpuMemory(null, null)).toBe('–');
  });
});

describe('formatInventoryErrors', () => {
  it('formats each entry as file:line:column: path: message, with array or string paths', () => {
    const detail = {
      errors: [
        { file: 'inv.yaml', line: 12, column: 5, path: ['regions', 0, 'clusters', 1, 'node'], message: 'unknown key "node"' },
        { file: 'inv.yaml', line: 3, column: 1, path: 'version', message: 'expected 1' },
      ],
    };
    expect(formatInventoryErrors(detail)).toEqual([
      'inv.yaml:12:5: regions.0.clusters.1.node: unknown key "node"',
      'inv.yaml:3:1: version: expected 1',
    ]);
  });

  it('leaves out the parts an entry does not have, and returns [] for a detail without errors', () => {
    expect(formatInventoryErrors({ errors: [{ file: 'inv.yaml', message: 'cannot read file' }] })).toEqual(['inv.yaml: cannot read file']);
    expect(formatInventoryErrors(undefined)).toEqual([]);
    expect(formatInventoryErrors({ errors: 'nope' })).toEqual([]);
    // An entry that is not one (no message, a line that is text, a path of objects): no list rather than a wrong one.
    expect(formatInventoryErrors({ errors: [{ file: 'inv.yaml', message: 'ok' }, { file: 'inv.yaml' }] })).toEqual([]);
    expect(formatInventoryErrors({ errors: [{ line: '3', message: 'x' }] })).toEqual([]);
    expect(formatInventoryErrors({ errors: [{ path: [{}], message: 'x' }] })).toEqual([]);
    expect(formatInventoryErrors([{ message: 'x' }])).toEqual([]);
  });
});

describe('parseGpuIndex', () => {
  it('accepts empty (any GPU) and 0–63, rejects the rest with a message', () => {
    expect(parseGpuIndex('  ')).toEqual({ ok: true, value: undefined });
    expect(parseGpuIndex('0')).toEqual({ ok: true, value: 0 });
    expect(parseGpuIndex('63')).toEqual({ ok: true, value: 63 });
    for (const bad of ['64', '-1', '1.5', 'x']) expect(parseGpuIndex(bad).ok).toBe(false);
  });
});

describe('listClass', () => {
  it('lets rows skip rendering only past LONG_LIST_ROWS, so short lists stay fully rendered', () => {
    expect(listClass('replica-list', LONG_LIST_ROWS)).toBe('replica-list');
    expect(listClass('replica-list', LONG_LIST_ROWS + 1)).toBe('replica-list grid-long');
    expect(listClass('lb-servers', 500)).toBe('lb-servers grid-long');
  });
});

describe('parseNumberField', () => {
  const weight = { label: 'weight', min: 0, max: 256, integer: true, optional: false };
  const retry = { label: 'Retry-After', min: 1, max: 3600, integer: true, optional: true };
  const rate = { label: 'rate', min: 0, max: 200, integer: false, optional: false };

  it('accepts the bounds of the contract and nothing past them', () => {
    expect(parseNumberField('0', weight)).toEqual({ ok: true, value: 0 });
    expect(parseNumberField(' 256 ', weight)).toEqual({ ok: true, value: 256 });
    expect(parseNumberField('257', weight)).toEqual({ ok: false, message: 'weight must be between 0 and 256' });
    expect(parseNumberField('0', retry)).toEqual({ ok: false, message: 'Retry-After must be between 1 and 3600' });
  });

  it('requires whole numbers where the contract does, and allows decimals elsewhere', () => {
    expect(parseNumberField('1.5', weight)).toEqual({ ok: false, message: 'weight must be a whole number' });
    expect(parseNumberField('-1', weight).ok).toBe(false);
    expect(parseNumberField('2.5', rate)).toEqual({ ok: true, value: 2.5 });
    expect(parseNumberField('1e3', rate)).toEqual({ ok: false, message: 'rate must be a number' });
  });

  it('leaves an empty optional field out, and asks for a required one', () => {
    expect(parseNumberField('', retry)).toEqual({ ok: true, value: undefined });
    expect(parseNumberField(' ', weight)).toEqual({ ok: false, message: 'weight is required' });
  });
});

describe('format', () => {
  it('shows [N/A] values as a dash, never as zero', () => {
    expect(orDash(null, '°C')).toBe('–');
    expect(orDash(0, '%')).toBe('0%');
  });

  it('writes durations at the right scale', () => {
    expect([999, 59_000, 61_000, 3_600_000 + 120_000, 50 * 3_600_000].map(formatDuration)).toEqual(['1s', '59s', '1m 1s', '1h 2m', '2d 2h']);
  });

  it('writes a GPU line with index, health, temperature, utilisation and reasons', () => {
    expect(gpuLine(gpu(3, { health: 'degraded', temperatureC: 91, utilizationPct: null, reasons: ['temperature 91 °C ≥ 87 °C'] }))).toBe(
      'GPU 3 · degraded · 91°C · util – · temperature 91 °C ≥ 87 °C',
    );
    expect(gpuLine(gpu(0, { health: 'healthy', temperatureC: 31, utilizationPct: 0, reasons: [] }))).toBe('GPU 0 · healthy · 31°C · util 0%');
  });
});
