import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../shared/errors';
import { parseInventory } from '../../../electron/core/inventory/load-inventory';
import { trainingInventoryPath } from './fixture';

const env = { homeDir: '/home/me', defaultUser: 'me' };
const base = readFileSync(trainingInventoryPath, 'utf8');

function problems(text: string): string[] {
  try {
    parseInventory(text, '/tmp/fleet.yaml', env);
  } catch (err) {
    if (!(err instanceof FleetError)) throw err;
    return ((err.detail as { errors?: Array<{ line: number; message: string }> }).errors ?? []).map((i) => `${i.line}: ${i.message}`);
  }
  return [];
}

describe('inventory: schedulers and jobs', () => {
  it('the fixture is valid', () => {
    expect(problems(base)).toEqual([]);
  });

  it('refuses references that do not land, each with its line', () => {
    const bad = base
      .replace('controlVia: login-a', 'controlVia: login-z')
      .replace('    cluster: train-a\n    slurmJob', '    cluster: train-q\n    slurmJob')
      .replace('node: login-a }', 'node: nowhere }')
      .replace('slurmName: node2', 'slurmName: node1');
    expect(problems(bad)).toEqual([
      expect.stringMatching(/^\d+: names unknown node "login-z"$/),
      expect.stringMatching(/^\d+: Slurm name "node1" is also node "gpu-t01"'s in this cluster$/),
      expect.stringMatching(/^\d+: names unknown cluster "train-q"$/),
      expect.stringMatching(/^\d+: names unknown node "nowhere"$/),
    ]);
  });

  it('a job belongs to a training cluster, with an absolute checkpoint directory, a known layout and a duration', () => {
    const text = base.replace('directory: /mnt/ckpt/eval, layout: files, every: 2h', 'directory: ckpt/eval, layout: zip, every: often');
    const found = problems(text);
    expect(found).toHaveLength(3);
    expect(found.join('\n')).toMatch(/absolute path/);
    expect(found.join('\n')).toMatch(/dcp|deepspeed/);
    expect(found.join('\n')).toMatch(/a duration is a whole number/);
  });

  it('a scheduler refuses an unknown kind and keys it does not have (a typo must not silently drop it)', () => {
    expect(problems(base.replace('kind: slurm', 'kind: pbs')).length).toBe(1);
    expect(problems(base.replace('intervalSeconds: 10', 'intervalSecond: 10')).join('\n')).toMatch(/intervalSecond/);
  });
});
