import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A file of test/fixtures/haproxy (real HAProxy 2.6 replies; see its README.md). */
export function fixture(name: string): string {
  return readFileSync(join(__dirname, '..', '..', 'fixtures', 'haproxy', name), 'utf8');
}
