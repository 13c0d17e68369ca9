/** When the replica detail offers "Set secret REF" (renderer/src/model/secret-request.ts). */
import { describe, expect, it } from 'vitest';
import { secretRequest } from '../../../renderer/src/model/secret-request';
import { probe, replica } from '../renderer/builders';

const missing = probe('health', { ok: false, failure: 'auth', status: null, detail: 'secret "llama-key" is not in the secret store: store it there under that name' });
const refused = probe('completion', { ok: false, failure: 'auth', status: 401, detail: 'HTTP 401: check the credentials (secretRef llama-key)' });

describe('secretRequest', () => {
  it('asks for the ref when the secret was missing, before any request went out', () => {
    expect(secretRequest(replica('r1', { secretRef: 'llama-key', health: 'unhealthy', lastHealth: missing }))).toEqual({ ref: 'llama-key', missing: true });
  });

  it('asks for the ref when the replica refused the value it was sent', () => {
    expect(secretRequest(replica('r1', { secretRef: 'llama-key', health: 'unhealthy', lastCompletion: refused }))).toEqual({ ref: 'llama-key', missing: false });
  });

  it('asks nothing without an auth failure, or without a secretRef to set', () => {
    expect(secretRequest(replica('r1', { secretRef: 'llama-key' }))).toBeNull();
    const down = probe('health', { ok: false, failure: 'refused', status: null, detail: 'connection refused' });
    expect(secretRequest(replica('r1', { secretRef: 'llama-key', lastHealth: down }))).toBeNull();
    // A 401 from a replica the inventory gives no auth block: nothing the console could set.
    expect(secretRequest(replica('r1', { secretRef: null, lastCompletion: refused }))).toBeNull();
  });
});
