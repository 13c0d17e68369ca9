import type { CallResult, MethodInput, MethodName, MethodOutput, PushEvent } from '../../../shared/contract';
import { FleetApiError } from './errors';
import { inOrder } from './in-order';
import { parsePushEvent, resultFromCall } from './parse';
import { Listeners, type ConnectionState, type Transport, type Unsubscribe } from './transport';

/** What electron/preload exposes as `window.fleet` (invoke and on, nothing else). */
export interface FleetBridge {
  invoke(method: string, params: unknown): Promise<CallResult>;
  on(listener: (e: { event: string; payload: unknown }) => void): () => void;
}

const OPEN: ConnectionState = { status: 'open' };

/** Electron transport: IPC cannot drop, so the connection is always open. */
export function createIpcTransport(bridge: FleetBridge): Transport {
  const events = new Listeners<PushEvent>();
  const problems = new Listeners<FleetApiError>();
  const replies = new Listeners<MethodName>();
  /** Replies and events reach their receivers in the order they came, also when one waits for zod (parse.ts). */
  const delivery = inOrder();

  const stopBridge = bridge.on(({ event, payload }) => {
    delivery.deliver(
      () => parsePushEvent(event, payload),
      (parsed) => events.emit(parsed),
      (err) => problems.emit(err as FleetApiError),
    );
  });

  return {
    kind: 'ipc',
    async call<M extends MethodName>(method: M, params: MethodInput<M>): Promise<MethodOutput<M>> {
      let raw: unknown;
      try {
        raw = await bridge.invoke(method, params);
      } catch (err) {
        // ipcRenderer.invoke rejects only when the main process itself failed (handler threw
        // instead of returning error data): keep the message so the operator sees it.
        throw new FleetApiError('INTERNAL', `${method} failed in the main process: ${err instanceof Error ? err.message : String(err)}`);
      }
      return new Promise<MethodOutput<M>>((resolve, reject) =>
        delivery.deliver(
          () => resultFromCall(method, raw),
          (result) => {
            replies.emit(method);
            resolve(result);
          },
          reject,
        ),
      );
    },
    onEvent: (listener) => events.add(listener),
    onReply: (listener) => replies.add(listener),
    onProblem: (listener) => problems.add(listener),
    onConnection: (): Unsubscribe => () => undefined,
    connection: () => OPEN,
    close: stopBridge,
  };
}
