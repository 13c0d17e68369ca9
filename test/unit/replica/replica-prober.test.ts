import { describe, expect, it } from 'vitest';
import { probeReplica } from '../../../electron/core/replica/replica-prober';
import { spec } from './outcomes';

describe('a URL fetch cannot use', () => {
  it('is a network failure, not an exception', async () => {
    const o = await probeReplica({ ...spec, url: 'not a url', auth: undefined }, 'health', { getSecret: async () => undefined, now: () => 0 });
    expect(o).toMatchObject({ ok: false, failure: 'network' });
    expect(o.detail).toMatch(/^cannot talk to not a url\/health: /);
  });
});
