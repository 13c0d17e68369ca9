/** Verdicts from listings: freshness, saves under way or abandoned, truncation, shrinkage, tags, storage. */
import { describe, expect, it } from 'vitest';
import type { CheckpointSpec, CheckpointVerdict } from '../../../shared/checkpoints';
import { CheckpointVerdict as VerdictSchema } from '../../../shared/checkpoints';
import { FleetError } from '../../../shared/errors';
import { judgeCheckpoints, type JudgeOptions } from '../../../electron/core/checkpoints/judge';
import type { CheckpointListing } from '../../../electron/core/checkpoints/listing';
import { failedVerdict } from '../../../electron/core/checkpoints/probe-checkpoints';
import { dcp, dir, file, GiB, listing, MiB, NOW } from './listings';

const spec = (layout: CheckpointSpec['layout'] = 'dcp', every = '30m'): CheckpointSpec => ({ name: 'llama-70b', directory: '/mnt/ckpt/llama', layout, every, node: 'gpu-3' });
const judge = (l: CheckpointListing, every = '30m', opts: JudgeOptions = {}): CheckpointVerdict => {
  const v = judgeCheckpoints(spec(l.layout, every), l, opts);
  // Every verdict is what the contract says it is.
  expect(VerdictSchema.parse(v)).toEqual(v);
  return v;
};
const codes = (v: CheckpointVerdict) => v.findings.map((f) => `${f.level}:${f.code}`);
const MIN = 60;

describe('freshness against the policy', () => {
  it('says how old the newest complete checkpoint is, in the operator’s words', () => {
    const v = judge(listing('dcp', [dcp(1100, 80 * MIN), dcp(1200, 52 * MIN)]));
    expect(v.level).toBe('warn');
    expect(v.reasons).toEqual(['newest complete checkpoint step-1200 is 52 min old (policy 30 min)']);
    expect(v.newestComplete).toEqual({ name: 'step-1200', step: 1200, at: (NOW - 52 * MIN) * 1000, bytes: 8 * MiB, ageMs: 52 * MIN * 1000 });
    expect(v.checkedAt).toBe(NOW * 1000);
    expect(v.policyMs).toBe(30 * MIN * 1000);
  });

  it.each([
    [45 * MIN, 'ok', 'fresh'],
    [45 * MIN + 1, 'warn', 'stale'],
    [90 * MIN, 'warn', 'stale'],
    [90 * MIN + 1, 'critical', 'stale'],
  ])('at %i s: %s', (age, level, code) => {
    expect(codes(judge(listing('dcp', [dcp(100, age)])))).toEqual([`${level}:${code}`]);
  });

  it('without a complete checkpoint, counts from the job start when known, else warns', () => {
    const empty = listing('dcp', []);
    expect(judge(empty).findings).toEqual([{ code: 'none-complete', level: 'warn', message: 'no complete checkpoint in /mnt/ckpt/llama' }]);
    const young = judge(empty, '30m', { jobStartedAtMs: (NOW - 10 * MIN) * 1000 });
    expect(young.findings).toEqual([{ code: 'none-complete', level: 'ok', message: 'no complete checkpoint since the job started 10 min ago (policy 30 min)' }]);
    expect(judge(empty, '30m', { jobStartedAtMs: (NOW - 100 * MIN) * 1000 }).level).toBe('critical');
  });

  it('reports checkpoint times ahead of the node clock instead of reading them as brand new', () => {
    const v = judge(listing('dcp', [dcp(100, -5 * MIN)]));
    expect(v.newestComplete?.ageMs).toBe(0);
    expect(v.findings).toContainEqual({ code: 'clock-skew', level: 'warn', message: "checkpoint times are 5 min ahead of gpu-3's clock: ages read short" });
  });
});

