import { describe, expect, it, vi } from 'vitest';
import type { CallResult, PushEvent } from '../../../shared/contract';
import { FleetApiError } from '../../../renderer/src/api/errors';
import { createIpcTransport, type FleetBridge } from '../../../renderer/src/api/ipc-transport';
import { node } from './builders';

/** Stands in for electron/preload's `window.fleet`: records calls, answers with what the test queued. */
function fakeBridge(answer: (method: string, params: unknown) => Promise<CallResult>) {
  const calls: { method: string; params: unknown }[] = [];
  let listener: ((e: { event: string; payload: unknown }) => void) | null = null;
  const bridge: FleetBridge = {
    invoke: (method, params) => {
      calls.push({ method, params });
      return answer(method, params);
    },
    on: (l) => {
      listener = l;
      return () => {
        listener = null;
      };
    },
  };
  const emit = (event: string, payload: unknown) => listener?.({ event, payload });
  return { bridge, calls, emit, isListening: () => listener !== null };
}

describe('ipc transport', () => {
  it('passes method and params through and returns the contract-parsed result', async () => {
    const { bridge, calls } = fakeBridge(async () => ({ ok: true, result: node('n1') }));
    const transport = createIpcTransport(bridge);
    await expect(transport.call('node.get', { name: 'n1' })).resolves.toEqual(node('n1'));
    expect(calls).toEqual([{ method: 'node.get', params: { name: 'n1' } }]);
    expect(transport.connection()).toEqual({ status: 'open' });
  });

  it('rejects with the error data as FleetApiError', async () => {
    const { bridge } = fakeBridge(async () => ({ ok: false, error: { code: 'LAB_NOT_RUNNING', message: 'no lab' } }));
    const err = await createIpcTransport(bridge).call('lab.status', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FleetApiError);
    expect((err as FleetApiError).code).toBe('LAB_NOT_RUNNING');
  });

  it('rejects with INTERNAL when invoke itself fails, keeping the message', async () => {
    const { bridge } = fakeBridge(async () => {
      throw new Error("Error invoking remote method 'fleet:invoke': boom");
    });
    const err = (await createIpcTransport(bridge).call('fleet.snapshot', {}).catch((e: unknown) => e)) as FleetApiError;
    expect(err.code).toBe('INTERNAL');
    expect(err.message).toContain('boom');
  });

  it('delivers valid pushed events, reports invalid ones in their place, and stops listening on close', async () => {
    const { bridge, emit, isListening } = fakeBridge(async () => ({ ok: true, result: null }));
    const transport = createIpcTransport(bridge);
    const events: PushEvent[] = [];
    const problems: FleetApiError[] = [];
    transport.onEvent((e) => events.push(e));
    transport.onProblem((p) => problems.push(p));
    emit('lab.changed', null);
    // Refused by zod (loaded for it: parse.ts); the event after it waits its turn.
    emit('hostKeys.changed', { pending: [{ node: 'n1' }] });
    emit('lab.changed', null);
    expect(events).toEqual([{ event: 'lab.changed', payload: null }]);
    await vi.waitFor(() => expect(events).toHaveLength(2));
    expect(problems.map((p) => p.code)).toEqual(['PARSE_FAILED']);
    transport.close();
    expect(isListening()).toBe(false);
  });
});
