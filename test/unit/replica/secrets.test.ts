/**
 * The secret is passed in by the caller and must never come back out: not in an outcome, not in
 * an error. Servers echoing keys are covered end to end in test/integration/replica-probes.
 */
import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../shared/errors';
import { probeReplica } from '../../../electron/core/replica/replica-prober';
import { REDACTED, redact, snippet } from '../../../electron/core/replica/replica-text';
import { spec } from './outcomes';

const SECRET = 'sk-live-0123456789abcdef';

describe('redaction', () => {
  it('removes every occurrence of every secret form', () => {
    expect(redact(`key ${SECRET} and Bearer ${SECRET}`, [`Bearer ${SECRET}`, SECRET])).toBe(`key ${REDACTED} and ${REDACTED}`);
    expect(redact('nothing here', [undefined, ''])).toBe('nothing here');
  });

  it('must run before a snippet is cut, or a prefix of the secret survives', () => {
    const body = `Incorrect API key provided: ${SECRET}`;
    expect(snippet(body, 36)).toContain('sk-live');
    expect(snippet(redact(body, [SECRET]), 36)).not.toContain('sk-live');
  });
});

describe('secret resolution', () => {
  it('a secret missing from the store is an auth failure naming the ref, and nothing is sent', async () => {
    const asked: string[] = [];
    // The URL points nowhere reachable: were a request sent, the outcome would be a transport failure.
    const o = await probeReplica({ ...spec, url: 'http://127.0.0.1:1' }, 'health', {
      getSecret: async (ref) => {
        asked.push(ref);
        return undefined;
      },
      now: () => 1000,
    });
    expect(asked).toEqual(['llama-key']);
    expect(o).toMatchObject({ kind: 'health', at: 1000, ok: false, failure: 'auth', detail: 'secret "llama-key" is not in the secret store: store it there under that name' });
  });

  it('a failing store is an auth failure with its message', async () => {
    const o = await probeReplica({ ...spec, url: 'http://127.0.0.1:1' }, 'completion', {
      getSecret: async () => {
        throw new Error('keychain locked');
      },
      now: () => 1000,
    });
    expect(o).toMatchObject({ ok: false, failure: 'auth', detail: 'cannot read secret "llama-key" from the secret store: keychain locked' });
  });

  it('a completion probe without a prompt is a programming error, raised as a FleetError', async () => {
    await expect(probeReplica({ ...spec, prompt: undefined }, 'completion', { getSecret: async () => SECRET, now: () => 0 })).rejects.toBeInstanceOf(FleetError);
  });
});