describe('saves under way, abandoned, truncated, shrunk', () => {
  it('calls an unfinished step written recently a save under way (level ok)', () => {
    const v = judge(listing('dcp', [dcp(100, 10 * MIN), dir('step-200', { ageS: 20, files: 3, bytes: 12 * MiB })]));
    expect(v.level).toBe('ok');
    expect(v.saving).toEqual({ name: 'step-200', step: 200, at: (NOW - 20) * 1000, bytes: 12 * MiB, files: 3 });
    expect(v.reasons).toContain('saving step-200 (no .metadata yet): 3 files, 12.0 MiB so far, last write 20 s ago');
  });

  it('calls it abandoned after the stall time: 5 min, or three save times when longer', () => {
    const stalled = judge(listing('dcp', [dcp(100, 20 * MIN), dir('step-200', { ageS: 6 * MIN })]));
    expect(stalled.findings[0]).toEqual({ code: 'incomplete', level: 'warn', message: 'step-200 was left incomplete: no .metadata yet; last write 6 min ago' });
    // Saves take 4 min (birth to last write): 12 min without a write is still a save under way.
    const slow = listing('dcp', [dcp(100, 25 * MIN, { bornS: 4 * MIN }), dir('step-200', { ageS: 10 * MIN })]);
    expect(judge(slow).saving?.name).toBe('step-200');
    expect(judge(slow).saveSeconds).toBe(4 * MIN);
    expect(judge(slow, '30m', { stallSeconds: 60 }).findings[0].code).toBe('incomplete');
  });

  it('keeps a step that grew since the last listing as saving, however old its mtimes look', () => {
    const before = listing('dcp', [dcp(100, 20 * MIN), dir('step-200', { ageS: 10 * MIN, files: 2, bytes: 4 * MiB })]);
    const now = listing('dcp', [dcp(100, 20 * MIN), dir('step-200', { ageS: 10 * MIN, files: 3, bytes: 6 * MiB })]);
    expect(judge(now, '30m', { previous: before }).saving?.name).toBe('step-200');
    expect(judge(now, '30m', { previous: now }).saving).toBeNull();
  });

  it('is critical for a truncated checkpoint newer than the newest intact one, silent for older ones', () => {
    const short = { previous: 'step-100', shorts: [{ path: '__3_0.distcp', bytes: 1 * MiB, previousBytes: 4 * MiB }] };
    const v = judge(listing('dcp', [dcp(100, 20 * MIN), dcp(200, 1 * MIN, { compare: short })]));
    expect(v.level).toBe('critical');
    expect(v.reasons[0]).toBe('step-200 looks complete but is truncated: __3_0.distcp is 1.0 MiB, was 4.0 MiB in step-100');
    expect(v.newestComplete?.name).toBe('step-100');
    const old = judge(listing('dcp', [dcp(100, 20 * MIN, { compare: { previous: 'step-50', shorts: short.shorts } }), dcp(200, 1 * MIN)]));
    expect(codes(old)).toEqual(['ok:fresh']);
  });

  it('treats empty files as truncation only where the layout never writes them', () => {
    expect(judge(listing('dcp', [dcp(100, MIN, { empty: 1 })])).level).toBe('ok');
    const ds = listing('deepspeed', [dir('global_step100', { ageS: MIN, empty: 2 })], { tag: { bytes: 14, mtime: NOW - MIN, value: 'global_step100' } });
    expect(judge(ds).findings[0]).toMatchObject({ code: 'truncated', message: 'global_step100 looks complete but is truncated: 2 empty files' });
  });

  it('warns when the newest complete is under half the median of the ones before', () => {
    const steps = [dcp(100, 40 * MIN, { bytes: 16 * GiB }), dcp(200, 30 * MIN, { bytes: 16 * GiB }), dcp(300, 20 * MIN, { bytes: 12 * GiB })];
    const small = judge(listing('dcp', [...steps, dcp(400, MIN, { bytes: 4 * GiB })]));
    expect(small.findings[0]).toEqual({ code: 'shrunk', level: 'warn', message: 'newest complete checkpoint step-400 is 4.0 GiB, 25% of the median of the 3 before (16.0 GiB)' });
    expect(codes(judge(listing('dcp', [...steps, dcp(400, MIN, { bytes: 8 * GiB })])))).toEqual(['ok:fresh']);
  });

  it('measures save time from birth to last write, else first to last file, as the median', () => {
    const v = judge(listing('dcp', [dcp(100, 30 * MIN, { spreadS: 50 }), dcp(200, 20 * MIN, { bornS: 70 }), dcp(300, 10 * MIN, { bornS: 90 })]));
    expect(v.checkpoints.map((c) => c.saveSeconds)).toEqual([90, 70, 50]);
    expect(v.saveSeconds).toBe(70);
  });
});

