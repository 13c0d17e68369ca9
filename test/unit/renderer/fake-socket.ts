import type { SocketConnection, SocketFactory, SocketHandlers } from '../../../renderer/src/api/ws-transport';

/** The server end of one fake WebSocket: the test plays the server by calling these. */
export class FakeSocket implements SocketConnection {
  readonly sent: unknown[] = [];
  closedWith: { code?: number; reason?: string } | null = null;

  constructor(
    readonly url: string,
    private readonly handlers: SocketHandlers,
  ) {}

  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }

  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
  }

  open(): void {
    this.handlers.onOpen();
  }

  frame(value: unknown): void {
    this.handlers.onMessage(typeof value === 'string' ? value : JSON.stringify(value));
  }

  reply(id: number, result: unknown): void {
    this.frame({ type: 'reply', id, ok: true, result });
  }

  push(event: string, payload: unknown): void {
    this.frame({ type: 'event', event, payload });
  }

  drop(code = 1006, reason = ''): void {
    this.handlers.onClose(code, reason);
  }
}

export class FakeServer {
  readonly sockets: FakeSocket[] = [];
  connect: SocketFactory = (url, handlers) => {
    const socket = new FakeSocket(url, handlers);
    this.sockets.push(socket);
    return socket;
  };

  get last(): FakeSocket {
    const socket = this.sockets.at(-1);
    if (!socket) throw new Error('no socket was opened');
    return socket;
  }
}
