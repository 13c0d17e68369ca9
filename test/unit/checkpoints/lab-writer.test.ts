/** The lab's checkpoint writer in a temp directory: real files on a timer, and each fault switch. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLabWriter, type LabWriter, type LabWriterEvent, type LabWriterOptions } from '../../../electron/core/checkpoints/lab-writer';

const KiB = 1024;
let root: string;
let dir: string;
let writer: LabWriter | null = null;
const events: LabWriterEvent[] = [];

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'fleetops-labwriter-'));
  dir = join(root, 'ckpt');
  mkdirSync(dir);
  events.length = 0;
});

afterEach(async () => {
  await writer?.stop();
  writer = null;
  rmSync(root, { recursive: true, force: true });
});

/** A writer that saves only when asked (its timer is an hour away). */
function manual(opts: Partial<LabWriterOptions> = {}): LabWriter {
  writer = startLabWriter({ directory: dir, intervalMs: 3_600_000, shards: 3, shardBytes: 64 * KiB, onEvent: (e) => events.push(e), ...opts });
  return writer;
}

const steps = () => readdirSync(dir).filter((n) => n.startsWith('step-')).sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
const files = (step: string) => readdirSync(join(dir, step)).sort();
const size = (step: string, file: string) => statSync(join(dir, step, file)).size;

async function until(test: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('lab checkpoint writer', () => {
  it('saves DCP-like steps on its timer, .metadata last, keeping the newest few', async () => {
    writer = startLabWriter({ directory: dir, intervalMs: 30, initialDelayMs: 0, shards: 2, shardBytes: 8 * KiB, keep: 2, saveMs: 10 });
    await until(() => writer!.status().saves >= 4);
    await writer.stop();
    const kept = steps();
    expect(kept.length).toBeGreaterThanOrEqual(2);
    const complete = kept.filter((s) => files(s).includes('.metadata'));
    expect(complete).toHaveLength(2);
    for (const s of complete) {
      expect(files(s)).toEqual(['.metadata', '__0_0.distcp', '__1_0.distcp']);
      expect(size(s, '__0_0.distcp')).toBe(8 * KiB);
      expect(JSON.parse(readFileSync(join(dir, s, '.metadata'), 'utf8'))).toMatchObject({ shards: [{ file: '__0_0.distcp', length: 8 * KiB }, { file: '__1_0.distcp' }] });
      // The metadata is the save's last write, as DCP's rename makes it.
      expect(statSync(join(dir, s, '.metadata')).mtimeMs).toBeGreaterThanOrEqual(statSync(join(dir, s, '__1_0.distcp')).mtimeMs);
    }
    expect(writer.status()).toMatchObject({ saving: false, lastError: null, failures: 0, lastComplete: complete[complete.length - 1] });
  });

  it('no-metadata: the shards are written and .metadata never is', async () => {
    const w = manual();
    await w.setFault('no-metadata', true);
    await w.saveNow();
    expect(files('step-100')).toEqual(['__0_0.distcp', '__1_0.distcp', '__2_0.distcp']);
    expect(events).toEqual([{ kind: 'left-incomplete', step: 100, message: 'step-100 left without .metadata (fault no-metadata)' }]);
  });

  it('truncated-shard: the last shard is a quarter of its size, and .metadata still claims all of it', async () => {
    const w = manual();
    await w.saveNow();
    await w.setFault('truncated-shard', true);
    await w.saveNow();
    expect(size('step-200', '__2_0.distcp')).toBe(16 * KiB);
    expect(size('step-200', '__1_0.distcp')).toBe(64 * KiB);
    expect(files('step-200')).toContain('.metadata');
  });

  it('disk-full: a shard write fails half way with a simulated ENOSPC, leaving a partial step', async () => {
    const w = manual();
    await w.setFault('disk-full', true);
    await w.saveNow();
    expect(files('step-100')).toEqual(['__0_0.distcp']);
    expect(size('step-100', '__0_0.distcp')).toBe(32 * KiB);
    expect(w.status()).toMatchObject({ failures: 1, lastError: { code: 'ENOSPC', message: expect.stringMatching(/no space left on device.*simulated/) } });
    expect(events[0]).toMatchObject({ kind: 'failed', step: 100 });
  });

  it('mount-gone: the directory goes away, saves fail with the system ENOENT, and it comes back', async () => {
    const w = manual();
    await w.saveNow();
    await w.setFault('mount-gone', true);
    expect(existsSync(dir)).toBe(false);
    await w.saveNow();
    expect(w.status().lastError?.code).toBe('ENOENT');
    expect(existsSync(dir)).toBe(false);
    await w.setFault('mount-gone', false);
    expect(steps()).toEqual(['step-100']);
    await w.setFault('mount-gone', true);
    await w.stop();
    expect(steps()).toEqual(['step-100']);
  });

  it('stall: no save starts, one under way stops where it is, and clearing it finishes the save', async () => {
    writer = startLabWriter({ directory: dir, intervalMs: 20, initialDelayMs: 0, shards: 3, shardBytes: 4 * KiB, saveMs: 90 });
    await until(() => existsSync(join(dir, 'step-100', '__0_0.distcp')));
    await writer.setFault('stall', true);
    await new Promise((r) => setTimeout(r, 200));
    const frozen = files('step-100');
    expect(frozen).not.toContain('.metadata');
    expect(steps()).toEqual(['step-100']);
    expect(writer.status()).toMatchObject({ saving: true, faults: ['stall'] });
    await new Promise((r) => setTimeout(r, 100));
    expect(files('step-100')).toEqual(frozen);
    await writer.setFault('stall', false);
    await until(() => writer!.status().saves >= 1);
    expect(files('step-100')).toContain('.metadata');
  });

  it('stop() abandons a stalled save at once', async () => {
    const w = manual();
    await w.setFault('stall', true);
    const save = w.saveNow();
    const started = Date.now();
    await w.stop();
    await save;
    expect(Date.now() - started).toBeLessThan(500);
    expect(files('step-100')).toEqual([]);
  });
});