describe('layouts', () => {
  it('DeepSpeed: the latest tag decides, and a broken tag is said', () => {
    const steps = [dir('global_step100', { ageS: 20 * MIN }), dir('global_step200', { ageS: 6 * MIN })];
    const tagged = judge(listing('deepspeed', steps, { tag: { bytes: 14, mtime: NOW, value: 'global_step100' } }));
    expect(tagged.newestComplete?.name).toBe('global_step100');
    expect(tagged.checkpoints[0]).toMatchObject({ name: 'global_step200', state: 'incomplete', notes: ['newer than latest (global_step100)', 'last write 6 min ago'] });
    expect(judge(listing('deepspeed', steps)).findings).toContainEqual({ code: 'tag-broken', level: 'warn', message: 'no latest: none of these checkpoints is marked complete' });
    expect(judge(listing('deepspeed', steps, { tag: { bytes: 3, mtime: NOW, value: 'foo' } })).findings).toContainEqual(
      expect.objectContaining({ code: 'tag-broken', message: 'latest holds "foo", not a checkpoint of this directory' }),
    );
    const gone = judge(listing('deepspeed', steps, { tag: { bytes: 14, mtime: NOW, value: 'global_step300' }, missingTagDir: 'global_step300' }));
    expect(gone.findings[0]).toEqual({ code: 'tag-broken', level: 'critical', message: 'latest names global_step300, which does not exist: resuming would fail' });
  });

  it('Megatron: a torch_dist save at or below the tracker without metadata.json is not complete', () => {
    const l = listing('megatron', [dir('iter_0000100', { ageS: 20 * MIN }), dir('iter_0000200', { ageS: 10 * MIN, markers: { '.metadata': 10 * MIN } })], {
      tag: { bytes: 3, mtime: NOW, value: '200' },
    });
    const v = judge(l, '1h');
    expect(v.checkpoints[0]).toMatchObject({ name: 'iter_0000200', state: 'incomplete', notes: ['torch_dist save without metadata.json', 'last write 10 min ago'] });
    expect(v.newestComplete?.name).toBe('iter_0000100');
  });

  it('NeMo: a marker alone is a save starting, or one that never got further', () => {
    const ok = dir('m--step=100', { ageS: 20 * MIN });
    const fresh = judge(listing('nemo', [ok], { unfinished: [{ name: 'm--step=200-unfinished', mtime: NOW - 30 }] }));
    expect(fresh.checkpoints[0]).toMatchObject({ name: 'm--step=200', step: 200, kind: 'marker', state: 'saving' });
    const old = judge(listing('nemo', [ok], { unfinished: [{ name: 'm--step=200-unfinished', mtime: NOW - 10 * MIN }] }));
    expect(old.findings[0].message).toBe('m--step=200 was left incomplete: only its -unfinished marker exists; last write 10 min ago');
  });

  it('plain files: a file younger than the settle time may still be being written', () => {
    const v = judge(listing('files', [file('step_100.pt', 10 * MIN, GiB), file('step_200.pt', 10, GiB)]));
    expect(v.newestComplete?.name).toBe('step_100.pt');
    expect(v.saving?.name).toBe('step_200.pt');
    expect(judge(listing('files', [file('step_100.pt', 10 * MIN, GiB), file('step_200.pt', 10, GiB)]), '30m', { settleSeconds: 5 }).newestComplete?.name).toBe('step_200.pt');
  });
});

