/**
 * The checkpoint probe against a real OpenSSH sshd (the session runs as `fleetops-test`, login
 * shell dash) over real directories: every layout and every verdict, files made with set sizes
 * (sparse) and mtimes (utimes), storage that is missing, unreadable, read-only (a bind mount)
 * and full (a 1 MiB tmpfs), and names that are shell syntax, which must parse and must not run.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckpointLayout, CheckpointVerdict } from '../../shared/checkpoints';
import { checkCheckpoints, type CheckpointExec } from '../../electron/core/checkpoints/probe-checkpoints';
import { startLabWriter } from '../../electron/core/checkpoints/lab-writer';
import { listingScript } from '../../electron/core/checkpoints/listing-script';
import { parseListing } from '../../electron/core/checkpoints/parse-listing';
import { SshPool } from '../../electron/core/ssh/pool';
import { startSshd, type TestSshd } from './helpers/sshd';

const MiB = 1024 * 1024;
let sshd: TestSshd;
let root: string;
const pool = new SshPool();
const mounts: string[] = [];
let canMount = false;

beforeAll(async () => {
  sshd = await startSshd();
  root = mkdtempSync(join(tmpdir(), 'fleetops-ckprobe-'));
  chmodSync(root, 0o755);
  // Bind and tmpfs mounts need CAP_SYS_ADMIN; the tests that use them say so when skipped.
  try {
    mkdirSync(join(root, 'probe-mount'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', join(root, 'probe-mount')], { stdio: 'ignore' });
    execFileSync('umount', [join(root, 'probe-mount')]);
    canMount = true;
  } catch {
    canMount = false;
  }
});

afterAll(async () => {
  await pool.closeAll();
  await sshd?.dispose();
  // Unmount first: removing through a live bind mount would reach into its source.
  for (const m of mounts.reverse()) execFileSync('umount', [m]);
  if (root) rmSync(root, { recursive: true, force: true });
});

const exec: CheckpointExec = (command) => pool.exec(sshd.target('ckpt'), command, { timeoutMs: 15_000 });

/** A file of `size` bytes (sparse) last written `ageS` seconds ago; parents made as needed. */
function put(path: string, size: number, ageS: number, data = false): void {
  mkdirSync(dirname(path), { recursive: true });
  if (data) writeFileSync(path, Buffer.alloc(size));
  else {
    writeFileSync(path, '');
    truncateSync(path, size);
  }
  stamp(path, ageS);
}

function stamp(path: string, ageS: number): void {
  const t = Date.now() / 1000 - ageS;
  utimesSync(path, t, t);
}

/**
 * A checkpoint directory `dir/name` with `files` (relative path → size), written in order over
 * `spreadS` seconds and finished `ageS` seconds ago (the last file, then the directory).
 */
function step(dir: string, name: string, files: Record<string, number>, ageS: number, spreadS = 0): void {
  const list = Object.entries(files);
  list.forEach(([rel, size], i) => put(join(dir, name, rel), size, ageS + (list.length > 1 ? (spreadS * (list.length - 1 - i)) / (list.length - 1) : 0)));
  stamp(join(dir, name), ageS);
}

