import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../shared/errors';
import { LayeredSecretStore } from '../../../electron/core/secrets/secret-store';

const VALUE = 'sk-set-in-console-7f3a9c';

describe('LayeredSecretStore', () => {
  it('answers from the inner source until the operator sets a value, then from that value', async () => {
    const asked: string[] = [];
    const store = new LayeredSecretStore({
      inner: async (ref) => {
        asked.push(ref);
        return ref === 'from-env' ? 'env-value' : undefined;
      },
    });
    expect(await store.get('from-env')).toBe('env-value');
    expect(await store.get('llama-key')).toBeUndefined();
    expect(await store.has('llama-key')).toBe(false);
    expect(await store.set('llama-key', VALUE)).toEqual({ persisted: false });
    expect(await store.get('llama-key')).toBe(VALUE);
    expect(await store.has('llama-key')).toBe(true);
    // A set value wins over the inner source, and the inner source is no longer asked for it.
    await store.set('from-env', 'rotated');
    asked.length = 0;
    expect(await store.get('from-env')).toBe('rotated');
    expect(asked).toEqual([]);
  });

  it('an empty inner value counts as none, like the prober treats it', async () => {
    const store = new LayeredSecretStore({ inner: async () => '' });
    expect(await store.get('x')).toBeUndefined();
    expect(await store.has('x')).toBe(false);
  });

  it('a value set while the inner source is still answering is the one returned', async () => {
    let answerInner: (v: string | undefined) => void = () => undefined;
    const store = new LayeredSecretStore({ inner: () => new Promise((r) => (answerInner = r)) });
    const pending = store.get('llama-key');
    await store.set('llama-key', VALUE);
    answerInner('stale-from-keychain');
    expect(await pending).toBe(VALUE);
  });

  it('works with no inner source at all', async () => {
    const store = new LayeredSecretStore();
    expect(await store.get('a')).toBeUndefined();
    await store.set('a', VALUE);
    expect(await store.get('a')).toBe(VALUE);
  });

  it('hands a set value to the persist hook and says it was persisted', async () => {
    const kept: Array<[string, string]> = [];
    const store = new LayeredSecretStore({ persist: async (ref, value) => void kept.push([ref, value]) });
    expect(await store.set('llama-key', VALUE)).toEqual({ persisted: true });
    expect(kept).toEqual([['llama-key', VALUE]]);
  });

  it('keeps the value in memory when the hook fails (keychain unavailable), with the reason and never the value', async () => {
    const store = new LayeredSecretStore({
      persist: () => {
        // A hook whose error quotes what it was given: the store must not pass that on.
        throw new Error(`the OS keychain is not available: cannot store ${VALUE}`);
      },
    });
    const outcome = await store.set('llama-key', VALUE);
    expect(outcome).toEqual({ persisted: false, persistError: 'the OS keychain is not available: cannot store [redacted]' });
    expect(JSON.stringify(outcome)).not.toContain(VALUE);
    expect(await store.get('llama-key')).toBe(VALUE);
  });

  it('refuses an empty value with BAD_REQUEST, keeping what it had', async () => {
    const store = new LayeredSecretStore({ inner: async () => 'env-value' });
    const err = await store.set('llama-key', '').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FleetError);
    expect(err).toMatchObject({ code: 'BAD_REQUEST', message: 'an empty value for secret "llama-key" was not stored' });
    expect(await store.get('llama-key')).toBe('env-value');
  });

  it('a failing inner source rejects get, so the prober can say the store could not be read', async () => {
    const store = new LayeredSecretStore({
      inner: async () => {
        throw new Error('keychain locked');
      },
    });
    await expect(store.get('llama-key')).rejects.toThrow('keychain locked');
  });
});
