import type { Dispatch } from '../../../electron/core/rpc/dispatch';

/** A contract call as a test makes it: the result, or a refusal as an Error carrying its code and detail. */
export type ContractCall = <T>(method: string, params: unknown) => Promise<T>;

/** Calls through `dispatch` (the engine's dispatcher, as every transport calls it). */
export function contractCall(dispatch: Dispatch): ContractCall {
  return async <T>(method: string, params: unknown): Promise<T> => {
    const r = await dispatch(method, params);
    if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code, detail: r.error.detail });
    return r.result as T;
  };
}
