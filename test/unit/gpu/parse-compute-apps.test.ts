import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../shared/errors';
import { MAX_PROCESS_NAME, parseComputeApps } from '../../../electron/core/gpu/parse-compute-apps';
import { readFixture } from './nvidia-smi-fixtures';

const UUID = 'GPU-5c691ab4-b0fa-999d-b6bf-7f21a168cfc4';

describe('parseComputeApps', () => {
  it('reads the busy capture', () => {
    expect(parseComputeApps(readFixture('busy-compute-apps.csv'), 0)).toEqual([
      { gpuUuid: UUID, pid: 457, name: 'python3', usedMemoryMiB: 1094 },
    ]);
  });

  it('reads the idle capture (nothing running) as no processes', () => {
    expect(readFixture('idle-compute-apps.csv')).toBe('');
    expect(parseComputeApps(readFixture('idle-compute-apps.csv'), 0)).toEqual([]);
  });

  it('keeps commas and spaces inside process names', () => {
    const out = `${UUID}, 12, /opt/my app/run, serve --tp=8, 2048\n${UUID}, 13, a, b, c, [N/A]\n`;
    expect(parseComputeApps(out, 0)).toEqual([
      { gpuUuid: UUID, pid: 12, name: '/opt/my app/run, serve --tp=8', usedMemoryMiB: 2048 },
      { gpuUuid: UUID, pid: 13, name: 'a, b, c', usedMemoryMiB: null },
    ]);
  });

  it('keeps a name that ends like a memory column', () => {
    expect(parseComputeApps(`${UUID}, 12, evil, 5, 1094\n`, 0)[0]).toMatchObject({ name: 'evil, 5', usedMemoryMiB: 1094 });
  });

  it('reads memory printed with its unit', () => {
    expect(parseComputeApps(`${UUID}, 457, python3, 1094 MiB\n`, 0)[0].usedMemoryMiB).toBe(1094);
  });

  it('joins a name broken over lines into one process', () => {
    const out = `${UUID}, 7, line one\nline two\n<<<fleetops:aaaaaaaa:rc=0>>>, 64\n${UUID}, 8, ok, 1\n`;
    const procs = parseComputeApps(out, 0);
    expect(procs).toHaveLength(2);
    expect(procs[0]).toMatchObject({ pid: 7, usedMemoryMiB: 64 });
    expect(procs[0].name).toBe('line one line two <<<fleetops:aaaaaaaa:rc=0>>>');
  });

  it('strips control characters and caps long names', () => {
    const out = `${UUID}, 7, \u001b]0;owned\u0007${'n'.repeat(5000)}, 64\n`;
    const [p] = parseComputeApps(out, 0);
    expect(p.name).not.toMatch(/[\u0000-\u001f]/);
    expect(p.name.length).toBeLessThanOrEqual(MAX_PROCESS_NAME);
    expect(p.usedMemoryMiB).toBe(64);
  });

  it('ignores what a failing driver prints (the GPU query reports it)', () => {
    expect(parseComputeApps('No devices were found\n', 6)).toEqual([]);
    const lost = 'Unable to determine the device handle for GPU0000:3B:00.0: GPU is lost.  Reboot the system to recover this GPU';
    expect(parseComputeApps(`${lost}\n${UUID}, 457, python3, 1094\n`, 15)).toHaveLength(1);
  });

  it('fails when a successful run prints something that is no process row', () => {
    try {
      parseComputeApps('garbage\u001b[31m here\n', 0);
      throw new Error('expected PARSE_FAILED');
    } catch (err) {
      expect((err as FleetError).code).toBe('PARSE_FAILED');
      expect((err as FleetError).message).not.toMatch(/\u001b/);
    }
  });

  it('refuses megabytes of output quickly', () => {
    const started = performance.now();
    expect(() => parseComputeApps(`${UUID}, 1, x, 1\n`.repeat(200_000), 0)).toThrow(FleetError);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
