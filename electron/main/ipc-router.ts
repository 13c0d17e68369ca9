/**
 * The one IPC channel. Order matters: sender check, then envelope, then the contract (inside
 * dispatch) — the engine sees nothing a foreign frame or a malformed message sent.
 */
import { z } from 'zod';
import type { CallResult } from '../../shared/contract';
import type { Dispatch } from '../core/rpc/dispatch';
import { isTrustedSender, type FrameLike } from './security';

const IpcPayload = z.strictObject({ method: z.string().min(1).max(100), params: z.unknown() });

export interface IpcInvokeEventLike {
  senderFrame: FrameLike | null;
}

export function createIpcInvokeHandler(dispatch: Dispatch, appIndexUrl: string) {
  return async (event: IpcInvokeEventLike, payload: unknown): Promise<CallResult> => {
    if (!isTrustedSender(event.senderFrame, appIndexUrl)) {
      return { ok: false, error: { code: 'FORBIDDEN_SENDER', message: 'IPC refused: the message did not come from the console\'s own top frame' } };
    }
    const parsed = IpcPayload.safeParse(payload);
    if (!parsed.success) {
      return { ok: false, error: { code: 'BAD_REQUEST', message: 'IPC payload must be {method, params}' } };
    }
    return dispatch(parsed.data.method, parsed.data.params);
  };
}
