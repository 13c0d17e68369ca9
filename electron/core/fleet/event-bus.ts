import type { PushEvent, PushEventName, PushEventPayload } from '../../../shared/contract';

export type PushListener = (event: PushEvent) => void;

/** Fan-out of pushed events to every connected client (IPC window, WebSocket clients, tests). */
export class EventBus {
  private readonly listeners = new Set<PushListener>();

  subscribe(listener: PushListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  emit<E extends PushEventName>(event: E, payload: PushEventPayload<E>): void {
    const message = { event, payload } as PushEvent;
    for (const l of [...this.listeners]) {
      try {
        l(message);
      } catch {
        // A broken client must not stop the others from hearing about the fleet.
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
