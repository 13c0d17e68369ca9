import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../shared/errors';
import { GPU_QUERY_FIELDS, LEGACY_FIELD_NAMES } from '../../../electron/core/gpu/probe-command';
import { MAX_GPU_QUERY_OUTPUT, parseGpuQuery } from '../../../electron/core/gpu/parse-gpu-query';
import { HGX_BUS, gpuIdentity, headerFields, queryGpuOutput, readErrorFixture, readFixture } from './nvidia-smi-fixtures';

const FIELDS = GPU_QUERY_FIELDS;
const LEGACY = GPU_QUERY_FIELDS.map((f) => LEGACY_FIELD_NAMES[f] ?? f);

function parseFailure(fn: () => unknown): FleetError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FleetError);
    expect((err as FleetError).code).toBe('PARSE_FAILED');
    return err as FleetError;
  }
  throw new Error('expected PARSE_FAILED');
}

/** The fixture's own field list: the 33 fields the capture asked for, read from its header. */
const FIXTURE_FIELDS = headerFields(readFixture('idle-query-gpu.csv').split('\n')[0]);

describe('parseGpuQuery on the captured H100 output', () => {
  it('maps the idle capture by the requested field order (33 fields, most not ours)', () => {
    const r = parseGpuQuery(readFixture('idle-query-gpu-nounits.csv'), 0, FIXTURE_FIELDS);
    expect(r.driverError).toBeNull();
    expect(r.lostGpus).toEqual([]);
    expect(r.driverVersion).toBe('580.159.04');
    expect(r.gpus).toEqual([
      {
        index: 0,
        uuid: 'GPU-5c691ab4-b0fa-999d-b6bf-7f21a168cfc4',
        name: 'NVIDIA H100 80GB HBM3',
        busId: '00000000:00:06.0',
        pstate: 'P0',
        temperatureC: 37,
        memoryTemperatureC: 37,
        utilizationPct: 0,
        memoryUtilizationPct: 0,
        memoryTotalMiB: 81559,
        memoryUsedMiB: 0,
        powerW: 123.05,
        powerLimitW: 700,
        smClockMHz: 405,
        clockEventReasons: ['gpu_idle'],
        eccMode: 'Enabled',
        eccCorrectedVolatile: 0,
        eccUncorrectedVolatile: 0,
        eccUncorrectedAggregate: 0,
        retiredPagesPending: null,
        remappedRowsPending: false,
        remappedRowsFailure: false,
      },
    ]);
  });

  it('reads the busy capture: full load, power capped (sw_power_cap)', () => {
    const [gpu] = parseGpuQuery(readFixture('busy-query-gpu-nounits.csv'), 0, FIXTURE_FIELDS).gpus;
    expect(gpu).toMatchObject({ temperatureC: 59, utilizationPct: 100, memoryUsedMiB: 1103, powerW: 700.22, smClockMHz: 1425 });
    expect(gpu.clockEventReasons).toEqual(['sw_power_cap']);
  });

  it('skips the header and strips units of the --format=csv capture', () => {
    const idle = parseGpuQuery(readFixture('idle-query-gpu.csv'), 0, FIXTURE_FIELDS);
    expect(idle.gpus).toHaveLength(1);
    expect(idle.gpus[0]).toMatchObject({ utilizationPct: 0, memoryTotalMiB: 81559, powerW: 125.1, powerLimitW: 700, smClockMHz: 405 });
    const busy = parseGpuQuery(readFixture('busy-query-gpu.csv'), 0, FIXTURE_FIELDS);
    expect(busy.gpus[0]).toMatchObject({ utilizationPct: 100, memoryUtilizationPct: 31, memoryUsedMiB: 1103, powerW: 698.53, smClockMHz: 1350 });
  });
});

