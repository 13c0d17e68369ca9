/**
 * The spare options of `fleetops serve --lab` and `fleetops lab`: refused with a clear message
 * before anything starts, and listed in each usage text.
 */
import { describe, expect, it } from 'vitest';
import { LAB_OPTIONS, LAB_USAGE, runLabCommand } from '../../../electron/cli/lab-command';
import { SERVE_OPTIONS, SERVE_USAGE, startServe } from '../../../electron/cli/serve-command';

const io = { out: () => undefined, err: () => undefined };

async function lab(...argv: string[]) {
  const err: string[] = [];
  const code = await runLabCommand(argv, { out: () => undefined, err: (s) => void err.push(s) });
  return { code, err: err.join('\n') };
}

describe('serve --lab-warm-spares', () => {
  it.each([['6'], ['-1'], ['one'], ['1.5']])('--lab-warm-spares=%s is refused before anything starts', async (value) => {
    await expect(startServe(['--lab', `--lab-warm-spares=${value}`], io)).rejects.toThrow('--lab-warm-spares must be an integer from 0 to 5');
  });

  it('is parsed and documented, with --lab-spare-nodes', () => {
    expect(SERVE_OPTIONS['lab-warm-spares']).toEqual({ type: 'string' });
    expect(SERVE_OPTIONS['lab-spare-nodes']).toEqual({ type: 'boolean', default: false });
    expect(SERVE_USAGE).toMatch(/--lab-warm-spares N +how many more, just before the cold ones, are warm spares/);
    expect(SERVE_USAGE).toMatch(/--lab-spare-nodes +add two spare nodes/);
  });
});

describe('lab --warm-spares', () => {
  it.each([
    [['--warm-spares', '6'], '--warm-spares must be an integer from 0 to 5, got "6"'],
    [['--warm-spares', 'x'], '--warm-spares must be an integer from 0 to 5, got "x"'],
    // Warm spares come on top of the cold ones, and one replica still serves.
    [['--replicas', '3', '--spares', '1', '--warm-spares', '2'], '--warm-spares must be an integer from 0 to 1, got "2"'],
    [['--replicas', '1', '--warm-spares', '1'], '--warm-spares must be an integer from 0 to 0, got "1"'],
    [['--spare-nodes', 'yes'], "Unexpected argument 'yes'"],
  ])('%j → exit 2 with a clear message and the usage', async (argv, message) => {
    const r = await lab(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err).toContain('Usage:');
  });

  it('is parsed and documented, with --spare-nodes', () => {
    expect(Object.keys(LAB_OPTIONS.run)).toEqual(expect.arrayContaining(['warm-spares', 'spare-nodes']));
    expect(LAB_USAGE).toContain('[--spares N] [--warm-spares N] [--spare-nodes]');
  });
});
