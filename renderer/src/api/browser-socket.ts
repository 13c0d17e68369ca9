import type { SocketFactory } from './ws-transport';

/** Adapts the browser's WebSocket to the transport's SocketConnection (browser-only file). */
export const browserSocket: SocketFactory = (url, handlers, protocols) => {
  const ws = new WebSocket(url, [...protocols]);
  ws.onopen = () => handlers.onOpen();
  ws.onmessage = (ev: MessageEvent) => handlers.onMessage(ev.data);
  // 'error' is always followed by 'close' (WHATWG WebSockets §"fail the WebSocket connection"), so close alone drives reconnects.
  ws.onclose = (ev: CloseEvent) => handlers.onClose(ev.code, ev.reason);
  return {
    send: (data) => ws.send(data),
    close: (code, reason) => ws.close(code, reason),
  };
};
