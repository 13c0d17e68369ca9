/** The `secrets.set` handler on its own: what it records, and what it does when a re-probe fails. */
import { describe, expect, it } from 'vitest';
import { LayeredSecretStore } from '../../../electron/core/secrets/secret-store';
import { setSecret, type SetSecretDeps } from '../../../electron/core/secrets/set-secret';
import type { AppendEventInput } from '../../../electron/core/store/open-store';
import { waitFor } from '../../integration/helpers/free-port';

const VALUE = 'sk-handler-5e1d';
const auth = { header: 'Authorization', secretRef: 'k' };

function deps(over: Partial<SetSecretDeps> = {}): SetSecretDeps & { events: AppendEventInput[]; probed: string[] } {
  const events: AppendEventInput[] = [];
  const probed: string[] = [];
  return {
    replicas: [
      { name: 'a', auth },
      { name: 'b', auth: null },
    ],
    store: new LayeredSecretStore(),
    reprobe: async (name) => void probed.push(name),
    record: (e) => events.push(e),
    now: () => 1_700_000_000_000,
    events,
    probed,
    ...over,
  };
}

describe('setSecret', () => {
  it('in serve (no persist hook): memory until fleetops stops, an info event naming the ref only', async () => {
    const d = deps();
    expect(await setSecret({ ref: 'k', value: VALUE }, d)).toEqual({ stored: true, persisted: false, replicas: ['a'] });
    expect(d.probed).toEqual(['a']);
    expect(d.events).toEqual([
      {
        ts: 1_700_000_000_000,
        kind: 'secret.set',
        subject: null,
        severity: 'info',
        message: 'operator set secret "k", kept in memory until fleetops stops; re-probing a',
        data: { ref: 'k', replicas: ['a'], persisted: false },
      },
    ]);
    expect(await d.store.get('k')).toBe(VALUE);
  });

  it('a keychain that refuses it makes a warning with its reason, never the value', async () => {
    const store = new LayeredSecretStore({
      persist: () => {
        throw new Error(`keychain refused ${VALUE}`);
      },
    });
    const d = deps({ store });
    expect(await setSecret({ ref: 'k', value: VALUE }, d)).toMatchObject({ persisted: false });
    expect(d.events[0]).toMatchObject({ severity: 'warning', message: 'operator set secret "k", kept in memory only, the OS keychain did not take it (keychain refused [redacted]); re-probing a' });
    expect(JSON.stringify(d.events)).not.toContain(VALUE);
  });

  it('a re-probe that throws is recorded against the replica, not dropped', async () => {
    const d = deps({
      reprobe: async () => {
        throw new Error('engine stopped');
      },
    });
    await setSecret({ ref: 'k', value: VALUE }, d);
    await waitFor(() => d.events.some((e) => e.kind === 'secret.reprobe.failed'), { what: 'the failed re-probe event' });
    expect(d.events.find((e) => e.kind === 'secret.reprobe.failed')).toMatchObject({
      subject: 'a',
      severity: 'error',
      message: 'a: re-probe after setting secret "k" failed: engine stopped',
    });
  });
});
