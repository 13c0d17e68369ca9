/** `fleetops lab` argument handling; the running-lab paths are in test/integration/lab-cli.test.ts. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runLabCommand } from '../../../electron/cli/lab-command';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runLabCommand(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const tempDirs: string[] = [];
const emptyDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'fleetops-lab-cmd-'));
  tempDirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

describe('fleetops lab arguments', () => {
  it.each([
    [['--nodez', '3'], "Unknown option '--nodez'"],
    [['--nodes', 'many'], '--nodes must be an integer from 1 to 5000, got "many"'],
    [['--nodes', '0'], '--nodes must be an integer from 1 to 5000'],
    // A spare is one of the replicas, and at least one must serve.
    [['--replicas', '3', '--spares', '3'], '--spares must be an integer from 0 to 2'],
    [['restart'], 'unknown lab command "restart"'],
    [['fault', '--dir', '/x', '--node', 'n', '--kind', 'gpu-melted'], 'unknown fault kind "gpu-melted" (expected one of gpu-lost, gpu-missing'],
    [['fault', '--dir', '/x', '--node', 'n'], '--kind is required'],
    [['fault', '--node', 'n', '--kind', 'gpu-lost'], '--dir is required'],
    [['fault', '--dir', '/x', '--node', 'n', '--kind', 'gpu-lost', '--gpu', '-1'], "Option '--gpu' argument is ambiguous"],
    [['fault', '--dir', '/x', '--node', 'n', '--kind', 'gpu-lost', '--gpu', 'x'], '--gpu must be an integer from 0 to 63, got "x"'],
    [['clear', '--dir', '/x', '--node', 'n', '--gpu', '1'], '--gpu does not apply to clear'],
    [['status', '--dir', '/x', 'extra'], "Unexpected argument 'extra'"],
  ])('%j → exit 2 with a clear message and the usage', async (argv, message) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err).toContain('Usage:');
  });

  it('prints the usage on --help', async () => {
    const r = await run('fault', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('fleetops lab fault --dir DIR --node NAME --kind KIND [--gpu I]');
  });

  it.each([['status'], ['fault', '--node', 'n', '--kind', 'slow-ssh'], ['clear', '--node', 'n']])(
    '%s against a directory without a running lab → exit 1, LAB_NOT_RUNNING message',
    async (sub, ...rest) => {
      const dir = emptyDir();
      const r = await run(sub, '--dir', dir, ...rest);
      expect(r.code).toBe(1);
      expect(r.err).toBe(`fleetops lab: no lab is running in ${dir} (${path.join(dir, 'lab.json')} does not exist): start one with \`fleetops lab --dir ${dir}\``);
    },
  );
});
