/** The listing parser: real-shaped outputs in, facts out; anything hostile or cut is PARSE_FAILED. */
import { describe, expect, it } from 'vitest';
import { parseListing, unescapeMountField, unescapeName } from '../../../electron/core/checkpoints/parse-listing';
import { MAX_LISTING_BYTES } from '../../../electron/core/checkpoints/listing-script';

const DIR = '/mnt/ckpt/job 1';

/** Output as the script prints it (captured from a run on Debian 12, ext4). */
const DCP = [
  'fleetops-checkpoints\t1\tdcp',
  'now\t1796436850.123456789',
  'dir\tok\trw',
  'fs\t4096 66053021 60021976 20566683 16777216 16341127 ext2/ext3',
  'mount\t/mnt/ckpt ext4 rw,relatime,discard',
  'count\t5',
  'entry\t1796436848.6345310580\t0\tf\tb\\nc',
  'entry\t1796436848.6345310580\t0\tf\ta $(touch PWN)\twith tab',
  'entry\t1796436848.6265310580\t4096\td\tstep-300',
  'cand\tstep-100\td\t1796436848.6265310580\t4096\t1796436848',
  'agg\tstep-100\t2\t4194306\t2\t0\t1796436848.6185310580\t1796436848.6265310580',
  'mark\tstep-100\t.metadata\t2\t1796436848.6265310580',
  'cand\tstep-300\td\t1796436848.6265310580\t4096\t0',
  'agg\tstep-300\t1\t1048576\t1048576\t0\t1796436848.6265310580\t1796436848.6265310580',
  'short\tstep-300\t__0_0.distcp\t1048576\t4194304',
  'cmp\tstep-300\tstep-100\t1\t1\t1',
  'end',
  '',
].join('\n');

const parse = (text: string, layout: Parameters<typeof parseListing>[2] = 'dcp') => parseListing(text, DIR, layout);
const replace = (from: string, to: string) => DCP.replace(from, to);