describe('parseGpuQuery on GPU_QUERY_FIELDS as the driver answers them', () => {
  it.each(['idle', 'busy'] as const)('parses every field, nounits and with units (%s)', (state) => {
    const plain = parseGpuQuery(queryGpuOutput(FIELDS, { state }), 0, FIELDS);
    const units = parseGpuQuery(queryGpuOutput(FIELDS, { state, units: true }), 0, FIELDS);
    const busy = state === 'busy';
    const expected = {
      index: 0,
      uuid: gpuIdentity(0).uuid,
      name: 'NVIDIA H100 80GB HBM3',
      busId: gpuIdentity(0).busId,
      pstate: 'P0',
      temperatureC: busy ? 63 : 35,
      memoryTemperatureC: busy ? 56 : 39,
      utilizationPct: busy ? 100 : 0,
      memoryUtilizationPct: busy ? 32 : 0,
      memoryTotalMiB: 81559,
      memoryUsedMiB: busy ? 1011 : 0,
      powerLimitW: 700,
      smClockMHz: busy ? 1350 : 345,
      clockEventReasons: busy ? ['sw_power_cap'] : ['gpu_idle'],
      eccMode: 'Enabled',
      eccCorrectedVolatile: 0,
      eccUncorrectedVolatile: 0,
      eccUncorrectedAggregate: 0,
      retiredPagesPending: null,
      remappedRowsPending: false,
      remappedRowsFailure: false,
    };
    expect(plain.gpus[0]).toEqual({ ...expected, powerW: busy ? 698.29 : 72.43 });
    expect(units.gpus[0]).toEqual({ ...expected, powerW: busy ? 698.01 : 72.45 });
    expect(plain.driverVersion).toBe('580.159.04');
    // No field silently fell back to "not available" except the one the driver reports as [N/A].
    const nulls = Object.entries(plain.gpus[0]).filter(([, v]) => v === null).map(([k]) => k);
    expect(nulls).toEqual(['retiredPagesPending']);
  });

  it('reads eight GPUs with their own index, uuid and bus id', () => {
    const r = parseGpuQuery(queryGpuOutput(FIELDS, { gpus: 8 }), 0, FIELDS);
    expect(r.gpus.map((g) => g.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(new Set(r.gpus.map((g) => g.uuid)).size).toBe(8);
    expect(r.gpus.map((g) => g.busId)).toEqual(HGX_BUS.map((b) => `00000000:${b}:00.0`));
  });

  it('reads the legacy clocks_throttle_reasons.active column as the same bitmask', () => {
    const r = parseGpuQuery(queryGpuOutput(LEGACY, { state: 'busy' }), 0, LEGACY);
    expect(r.gpus[0].clockEventReasons).toEqual(['sw_power_cap']);
  });

  it('maps by requested order, not by header text', () => {
    // Same values, fields asked in another order: the columns follow the request.
    const reordered = ['temperature.memory', ...FIELDS.filter((f) => f !== 'temperature.memory')];
    const r = parseGpuQuery(queryGpuOutput(reordered, { state: 'busy', units: true }), 0, reordered);
    expect(r.gpus[0]).toMatchObject({ temperatureC: 63, memoryTemperatureC: 56 });
  });

  it('reads [N/A], [Not Supported], N/A and the word forms of booleans', () => {
    const output = queryGpuOutput(FIELDS, {
      override: () => ({
        'temperature.memory': '[N/A]',
        'power.draw': '[Not Supported]',
        pstate: 'N/A',
        'ecc.mode.current': 'Disabled',
        'ecc.errors.corrected.volatile.total': '[N/A]',
        'retired_pages.pending': 'Yes',
        'remapped_rows.pending': 'Active',
        'remapped_rows.failure': 'Not Active',
        'clocks_event_reasons.active': '[Not Supported]',
      }),
    });
    const [gpu] = parseGpuQuery(output, 0, FIELDS).gpus;
    expect(gpu).toMatchObject({
      memoryTemperatureC: null,
      powerW: null,
      pstate: null,
      eccMode: 'Disabled',
      eccCorrectedVolatile: null,
      retiredPagesPending: true,
      remappedRowsPending: true,
      remappedRowsFailure: false,
      clockEventReasons: [],
    });
  });

  it('decodes several clock event bits at once', () => {
    const output = queryGpuOutput(FIELDS, { override: () => ({ 'clocks_event_reasons.active': '0x0000000000000064' }) });
    expect(parseGpuQuery(output, 0, FIELDS).gpus[0].clockEventReasons).toEqual(['sw_power_cap', 'sw_thermal_slowdown', 'hw_thermal_slowdown']);
  });

  it('accepts CRLF line ends (a PTY)', () => {
    const output = queryGpuOutput(FIELDS, { gpus: 2 }).replace(/\n/g, '\r\n');
    expect(parseGpuQuery(output, 0, FIELDS).gpus).toHaveLength(2);
  });
});

describe('parseGpuQuery when the driver speaks instead of printing rows', () => {
  const LOST_LINE = 'Unable to determine the device handle for GPU0000:3B:00.0: GPU is lost.  Reboot the system to recover this GPU';

  it('collects a lost GPU with its bus id next to the rows of the others (exit 15)', () => {
    const rows = queryGpuOutput(FIELDS, { gpus: 7 });
    const r = parseGpuQuery(`${LOST_LINE}\n${rows}`, 15, FIELDS);
    expect(r.gpus).toHaveLength(7);
    expect(r.lostGpus).toEqual([{ busId: '0000:3B:00.0', message: 'GPU is lost. Reboot the system to recover this GPU' }]);
    expect(r.driverError).toBeNull();
  });

  it('collects a lost GPU even when the exit status is 0', () => {
    const r = parseGpuQuery(`${queryGpuOutput(FIELDS)}${LOST_LINE}\n`, 0, FIELDS);
    expect(r.lostGpus.map((g) => g.busId)).toEqual(['0000:3B:00.0']);
  });

  it('reports "No devices were found" (exit 6) in the driver\'s words', () => {
    const { output, rc } = readErrorFixture('err-bad-index.txt');
    const r = parseGpuQuery(output, rc, FIELDS);
    expect(r.gpus).toEqual([]);
    expect(r.driverError).toEqual({ rc: 6, message: 'No devices were found' });
  });

  it('names the field the driver rejects (exit 2)', () => {
    const { output, rc } = readErrorFixture('err-bogus-field.txt');
    const r = parseGpuQuery(output, rc, FIELDS);
    expect(r.invalidField).toBe('bogus.field');
    expect(r.driverError).toEqual({ rc: 2, message: 'Field "bogus.field" is not a valid field to query.' });
  });

  it('reports a driver that is not loaded (exit 9)', () => {
    const words =
      "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.";
    const r = parseGpuQuery(`${words}\n\n`, 9, FIELDS);
    expect(r.driverError).toEqual({ rc: 9, message: words });
    expect(r.invalidField).toBeNull();
  });

  it('reports nvidia-smi missing (exit 127) in the shell\'s words', () => {
    const r = parseGpuQuery('sh: 1: nvidia-smi: not found\n', 127, FIELDS);
    expect(r.driverError).toEqual({ rc: 127, message: 'sh: 1: nvidia-smi: not found' });
  });

  it('still reports a failure that printed nothing', () => {
    expect(parseGpuQuery('', 4, FIELDS).driverError).toEqual({ rc: 4, message: 'nvidia-smi exited with status 4 and printed nothing' });
  });

  it('caps and cleans a long driver message', () => {
    const r = parseGpuQuery(`\u001b[31m${'x'.repeat(5000)}\n`, 3, FIELDS);
    expect(r.driverError?.message.length).toBeLessThanOrEqual(400);
    expect(r.driverError?.message).not.toMatch(/\u001b/);
  });
});

describe('parseGpuQuery on malformed or hostile output', () => {
  const good = queryGpuOutput(FIELDS, { gpus: 2 });
  const [row0, row1] = good.trimEnd().split('\n');

  it('fails on a truncated line', () => {
    const err = parseFailure(() => parseGpuQuery(`${row0}\n${row1.slice(0, 40)}\n`, 0, FIELDS));
    expect(err.message).toContain('line 2');
  });

  it('fails on an extra or a missing column', () => {
    parseFailure(() => parseGpuQuery(`${row0}, 42\n`, 0, FIELDS));
    parseFailure(() => parseGpuQuery(`${row0.split(', ').slice(0, -1).join(', ')}\n`, 0, FIELDS));
  });

  it('fails on a value of the wrong kind, naming the field', () => {
    const bad = queryGpuOutput(FIELDS, { override: () => ({ 'temperature.gpu': 'hot' }) });
    expect(parseFailure(() => parseGpuQuery(bad, 0, FIELDS)).message).toContain('temperature.gpu');
    const badMask = queryGpuOutput(FIELDS, { override: () => ({ 'clocks_event_reasons.active': '0xZZ' }) });
    expect(parseFailure(() => parseGpuQuery(badMask, 0, FIELDS)).message).toContain('clocks_event_reasons.active');
    const badBool = queryGpuOutput(FIELDS, { override: () => ({ 'remapped_rows.failure': 'Maybe' }) });
    parseFailure(() => parseGpuQuery(badBool, 0, FIELDS));
  });

  it('fails on control characters in a number and keeps them out of the message', () => {
    const bad = queryGpuOutput(FIELDS, { override: () => ({ 'memory.used': '\u001b]0;pwned\u0007 12' }) });
    const err = parseFailure(() => parseGpuQuery(bad, 0, FIELDS));
    expect(err.message).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(JSON.stringify(err.detail)).not.toMatch(/\\u001b|\\u0007/);
  });

  it('strips control characters from text fields', () => {
    const odd = queryGpuOutput(FIELDS, { override: () => ({ name: 'NVIDIA\u001b[2J H100\u202e' }) });
    expect(parseGpuQuery(odd, 0, FIELDS).gpus[0].name).toBe('NVIDIA[2J H100');
  });

  it('fails on non-UTF8 bytes where a number belongs', () => {
    const [before, after] = row0.split(', 81559, ');
    const raw = Buffer.concat([Buffer.from(`${before}, `), Buffer.from([0x38, 0xff, 0xfe]), Buffer.from(`, ${after}`)]);
    const decoded = raw.toString('utf8'); // what the SSH layer hands over: U+FFFD replacements
    expect(decoded.split(', ')).toHaveLength(FIELDS.length);
    const err = parseFailure(() => parseGpuQuery(`${decoded}\n`, 0, FIELDS));
    expect(err.message).toContain('memory.total');
  });

  it('fails on empty output with exit 0', () => {
    expect(parseFailure(() => parseGpuQuery('', 0, FIELDS)).message).toContain('no GPU rows');
    parseFailure(() => parseGpuQuery('\n\n', 0, FIELDS));
  });

  it('fails on stray text between rows with exit 0', () => {
    parseFailure(() => parseGpuQuery(`${row0}\nWARNING: something odd\n${row1}\n`, 0, FIELDS));
  });

  it('refuses megabytes of garbage quickly, with a short excerpt', () => {
    const garbage = 'Unable to determine the device handle for GPU'.padEnd(64, '0, ').repeat(80_000); // ~5 MB
    const started = performance.now();
    const err = parseFailure(() => parseGpuQuery(garbage, 0, FIELDS));
    expect(performance.now() - started).toBeLessThan(500);
    expect(err.message.length).toBeLessThan(300);
  });

  it('handles a long regex-hostile line in linear time', () => {
    const hostile = `Unable to determine the device handle for GPU0000:3B:00.0: ${'GPU is lost. '.repeat(40_000)}`;
    const started = performance.now();
    const err = parseFailure(() => parseGpuQuery(`${hostile}\n`, 0, FIELDS));
    expect(performance.now() - started).toBeLessThan(500);
    expect(err.message.length).toBeLessThan(300);
    expect(hostile.length).toBeLessThan(MAX_GPU_QUERY_OUTPUT);
  });
});
