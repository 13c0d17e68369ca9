import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = join(__dirname, '..', '..', 'fixtures', 'slurm');

/** A Slurm REST fixture: `v0.0.38/nodes` (recorded), `v0.0.41/jobs` (hand-made), … */
export function slurmFixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8')) as Record<string, unknown>;
}

export function slurmFixtureText(name: string): string {
  return readFileSync(join(DIR, `${name}.json`), 'utf8');
}