describe('parseListing', () => {
  it('reads every record of a listing', () => {
    const l = parse(DCP);
    expect(l.now).toBe(1796436850.123456789);
    expect(l.directory).toEqual({ state: 'ok', readable: true, writable: true });
    expect(l.fs).toEqual({ blockSize: 4096, blocks: 66053021, freeBlocks: 60021976, availableBlocks: 20566683, inodes: 16777216, freeInodes: 16341127, type: 'ext2/ext3' });
    expect(l.mount).toEqual({ target: '/mnt/ckpt', fsType: 'ext4', options: ['rw', 'relatime', 'discard'] });
    expect(l.entryCount).toBe(5);
    expect(l.recent.map((e) => e.name)).toEqual(['b\nc', 'a $(touch PWN)\twith tab', 'step-300']);
    expect(l.candidates).toHaveLength(2);
    expect(l.candidates[0]).toMatchObject({ name: 'step-100', kind: 'dir', birth: 1796436848, markers: { '.metadata': { bytes: 2 } } });
    expect(l.candidates[1]).toMatchObject({
      name: 'step-300',
      birth: null,
      totals: { files: 1, bytes: 1048576, empty: 0 },
      comparison: { previous: 'step-100', files: 1, matched: 1, short: 1, shorts: [{ path: '__0_0.distcp', bytes: 1048576, previousBytes: 4194304 }] },
    });
  });

  it('reads a missing directory and the reason the system gave', () => {
    const l = parse('fleetops-checkpoints\t1\tdcp\nnow\t1796436852\ndir\tabsent\tStale file handle \nend\n');
    expect(l.directory).toEqual({ state: 'absent', error: 'Stale file handle' });
    expect(l.candidates).toEqual([]);
  });

  it('keeps going when stat -f or findmnt printed words instead of numbers', () => {
    const l = parse(replace('fs\t4096 66053021 60021976 20566683 16777216 16341127 ext2/ext3', "fs\tstat: cannot read file system information for '.': Input/output error").replace(
      'mount\t/mnt/ckpt ext4 rw,relatime,discard',
      'mount\tfindmnt: can not find',
    ));
    expect(l.fs).toBeNull();
    expect(l.fsError).toMatch(/Input\/output error/);
    expect(l.mount).toBeNull();
  });

  it('unescapes mount points from findmnt (\\x20) and /proc/mounts (\\040)', () => {
    expect(unescapeMountField('/mnt/my\\x20ckpt')).toBe('/mnt/my ckpt');
    expect(unescapeMountField('/mnt/my\\040ckpt')).toBe('/mnt/my ckpt');
    expect(parse(replace('mount\t/mnt/ckpt ext4', 'mount\t/mnt/a\\x20b nfs4')).mount?.target).toBe('/mnt/a b');
  });

  it('unescapes names: a doubled backslash and \\n only', () => {
    expect(unescapeName('a\\\\b\\nc')).toBe('a\\b\nc');
    expect(unescapeName('back\\\\slash\\\\n')).toBe('back\\slash\\n');
    expect(unescapeName('bad\\x')).toBeNull();
    expect(unescapeName('trailing\\')).toBeNull();
  });

  it('reads tags, missing tagged directories and NeMo markers', () => {
    const ds = parse('fleetops-checkpoints\t1\tdeepspeed\nnow\t100\ndir\tok\tr-\ntag\t14\t90.5\tglobal_step200\ntagdir\tglobal_step200\tmissing\nend\n', 'deepspeed');
    expect(ds.directory).toEqual({ state: 'ok', readable: true, writable: false });
    expect(ds.tag).toEqual({ bytes: 14, mtime: 90.5, value: 'global_step200' });
    expect(ds.missingTagDir).toBe('global_step200');
    const racy = parse('fleetops-checkpoints\t1\tmegatron\nnow\t100\ndir\tok\trw\ntag\t\t\t\nend\n', 'megatron');
    expect(racy.tag).toEqual({ bytes: null, mtime: null, value: '' });
    const nemo = parse('fleetops-checkpoints\t1\tnemo\nnow\t100\ndir\tok\trw\nunfinished\t99.5\tm--step=400-unfinished\nend\n', 'nemo');
    expect(nemo.unfinished).toEqual([{ name: 'm--step=400-unfinished', mtime: 99.5 }]);
  });

  it.each([
    ['a login banner before the header', `Welcome to node-7!\n${DCP}`, /line 1: expected the header/],
    ['another layout', DCP.replace('\tdcp', '\tnemo'), /expected the header/],
    ['a listing cut off (no end)', DCP.replace('end\n', ''), /ended early/],
    ['text after end', `${DCP}rm -rf /\n`, /text after "end"/],
    ['an unknown record', replace('count\t5', 'oops\t5'), /unknown record "oops"/],
    ['a second clock', replace('count\t5', 'now\t1'), /a second "now" record/],
    ['a clock that is not a number', replace('now\t1796436850.123456789', 'now\tyesterday'), /the clock is not a time/],
    ['a checkpoint name of another shape', replace('cand\tstep-300', 'cand\tstep-3 $(x)'), /is not a dcp checkpoint name/],
    ['a record about an unlisted checkpoint', replace('mark\tstep-100', 'mark\tstep-999'), /refers to step-999, which was not listed/],
    ['an unknown marker', replace('\t.metadata\t', '\t.bashrc\t'), /unknown marker/],
    ['a short file with an unsafe path', replace('\t__0_0.distcp\t', '\t$(evil)\t'), /unsafe file path/],
    ['a mangled size', replace('\t4194306\t', '\t4e6\t'), /bytes is not a whole number/],
    ['an entry with an unknown escape', replace('b\\nc', 'b\\qc'), /unknown escape/],
    ['a tag in a layout without one', replace('count\t5', 'tag\t1\t1\tx'), /unexpected tag/],
    ['no dir record', replace('dir\tok\trw\n', ''), /no "dir" record/],
  ])('refuses %s', (_, text, message) => {
    expect(() => parse(text)).toThrow(expect.objectContaining({ code: 'PARSE_FAILED', message: expect.stringMatching(message) }));
  });

  it('refuses more than the script ever prints, before reading it', () => {
    const huge = DCP.replace('end\n', `${'entry\t1\t1\tf\tx\n'.repeat(MAX_LISTING_BYTES / 10)}end\n`);
    expect(() => parse(huge)).toThrow(expect.objectContaining({ code: 'PARSE_FAILED', message: expect.stringMatching(/more than the script ever prints/) }));
    const many = DCP.replace('entry\t1796436848.6265310580\t4096\td\tstep-300', Array.from({ length: 9 }, (_, i) => `entry\t1\t1\tf\tn${i}`).join('\n'));
    expect(() => parse(many)).toThrow(/more than 8 entries/);
  });

  it('keeps control characters out of its error message', () => {
    try {
      parse(`\u001b]0;owned\u0007${DCP}`);
      expect.unreachable();
    } catch (err) {
      expect(JSON.stringify((err as { detail: unknown }).detail)).not.toMatch(/\\u001b|\\u0007/);
    }
  });
});