function jobDir(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

async function judge(dir: string, layout: CheckpointLayout, every = '30m', opts: Parameters<typeof checkCheckpoints>[2] = {}): Promise<CheckpointVerdict> {
  const { verdict } = await checkCheckpoints(exec, { name: 'job-1', directory: dir, layout, every, node: 'gpu-1' }, opts);
  return verdict;
}

/** An age that reads as `n min` (durations round up) with time to spare for the probe itself. */
const min = (n: number) => n * 60 - 30;
const codes = (v: CheckpointVerdict) => v.findings.map((f) => `${f.level}:${f.code}`);
const dcpStep = (shard = 4 * MiB) => ({ '__0_0.distcp': shard, '__1_0.distcp': shard, '.metadata': 2048 });

describe('PyTorch DCP / torchtitan', () => {
  it('is ok with a fresh complete step, and measures the save from its timestamps', async () => {
    const dir = jobDir('dcp-ok');
    step(dir, 'step-100', dcpStep(), 50 * 60, 60);
    step(dir, 'step-200', dcpStep(), 20 * 60, 60);
    step(dir, 'step-300', dcpStep(), 5 * 60, 60);
    const v = await judge(dir, 'dcp');
    expect(v.level).toBe('ok');
    expect(v.reasons).toEqual([expect.stringMatching(/^newest complete checkpoint step-300 is [56] min old \(policy 30 min\)$/)]);
    expect(v.newestComplete).toMatchObject({ name: 'step-300', step: 300, bytes: 8 * MiB + 2048 });
    expect(v.saveSeconds).toBeCloseTo(60, 0);
    expect(v.checkpoints.map((c) => `${c.name}:${c.state}`)).toEqual(['step-300:complete', 'step-200:complete', 'step-100:complete']);
    expect(v.storage).toMatchObject({ state: 'mounted', readOnly: false });
    expect(v.storage!.totalBytes).toBeGreaterThan(0);
    expect(v.entryCount).toBe(3);
  });

  it('warns past 1.5× the policy and is critical past 3×, in the words the operator reads', async () => {
    const warn = jobDir('dcp-warn');
    step(warn, 'step-100', dcpStep(), min(52));
    const w = await judge(warn, 'dcp');
    expect(w.level).toBe('warn');
    expect(w.reasons[0]).toBe('newest complete checkpoint step-100 is 52 min old (policy 30 min)');
    const crit = jobDir('dcp-critical');
    step(crit, 'step-100', dcpStep(), 100 * 60);
    const c = await judge(crit, 'dcp');
    expect(c.level).toBe('critical');
    expect(codes(c)).toEqual(['critical:stale']);
  });

  it('tells a save under way from one that was abandoned', async () => {
    const saving = jobDir('dcp-saving');
    step(saving, 'step-100', dcpStep(), 10 * 60);
    step(saving, 'step-200', { '__0_0.distcp': 4 * MiB }, 10);
    const s = await judge(saving, 'dcp');
    expect(s.level).toBe('ok');
    expect(s.saving).toMatchObject({ name: 'step-200', files: 1, bytes: 4 * MiB });
    expect(s.reasons).toContainEqual(expect.stringMatching(/^saving step-200 \(no \.metadata yet\): 1 file, 4\.0 MiB so far, last write \d+ s ago$/));
    expect(s.newestComplete?.name).toBe('step-100');

    const left = jobDir('dcp-incomplete');
    step(left, 'step-100', dcpStep(), 45 * 60);
    step(left, 'step-200', { '__0_0.distcp': 4 * MiB }, min(20));
    const l = await judge(left, 'dcp', '1h');
    expect(l.level).toBe('warn');
    expect(l.reasons).toContain('step-200 was left incomplete: no .metadata yet; last write 20 min ago');
  });

  it('finds a truncated shard in a step that has its .metadata, and judges freshness by the intact one', async () => {
    const dir = jobDir('dcp-truncated');
    step(dir, 'step-100', dcpStep(), 20 * 60);
    step(dir, 'step-200', { '__0_0.distcp': 4 * MiB, '__1_0.distcp': 1 * MiB, '.metadata': 2048 }, 60);
    const v = await judge(dir, 'dcp');
    expect(v.level).toBe('critical');
    expect(v.reasons[0]).toBe('step-200 looks complete but is truncated: __1_0.distcp is 1.0 MiB, was 4.0 MiB in step-100');
    expect(v.newestComplete?.name).toBe('step-100');
  });

  it('warns when the newest complete step is much smaller than the ones before', async () => {
    const dir = jobDir('dcp-shrunk');
    const full = { '__0_0.distcp': 4 * MiB, '__0_1.distcp': 4 * MiB, '__1_0.distcp': 4 * MiB, '__1_1.distcp': 4 * MiB, '.metadata': 2048 };
    for (const [n, age] of [[100, 40], [200, 30], [300, 20]] as const) step(dir, `step-${n}`, full, age * 60);
    step(dir, 'step-400', { '__0_0.distcp': 4 * MiB, '.metadata': 2048 }, 60);
    const v = await judge(dir, 'dcp');
    expect(v.level).toBe('warn');
    expect(v.reasons[0]).toBe('newest complete checkpoint step-400 is 4.0 MiB, 25% of the median of the 3 before (16.0 MiB)');
  });
});

describe('DeepSpeed', () => {
  const files = (optim = 4 * MiB) => ({ 'zero_pp_rank_0_mp_rank_00_optim_states.pt': optim, 'mp_rank_00_model_states.pt': 2 * MiB });

  it('trusts the latest tag, and calls a newer directory a save under way', async () => {
    const dir = jobDir('ds-ok');
    step(dir, 'global_step100', files(), 30 * 60);
    step(dir, 'global_step200', files(), 10 * 60);
    step(dir, 'global_step300', { 'mp_rank_00_model_states.pt': 2 * MiB }, 5);
    put(join(dir, 'latest'), 0, 10 * 60);
    writeFileSync(join(dir, 'latest'), 'global_step200');
    const v = await judge(dir, 'deepspeed');
    expect(v.level).toBe('ok');
    expect(v.newestComplete?.name).toBe('global_step200');
    expect(v.saving?.name).toBe('global_step300');
    expect(v.reasons).toContainEqual(expect.stringMatching(/^saving global_step300 \(newer than latest \(global_step200\)\)/));
  });

  it('is critical when latest names a missing directory or one with empty files', async () => {
    const missing = jobDir('ds-missing');
    step(missing, 'global_step100', files(), 10 * 60);
    writeFileSync(join(missing, 'latest'), 'global_step200');
    const m = await judge(missing, 'deepspeed');
    expect(m.level).toBe('critical');
    expect(m.reasons[0]).toBe('latest names global_step200, which does not exist: resuming would fail');

    const empty = jobDir('ds-empty');
    step(empty, 'global_step100', files(), 20 * 60);
    step(empty, 'global_step200', files(0), 5 * 60);
    writeFileSync(join(empty, 'latest'), 'global_step200\n');
    const e = await judge(empty, 'deepspeed');
    expect(e.level).toBe('critical');
    expect(e.reasons[0]).toMatch(/^global_step200 looks complete but is truncated: .*1 empty file$/);
    expect(e.newestComplete?.name).toBe('global_step100');
  });
});

describe('Megatron-LM', () => {
  const dist = { '__0_0.distcp': 4 * MiB, 'common.pt': 4096, '.metadata': 2048, 'metadata.json': 64 };

  it('needs the tracker and, for torch_dist, metadata.json; legacy iterations need the tracker only', async () => {
    const dir = jobDir('megatron');
    step(dir, 'iter_0000100', { 'mp_rank_00/model_optim_rng.pt': 4 * MiB }, 40 * 60);
    step(dir, 'iter_0000200', dist, 25 * 60);
    step(dir, 'iter_0000300', { '__0_0.distcp': 4 * MiB, '.metadata': 2048 }, min(20));
    writeFileSync(join(dir, 'latest_checkpointed_iteration.txt'), '200');
    const v = await judge(dir, 'megatron', '1h');
    expect(v.checkpoints.map((c) => `${c.name}:${c.state}`)).toEqual(['iter_0000300:incomplete', 'iter_0000200:complete', 'iter_0000100:complete']);
    expect(v.level).toBe('warn');
    expect(v.reasons).toContain('iter_0000300 was left incomplete: newer than latest_checkpointed_iteration.txt (200); last write 20 min ago');
    expect(v.newestComplete?.name).toBe('iter_0000200');
  });

  it('reads the tracker even when the tagged iteration is older than the newest few', async () => {
    const dir = jobDir('megatron-old-tag');
    step(dir, 'iter_0000100', dist, 60 * 60);
    for (let i = 2; i <= 10; i++) step(dir, `iter_${String(i * 100).padStart(7, '0')}`, { '__0_0.distcp': 4 * MiB }, (60 - i) * 60);
    writeFileSync(join(dir, 'latest_checkpointed_iteration.txt'), '100');
    const v = await judge(dir, 'megatron', '1h');
    expect(v.newestComplete?.name).toBe('iter_0000100');
    expect(v.level).toBe('warn');
  });
});

describe('NeMo', () => {
  const ckpt = (n: number) => `megatron_gpt--val_loss=2.10-step=${n}-consumed_samples=${n * 8}.0`;
  const files = { 'weights/__0_0.distcp': 4 * MiB, 'weights/.metadata': 2048, 'metadata.json': 64 };

  it('takes a checkpoint with its -unfinished marker as unfinished, and a lone marker as a save starting', async () => {
    const dir = jobDir('nemo');
    step(dir, ckpt(100), files, 30 * 60);
    step(dir, ckpt(200), files, 20 * 60);
    step(dir, ckpt(300), { 'weights/__0_0.distcp': 1 * MiB }, min(15));
    put(join(dir, `${ckpt(300)}-unfinished`), 0, 16 * 60);
    put(join(dir, `${ckpt(400)}-unfinished`), 0, 5);
    const v = await judge(dir, 'nemo');
    expect(v.checkpoints.map((c) => `${c.step}:${c.kind}:${c.state}`)).toEqual(['400:marker:saving', '300:dir:incomplete', '200:dir:complete', '100:dir:complete']);
    expect(v.newestComplete?.name).toBe(ckpt(200));
    expect(v.level).toBe('warn');
    expect(v.reasons).toContain(`${ckpt(300)} was left incomplete: ${ckpt(300)}-unfinished is still there; last write 15 min ago`);
  });
});

describe('plain files', () => {
  it('counts a file as complete once it has settled, and an empty old one as incomplete', async () => {
    const dir = jobDir('files');
    put(join(dir, 'step_100.pt'), 3 * MiB, 30 * 60);
    put(join(dir, 'step_200.pt'), 3 * MiB, 10 * 60);
    put(join(dir, 'step_300.pt'), 1 * MiB, 5);
    put(join(dir, 'step_300.pt.tmp'), 1 * MiB, 5);
    const v = await judge(dir, 'files');
    expect(v.level).toBe('ok');
    expect(v.newestComplete?.name).toBe('step_200.pt');
    expect(v.saving?.name).toBe('step_300.pt');

    const empty = jobDir('files-empty');
    put(join(empty, 'step_100.pt'), 3 * MiB, 30 * 60);
    put(join(empty, 'step_200.pt'), 0, min(20));
    const e = await judge(empty, 'files', '1h');
    expect(e.level).toBe('warn');
    expect(e.reasons).toContain('step_200.pt was left incomplete: 0 bytes; last write 20 min ago');
  });
});

describe('storage', () => {
  it('is critical when the directory does not exist (storage not mounted)', async () => {
    const v = await judge(join(root, 'not-mounted', 'ckpt'), 'dcp');
    expect(v.level).toBe('critical');
    expect(v.storage).toMatchObject({ state: 'missing', error: 'No such file or directory' });
    expect(v.reasons).toEqual([`checkpoint directory ${join(root, 'not-mounted', 'ckpt')} does not exist on gpu-1: storage not mounted, or the job writes elsewhere`]);
  });

  it('is unknown when the probe user may not read it', async () => {
    const dir = jobDir('private');
    step(dir, 'step-100', dcpStep(), 60);
    chmodSync(dir, 0o700);
    const v = await judge(dir, 'dcp');
    expect(v.level).toBe('unknown');
    expect(v.storage).toMatchObject({ state: 'unreadable', error: 'Permission denied' });
  });

  it('is critical on a read-only mount, seen by findmnt and, without it, in /proc/mounts', async (ctx) => {
    // A read-only bind mount and a tiny tmpfs need CAP_SYS_ADMIN (root in CI has it); a container
    // without it cannot make the condition at all, and the parser tests cover the output shape.
    if (!canMount) ctx.skip('mounting needs CAP_SYS_ADMIN');
    const src = jobDir('ro-src');
    step(src, 'step-100', dcpStep(), 60);
    const ro = jobDir('ro');
    execFileSync('mount', ['--bind', src, ro]);
    mounts.push(ro);
    execFileSync('mount', ['-o', 'remount,bind,ro', ro]);
    const v = await judge(ro, 'dcp');
    expect(v.level).toBe('critical');
    expect(v.storage).toMatchObject({ readOnly: true, mountPoint: ro });
    expect(v.reasons[0]).toMatch(/^checkpoint storage is mounted read-only \(.*\/ro, \w+\): the next save will fail$/);

    // The same script with a PATH where findmnt is missing: /proc/mounts answers instead.
    const bin = jobDir('bin-without-findmnt');
    for (const tool of ['date', 'ls', 'tr', 'sed', 'cut', 'stat', 'find', 'sort', 'head', 'tail', 'wc', 'awk', 'cat', 'pwd']) {
      const path = execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
      if (path.startsWith('/')) symlinkSync(path, join(bin, tool));
    }
    const out = execFileSync('/bin/sh', ['-c', listingScript('dcp'), 'fleetops-checkpoints', ro], { encoding: 'utf8', env: { PATH: bin } });
    const listing = parseListing(out, ro, 'dcp');
    expect(listing.mount).toMatchObject({ target: ro, options: expect.arrayContaining(['ro']) });
  });

  it('is critical when less than one checkpoint is free', async (ctx) => {
    // A read-only bind mount and a tiny tmpfs need CAP_SYS_ADMIN (root in CI has it); a container
    // without it cannot make the condition at all, and the parser tests cover the output shape.
    if (!canMount) ctx.skip('mounting needs CAP_SYS_ADMIN');
    const dir = jobDir('tiny');
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0755', 'tmpfs', dir]);
    mounts.push(dir);
    put(join(dir, 'step-100', '__0_0.distcp'), 200 * 1024, 120, true);
    put(join(dir, 'step-100', '.metadata'), 2048, 60, true);
    put(join(dir, 'filler'), 780 * 1024, 60, true);
    const v = await judge(dir, 'dcp');
    expect(v.level).toBe('critical');
    expect(v.storage?.usedFraction).toBeGreaterThanOrEqual(0.95);
    expect(v.reasons[0]).toMatch(/^checkpoint storage has \d+\.\d KiB free, less than one checkpoint \(202\.0 KiB\): the next save will fail$/);
  });
});

describe('the lab writer, as the probe sees it', () => {
  it('writes what the probe calls complete, truncated, abandoned and not mounted', async () => {
    const dir = jobDir('lab-writer');
    const writer = startLabWriter({ directory: dir, intervalMs: 3_600_000 });
    try {
      await writer.saveNow();
      await writer.saveNow();
      expect(codes(await judge(dir, 'dcp'))).toEqual(['ok:fresh']);
      await writer.setFault('truncated-shard', true);
      await writer.saveNow();
      const t = await judge(dir, 'dcp');
      expect(t.reasons[0]).toBe('step-300 looks complete but is truncated: __3_0.distcp is 512.0 KiB, was 2.0 MiB in step-200');
      await writer.setFault('truncated-shard', false);
      await writer.setFault('disk-full', true);
      await writer.saveNow();
      // Judged as if the writer had been quiet for longer than the stall time.
      const full = await judge(dir, 'dcp', '30m', { stallSeconds: 0 });
      expect(full.reasons).toContainEqual(expect.stringMatching(/^step-400 was left incomplete: no \.metadata yet; last write \d+ s ago$/));
      await writer.setFault('disk-full', false);
      await writer.setFault('mount-gone', true);
      expect(codes(await judge(dir, 'dcp'))).toEqual(['critical:not-mounted']);
    } finally {
      await writer.stop();
    }
    expect(existsSync(dir)).toBe(true);
  });
});

describe('hostile names', () => {
  it('lists names made of shell syntax, quotes and newlines exactly, and runs none of them', async () => {
    expect(existsSync('/tmp/pwned')).toBe(false);
    // The directory itself: one word whatever it holds (its last components spell $(touch /tmp/pwned)).
    const dir = jobDir(join(`a $(touch pwned) \`touch pwned\`; touch pwned 'b"`, '$(touch ', 'tmp', 'pwned)'));
    step(dir, 'step-100', { ...dcpStep(), 'x $(touch pwned)': 1, 'y\nz': 1 }, 5 * 60);
    const names = ['step-1 $(touch pwned)', `it's "quoted"`, 'step-2\nstep-3', 'tab\there', 'back\\slash\\n', '-rf --', '`touch pwned`'];
    names.forEach((n, i) => put(join(dir, n), 10, 60 + i));
    const v = await judge(dir, 'dcp');
    expect(v.directory).toBe(dir);
    expect(v.level).toBe('ok');
    expect(v.newestComplete?.name).toBe('step-100');
    expect(v.checkpoints.map((c) => c.name)).toEqual(['step-100']);
    expect(v.recent.map((e) => e.name).sort()).toEqual([...names, 'step-100'].sort());
    expect(v.entryCount).toBe(8);
    for (const where of [root, dir, join(dir, 'step-100'), dirname(dir)]) expect(existsSync(join(where, 'pwned'))).toBe(false);
    expect(existsSync('/tmp/pwned')).toBe(false);
    const home = await pool.exec(sshd.target('ckpt'), 'ls pwned', { timeoutMs: 10_000 });
    expect(home.code).not.toBe(0);
  });
});