describe('storage', () => {
  const absent = (error: string) => listing('dcp', [], { directory: { state: 'absent', error }, fs: null, mount: null });

  it('is critical when the directory is missing or the mount fails, unknown when unreadable', () => {
    expect(judge(absent('No such file or directory')).findings).toEqual([
      { code: 'not-mounted', level: 'critical', message: 'checkpoint directory /mnt/ckpt/llama does not exist on gpu-3: storage not mounted, or the job writes elsewhere' },
    ]);
    expect(judge(absent('Stale file handle')).findings).toEqual([
      { code: 'not-mounted', level: 'critical', message: 'checkpoint storage is unavailable on gpu-3: Stale file handle (/mnt/ckpt/llama)' },
    ]);
    expect(judge(absent('Transport endpoint is not connected')).storage?.state).toBe('unavailable');
    expect(judge(absent('Permission denied')).level).toBe('unknown');
    expect(judge(listing('dcp', [dcp(1, 60)], { directory: { state: 'ok', readable: false, writable: false } })).level).toBe('unknown');
  });

  it('is critical on a read-only mount', () => {
    const v = judge(listing('dcp', [dcp(100, MIN)], { mount: { target: '/mnt/ckpt', fsType: 'nfs4', options: ['ro', 'relatime'] } }));
    expect(v.findings[0]).toEqual({ code: 'read-only', level: 'critical', message: 'checkpoint storage is mounted read-only (/mnt/ckpt, nfs4): the next save will fail' });
    expect(v.storage).toMatchObject({ readOnly: true, mountPoint: '/mnt/ckpt', fsType: 'nfs4' });
  });

  it('warns at 95 % used, and is critical when one more checkpoint cannot fit', () => {
    const fs = (avail: number) => ({ blockSize: 4096, blocks: 1_000_000, freeBlocks: avail, availableBlocks: avail, inodes: 0, freeInodes: 0, type: 'nfs' });
    const near = judge(listing('dcp', [dcp(100, MIN, { bytes: 100 * MiB })], { fs: fs(40_000) }));
    expect(near.findings[0]).toEqual({ code: 'storage-full', level: 'warn', message: 'checkpoint storage is 96% full (156.3 MiB free of 3.8 GiB)' });
    expect(near.storage?.inodesUsedFraction).toBeNull();
    const full = judge(listing('dcp', [dcp(100, MIN, { bytes: GiB })], { fs: fs(40_000) }));
    expect(full.findings[0]).toEqual({ code: 'storage-full', level: 'critical', message: 'checkpoint storage has 156.3 MiB free, less than one checkpoint (1.0 GiB): the next save will fail' });
    const inodes = judge(listing('dcp', [dcp(100, MIN)], { fs: { ...fs(900_000), inodes: 100, freeInodes: 2 } }));
    expect(inodes.findings[0].message).toBe('checkpoint storage has used 98% of its inodes: new files will soon fail');
  });

  it('orders findings worst first', () => {
    const v = judge(listing('dcp', [dcp(100, 100 * MIN), dir('step-200', { ageS: 10 })], { mount: { target: '/', fsType: 'ext4', options: ['ro'] } }));
    expect(codes(v)).toEqual(['critical:read-only', 'critical:stale', 'ok:saving']);
  });
});

describe('failedVerdict', () => {
  it('turns a listing that could not run into an unknown verdict with the reason', () => {
    const v = failedVerdict(spec(), new FleetError('PROBE_TIMEOUT', 'no answer within 15 s'), 'gpu-3');
    expect(VerdictSchema.parse(v)).toEqual(v);
    expect(v).toMatchObject({ level: 'unknown', checkedAt: null, reasons: ['checkpoint listing on gpu-3 did not finish in time (hung storage?): no answer within 15 s'] });
    expect(failedVerdict(spec(), new FleetError('PARSE_FAILED', 'line 1: expected the header'), null).reasons).toEqual([
      'checkpoint listing failed (PARSE_FAILED): line 1: expected the header',
    ]);
  });
});
