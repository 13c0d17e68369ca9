import { describe, expect, it } from 'vitest';
import { socketProtocols, socketUrl, takeToken, tokenFromInput, TOKEN_STORAGE_KEY, type TokenStorage } from '../../../renderer/src/api/token';
import { tokenFromProtocols } from '../../../shared/socket-auth';

function memoryStorage(initial: Record<string, string> = {}): TokenStorage & { data: Record<string, string> } {
  const data = { ...initial };
  return { data, getItem: (k) => data[k] ?? null, setItem: (k, v) => void (data[k] = v) };
}

describe('takeToken', () => {
  it('takes the token from the URL, stores it for reloads and returns the query string without it', () => {
    const storage = memoryStorage();
    expect(takeToken('?token=abc%2Bdef&view=x', storage)).toEqual({ token: 'abc+def', searchWithoutToken: '?view=x' });
    expect(storage.data[TOKEN_STORAGE_KEY]).toBe('abc+def');
    expect(takeToken('?token=abc', memoryStorage()).searchWithoutToken).toBe('');
  });

  it('falls back to the stored token after a reload, and prefers a new one in the URL', () => {
    const storage = memoryStorage({ [TOKEN_STORAGE_KEY]: 'old' });
    expect(takeToken('', storage)).toEqual({ token: 'old', searchWithoutToken: '' });
    expect(takeToken('?token=new', storage).token).toBe('new');
    expect(storage.data[TOKEN_STORAGE_KEY]).toBe('new');
  });

  it('has no token when neither the URL nor the storage has one', () => {
    expect(takeToken('?a=1', memoryStorage())).toEqual({ token: null, searchWithoutToken: '?a=1' });
  });
});

describe('tokenFromInput', () => {
  it('takes the token from the URL the server printed, whatever else it carries', () => {
    expect(tokenFromInput('  http://127.0.0.1:4455/?token=AbC-d_e123456789  ')).toBe('AbC-d_e123456789');
    expect(tokenFromInput('https://ops.example:8443/?token=AbC-d_e123456789#/node/gpu-1')).toBe('AbC-d_e123456789');
  });

  it('takes a bare token as it is printed (URL-safe characters)', () => {
    expect(tokenFromInput('q5Yt0l3QdHqfS4s5yQx3q1ZkR1oV0XbN')).toBe('q5Yt0l3QdHqfS4s5yQx3q1ZkR1oV0XbN');
  });

  it('has nothing for a URL without a token, a short or odd string, or nothing at all', () => {
    for (const text of ['', '   ', 'http://127.0.0.1:4455/', 'http://127.0.0.1:4455/?token=', 'abc', 'not a token at all', 'http://[bad']) {
      expect(tokenFromInput(text), JSON.stringify(text)).toBeNull();
    }
  });
});

describe('socketUrl', () => {
  it('uses ws next to http and wss next to https, on the page host, and never carries the token', () => {
    expect(socketUrl({ protocol: 'http:', host: '127.0.0.1:8123' })).toBe('ws://127.0.0.1:8123/ws');
    expect(socketUrl({ protocol: 'https:', host: 'jump.example:443' })).toBe('wss://jump.example:443/ws');
  });
});

describe('socketProtocols', () => {
  it('offers fleetops.v1, then the token base64url-encoded (a valid subprotocol token), which the server decodes', () => {
    const token = 'a+b/c=d';
    const offered = socketProtocols(token);
    expect(offered).toEqual(['fleetops.v1', 'fleetops.token.YStiL2M9ZA']);
    // RFC 7230 token characters only, as Sec-WebSocket-Protocol requires (the browser throws otherwise).
    for (const p of offered) expect(p).toMatch(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/);
    expect(tokenFromProtocols(offered)).toBe(token);
    expect(tokenFromProtocols(offered.join(', '))).toBe(token);
  });

  it('round-trips the serve token format and non-ASCII text', () => {
    for (const token of ['Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2Rl', 'ünïcødé ✓', 'x']) expect(tokenFromProtocols(socketProtocols(token))).toBe(token);
  });

  it('offers only the protocol name without a token', () => {
    expect(socketProtocols(null)).toEqual(['fleetops.v1']);
    expect(tokenFromProtocols(socketProtocols(null))).toBeNull();
  });

  it('finds no token in a malformed, missing or doubled offer', () => {
    expect(tokenFromProtocols(undefined)).toBeNull();
    expect(tokenFromProtocols('fleetops.v1')).toBeNull();
    expect(tokenFromProtocols(['fleetops.token.a*b'])).toBeNull();
    expect(tokenFromProtocols(['fleetops.token.YQ', 'fleetops.token.Yg'])).toBeNull();
    expect(tokenFromProtocols(['fleetops.token.gA'])).toBeNull(); // not UTF-8
  });
});
