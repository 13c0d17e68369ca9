/** The listing command's shape: one `sh -c` script per layout, the directory one quoted word after it. */
import { describe, expect, it } from 'vitest';
import { LAYOUTS } from '../../../electron/core/checkpoints/layouts';
import { listingCommand, listingScript, recogniseListingCommand } from '../../../electron/core/checkpoints/listing-script';
import type { CheckpointLayout } from '../../../shared/checkpoints';
import { CheckpointSpec } from '../../../shared/checkpoints';

const LAYOUT_NAMES = Object.keys(LAYOUTS) as CheckpointLayout[];
const HOSTILE = ["/mnt/a $(touch /tmp/pwned) `id`; rm -rf / 'b\"", '/mnt/new\nline', "/mnt/'", '/mnt/-rf', '/mnt/\\x'];

describe('listingCommand', () => {
  it.each(LAYOUT_NAMES)('%s: the script is fixed text and the directory is its $1', (layout) => {
    const script = listingScript(layout);
    expect(script).not.toMatch(/\/mnt\/ckpt/);
    expect(listingCommand('/mnt/ckpt', layout)).toBe(`sh -c '${script.replace(/'/g, `'\\''`)}' fleetops-checkpoints '/mnt/ckpt'`);
  });

  it.each(HOSTILE)('round-trips %j through the recogniser as the same one word', (directory) => {
    for (const layout of LAYOUT_NAMES) {
      const got = recogniseListingCommand(listingCommand(directory, layout));
      expect(got).toEqual({ layout, directory, argv: ['sh', '-c', listingScript(layout), 'fleetops-checkpoints', directory] });
    }
  });

  it('recognises nothing but its own commands', () => {
    const cmd = listingCommand('/mnt/ckpt', 'dcp');
    expect(recogniseListingCommand(`${cmd}; touch /tmp/pwned`)).toBeNull();
    expect(recogniseListingCommand(`${cmd} extra`)).toBeNull();
    expect(recogniseListingCommand(cmd.replace('fleetops-checkpoints', 'other'))).toBeNull();
    expect(recogniseListingCommand(listingCommand('relative/dir', 'dcp'))).toBeNull();
    expect(recogniseListingCommand(cmd.replace("'/mnt/ckpt'", "'/mnt/a'\\''$(id)"))).toBeNull();
    expect(recogniseListingCommand('uptime')).toBeNull();
  });

  it('keeps to POSIX sh: no bash-only syntax', () => {
    for (const layout of LAYOUT_NAMES) {
      const script = listingScript(layout);
      expect(script).not.toMatch(/\[\[|\$'|<\(|>\(|\bfunction\b|\blocal\b|\bdeclare\b|read -d|\$\{[^}]*\/\/|pipefail/);
    }
  });
});

describe('CheckpointSpec', () => {
  it('takes an inventory job entry and refuses what cannot be one', () => {
    const ok = { name: 'llama-70b', directory: '/mnt/ckpt/llama 70b', layout: 'dcp', every: '30m', node: 'gpu-1' };
    expect(CheckpointSpec.parse(ok)).toEqual(ok);
    expect(CheckpointSpec.safeParse({ ...ok, directory: 'ckpt' }).success).toBe(false);
    expect(CheckpointSpec.safeParse({ ...ok, directory: '/a\0b' }).success).toBe(false);
    expect(CheckpointSpec.safeParse({ ...ok, layout: 'orbax' }).success).toBe(false);
    expect(CheckpointSpec.safeParse({ ...ok, every: '30 minutes' }).success).toBe(false);
    expect(CheckpointSpec.safeParse({ ...ok, node: 'gpu 1' }).success).toBe(false);
    expect(CheckpointSpec.safeParse({ ...ok, extra: 1 }).success).toBe(false);
  });
});
