import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../shared/errors';
import { expandHostlist } from '../../../electron/core/slurm/hostlist';

function refusal(expr: string, max?: number): FleetError {
  try {
    expandHostlist(expr, max);
  } catch (err) {
    expect(err).toBeInstanceOf(FleetError);
    return err as FleetError;
  }
  throw new Error(`expected ${expr} to be refused`);
}

describe('expandHostlist', () => {
  it('expands ranges and lists inside one bracket', () => {
    expect(expandHostlist('node[1-3,5]')).toEqual(['node1', 'node2', 'node3', 'node5']);
  });

  it('keeps plain names and comma-separated items', () => {
    expect(expandHostlist('login1')).toEqual(['login1']);
    expect(expandHostlist('a,b[1-2],c')).toEqual(['a', 'b1', 'b2', 'c']);
    expect(expandHostlist('')).toEqual([]);
    expect(expandHostlist('a,,b,')).toEqual(['a', 'b']);
  });

  it('keeps zero padding from the range start, as Slurm does', () => {
    expect(expandHostlist('gpu-[008-011]')).toEqual(['gpu-008', 'gpu-009', 'gpu-010', 'gpu-011']);
    expect(expandHostlist('n[09-10]')).toEqual(['n09', 'n10']);
    expect(expandHostlist('n[9-10]')).toEqual(['n9', 'n10']);
  });

  it('keeps a suffix after the bracket and multiplies several brackets', () => {
    expect(expandHostlist('gpu[1-2]-ib')).toEqual(['gpu1-ib', 'gpu2-ib']);
    expect(expandHostlist('r[1-2]n[1-2]')).toEqual(['r1n1', 'r1n2', 'r2n1', 'r2n2']);
  });

  it('refuses malformed expressions with a clear PARSE_FAILED', () => {
    expect(refusal('node[1-3').code).toBe('PARSE_FAILED');
    expect(refusal('node[1-3').message).toMatch(/leaves a bracket open/);
    expect(refusal('node1-3]').message).toMatch(/closes a bracket/);
    expect(refusal('node[[1-2]]').message).toMatch(/bracket inside a bracket/);
    expect(refusal('node[a-c]').message).toMatch(/expected numbers and ranges/);
    expect(refusal('node[5-1]').message).toMatch(/runs backwards/);
  });

  it('refuses an expression that would expand past the cap, before building it', () => {
    const started = Date.now();
    expect(refusal('n[0-999999999]').message).toMatch(/more than/);
    expect(refusal('a[1-100]b[1-100]c[1-100]', 10_000).message).toMatch(/more than 10000 names/);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('keeps hostile text out of the message verbatim', () => {
    const err = refusal(`node[1-2\u001b[31m${'x'.repeat(500)}`);
    expect(err.message).not.toContain('\u001b');
    expect(err.message.length).toBeLessThan(200);
  });
});
