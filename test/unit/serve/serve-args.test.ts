import { describe, expect, it } from 'vitest';
import { startServe } from '../../../electron/cli/serve-command';

const io = { out: () => undefined, err: () => undefined };

describe('serve arguments', () => {
  it.each([
    [['--lab', '--lab-spares', '6'], '--lab-spares must be an integer from 0 to 5'],
    [['--lab', '--lab-spares', 'one'], '--lab-spares must be an integer from 0 to 5'],
    [['--lab', '--lab-nodes', '0'], '--lab-nodes must be an integer from 1 to 5000'],
  ])('%j is refused before anything starts', async (argv, message) => {
    await expect(startServe(argv, io)).rejects.toThrow(message);
  });
});
