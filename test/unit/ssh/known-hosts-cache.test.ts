import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appendKnownHostLine, KnownHostsCache } from '../../../electron/core/ssh/known-hosts-file';

const tempDirs: string[] = [];
afterAll(() => {
  for (const d of tempDirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'kh-'));
  tempDirs.push(d);
  return d;
}

const LINE_A = '[127.0.0.1]:2201 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBu0+JmqZ6UP9XH3aUrJcZLA0X3bNZbXdR9uk4rhn7mR';
const LINE_B = '[127.0.0.1]:2202 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHn4k0xAn9fXhYjB0pRkP4Cq0kZqvZ8lQpZ0S9b7XyWm';

describe('KnownHostsCache', () => {
  it('parses a file once for every connection while it is unchanged', async () => {
    const file = join(tempDir(), 'known_hosts');
    writeFileSync(file, `${LINE_A}\n`);
    const cache = new KnownHostsCache();
    const first = await cache.get(file);
    const second = await cache.get(file);
    expect(second).toBe(first); // the same parsed array, not a copy per connection
    expect(first).toHaveLength(1);
  });

  it('sees an appended (trusted) key at once', async () => {
    const file = join(tempDir(), 'known_hosts');
    writeFileSync(file, `${LINE_A}\n`);
    const cache = new KnownHostsCache();
    expect(await cache.get(file)).toHaveLength(1);
    await appendKnownHostLine(file, LINE_B);
    expect(await cache.get(file)).toHaveLength(2);
  });

  it('treats a missing file as knowing no hosts, then notices it appear', async () => {
    const file = join(tempDir(), 'known_hosts');
    const cache = new KnownHostsCache();
    expect(await cache.get(file)).toEqual([]);
    writeFileSync(file, `${LINE_A}\n`);
    expect(await cache.get(file)).toHaveLength(1);
  });
});
