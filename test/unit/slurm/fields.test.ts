import { describe, expect, it } from 'vitest';
import { gpusInGres, gpusInGresDetail, jobGpus } from '../../../electron/core/slurm/gres';
import { checkpointFromComment } from '../../../electron/core/slurm/job-comment';
import { readJwtClaims } from '../../../electron/core/slurm/jwt-claims';
import { nodeStateV0038, nodeStateV0039 } from '../../../electron/core/slurm/node-state';
import { epochMs, minutesOf, numberOf } from '../../../electron/core/slurm/slurm-values';

describe('GPU counts from GRES strings', () => {
  it('reads every spelling slurmrestd uses', () => {
    expect(gpusInGres('gpu:h100:4')).toBe(4);
    expect(gpusInGres('gpu:8(S:0-1)')).toBe(8);
    expect(gpusInGres('gpu:a100:2,gpu:h100:2,nic:1')).toBe(4);
    expect(gpusInGres('gpu:h100:3(IDX:0-2)')).toBe(3);
    expect(gpusInGres('gpu:h100:2(IDX:0,2)')).toBe(2);
    expect(gpusInGres('gpu:h100:0(IDX:N/A)')).toBe(0);
    expect(gpusInGres('gres:gpu:h100:2')).toBe(2);
    expect(gpusInGres('gres/gpu:2')).toBe(2);
    expect(gpusInGres('gres/gpu=3')).toBe(3);
    expect(gpusInGres('gpu:tesla')).toBe(1);
    expect(gpusInGres('gpu')).toBe(1);
  });

  it('counts nothing it does not understand, and no GPU where there is none', () => {
    for (const v of ['', null, undefined, '(null)', 'N/A', 'nic:2', 'gpu:h100:lots', 'gpu:h100:2K']) expect(gpusInGres(v)).toBe(0);
  });

  it('sums a job over its nodes, or takes what it asks for before it runs', () => {
    expect(gpusInGresDetail(['gpu:h100:2(IDX:0-1)', 'gpu:h100:2(IDX:0-1)'])).toBe(4);
    expect(jobGpus(['gpu:1(IDX:2)'], 'gres:gpu:1', '', 1)).toBe(1);
    expect(jobGpus([], 'gres:gpu:h100:4', '', 3)).toBe(12);
    expect(jobGpus([], '', 'gres/gpu:16', 2)).toBe(16);
    expect(jobGpus([], '', '', 2)).toBe(0);
  });
});

describe('the checkpoint path in a job comment', () => {
  it('finds fleetops:ckpt=PATH anywhere in the comment', () => {
    expect(checkpointFromComment('fleetops:ckpt=/data/ckpt/a')).toBe('/data/ckpt/a');
    expect(checkpointFromComment('run 7; fleetops:ckpt=/lustre/x/ckpt next')).toBe('/lustre/x/ckpt');
    expect(checkpointFromComment('a,fleetops:ckpt=/x/y;')).toBe('/x/y');
  });

  it('ignores relative, missing and hostile paths', () => {
    expect(checkpointFromComment('fleetops:ckpt=relative/dir')).toBeNull();
    expect(checkpointFromComment('myfleetops:ckpt=/x')).toBeNull();
    expect(checkpointFromComment('')).toBeNull();
    expect(checkpointFromComment(null)).toBeNull();
    expect(checkpointFromComment(`fleetops:ckpt=/${'a'.repeat(2000)}`)).toBeNull();
  });
});

describe('Slurm numbers in both shapes', () => {
  it('reads plain numbers, null and {set, infinite, number}', () => {
    expect(numberOf(60)).toBe(60);
    expect(numberOf(null)).toBeNull();
    expect(numberOf({ set: true, infinite: false, number: 60 })).toBe(60);
    expect(numberOf({ set: false, infinite: false, number: 0 })).toBeNull();
    expect(numberOf({ set: true, infinite: true, number: 0 })).toBeNull();
  });

  it('turns seconds into epoch ms with 0 as never, and limits into minutes with INFINITE as none', () => {
    expect(epochMs(1_700_000_000)).toBe(1_700_000_000_000);
    expect(epochMs(0)).toBeNull();
    expect(minutesOf(-1)).toBeNull();
    expect(minutesOf(0xffffffff)).toBeNull();
    expect(minutesOf({ set: true, infinite: true, number: 0 })).toBeNull();
    expect(minutesOf({ set: true, infinite: false, number: 2880 })).toBe(2880);
  });
});

describe('node states', () => {
  it('v0.0.38: base plus flags; DRAIN on a busy node is draining, on an idle one drained', () => {
    expect(nodeStateV0038('mixed', ['DRAIN'])).toMatchObject({ state: 'MIXED', drain: 'draining', schedulable: false, stateText: 'draining' });
    expect(nodeStateV0038('idle', ['DRAIN'])).toMatchObject({ state: 'IDLE', drain: 'drained', schedulable: false, stateText: 'drained' });
    expect(nodeStateV0038('mixed', [])).toMatchObject({ state: 'MIXED', drain: 'none', schedulable: true, stateText: 'mixed' });
    expect(nodeStateV0038('down', ['NOT_RESPONDING'])).toMatchObject({ state: 'DOWN', schedulable: false, stateText: 'down+not_responding' });
    expect(nodeStateV0038('idle', ['COMPLETING', 'DRAIN'])).toMatchObject({ drain: 'draining' });
  });

  it('v0.0.39+: one list; the base is looked for, the rest are flags', () => {
    expect(nodeStateV0039(['IDLE', 'DRAIN'])).toMatchObject({ state: 'IDLE', flags: ['DRAIN'], drain: 'drained' });
    expect(nodeStateV0039(['DRAIN', 'ALLOCATED'])).toMatchObject({ state: 'ALLOCATED', flags: ['DRAIN'], drain: 'draining' });
    expect(nodeStateV0039(['MIXED', 'MAINTENANCE'])).toMatchObject({ schedulable: false });
    expect(nodeStateV0039(['RESERVED'])).toMatchObject({ state: 'UNKNOWN', schedulable: false });
    expect(nodeStateV0039(['bogus'])).toMatchObject({ state: 'UNKNOWN' });
  });
});

describe('JWT claims', () => {
  const jwt = (claims: object) => `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;

  it('reads exp, iat and sun without verifying', () => {
    expect(readJwtClaims(jwt({ exp: 1_700_000_000, iat: 1_699_990_000, sun: 'ops' }))).toEqual({ expiresAt: 1_700_000_000_000, issuedAt: 1_699_990_000_000, user: 'ops' });
  });

  it('says "not a JWT" for anything else', () => {
    for (const t of ['garbage', 'a.b', 'a.b.c.d', `x.${Buffer.from('[1]').toString('base64url')}.y`, 'a.%%%.c', `a.${'b'.repeat(9000)}.c`]) expect(readJwtClaims(t)).toBeNull();
  });
});
