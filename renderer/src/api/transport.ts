import type { MethodInput, MethodName, MethodOutput, PushEvent } from '../../../shared/contract';
import type { FleetApiError } from './errors';

/**
 * Where the socket stands. Electron IPC is always `open`; the WebSocket goes
 * connecting → open → reconnecting → open …, or stops at `unauthorized` (close code 4401:
 * the token in the URL is not the one the server printed) or `closed` (the page shut it).
 */
export type ConnectionState =
  | { status: 'connecting' }
  | { status: 'open' }
  | { status: 'reconnecting'; attempt: number; retryInMs: number; lastCloseCode: number }
  | { status: 'unauthorized' }
  | { status: 'closed' };

export type Unsubscribe = () => void;

/**
 * The one interface the rest of the renderer talks to, whatever carries the calls.
 * `call` resolves with the contract-parsed output or rejects with FleetApiError.
 */
export interface Transport {
  readonly kind: 'ipc' | 'websocket';
  call<M extends MethodName>(method: M, params: MethodInput<M>): Promise<MethodOutput<M>>;
  /** Pushed events, already validated against the contract. */
  onEvent(listener: (event: PushEvent) => void): Unsubscribe;
  /**
   * A call's successful reply arrived, told in its place among the pushes (just before the call
   * resolves; for a call the page's early socket made, when it arrives, not when it is taken).
   * Whoever keeps a reply current with the pushes learns here which pushes came after it:
   * snapshot-hold.ts.
   */
  onReply(listener: (method: MethodName) => void): Unsubscribe;
  /** Frames or events that failed validation: shown to the operator, never dropped silently. */
  onProblem(listener: (error: FleetApiError) => void): Unsubscribe;
  onConnection(listener: (state: ConnectionState) => void): Unsubscribe;
  connection(): ConnectionState;
  close(): void;
}

/** A tiny listener set, shared by the transports. */
export class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();

  add(listener: (value: T) => void): Unsubscribe {
    this.set.add(listener);
    return () => this.set.delete(listener);
  }

  emit(value: T): void {
    for (const listener of [...this.set]) listener(value);
  }
}
