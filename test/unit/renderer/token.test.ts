import { describe, expect, it } from 'vitest';
import { socketUrl, takeToken, TOKEN_STORAGE_KEY, type TokenStorage } from '../../../renderer/src/api/token';

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

describe('socketUrl', () => {
  it('uses ws next to http and wss next to https, on the page host, with the token encoded', () => {
    expect(socketUrl({ protocol: 'http:', host: '127.0.0.1:8123' }, 'a+b/c')).toBe('ws://127.0.0.1:8123/ws?token=a%2Bb%2Fc');
    expect(socketUrl({ protocol: 'https:', host: 'jump.example:443' }, 't')).toBe('wss://jump.example:443/ws?token=t');
    expect(socketUrl({ protocol: 'http:', host: 'h' }, null)).toBe('ws://h/ws');
  });
});
