import { describe, expect, it } from 'vitest';
import { readCappedBody } from '../../../electron/core/replica/capped-body';

/** A body that never ends: counts how many chunks were pulled from it. */
function endless(chunk: Uint8Array) {
  const counter = { pulls: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      counter.pulls++;
      controller.enqueue(chunk);
    },
    cancel() {
      counter.cancelled = true;
    },
  });
  return { response: new Response(stream), counter };
}

describe('capped body', () => {
  it('stops pulling at the cap and cancels the stream', async () => {
    const { response, counter } = endless(new Uint8Array(1024).fill(120));
    const body = await readCappedBody(response, 10 * 1024);
    expect(body.truncated).toBe(true);
    expect(body.bytes).toBe(10 * 1024);
    expect(body.text).toHaveLength(10 * 1024);
    expect(counter.cancelled).toBe(true);
    // The stream may pull ahead by its high-water mark, not by the rest of an endless body.
    expect(counter.pulls).toBeLessThan(15);
  });

  it('reads a body of exactly the cap in full', async () => {
    const body = await readCappedBody(new Response('x'.repeat(100)), 100);
    expect(body).toEqual({ text: 'x'.repeat(100), bytes: 100, truncated: false });
  });

  it('cuts a body one byte over the cap', async () => {
    const body = await readCappedBody(new Response('x'.repeat(101)), 100);
    expect(body.truncated).toBe(true);
    expect(body.text).toBe('x'.repeat(100));
  });

  it('decodes multi-byte characters split across chunks', async () => {
    const bytes = new TextEncoder().encode('héllo wörld');
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (const b of bytes) c.enqueue(new Uint8Array([b]));
        c.close();
      },
    });
    expect((await readCappedBody(new Response(stream))).text).toBe('héllo wörld');
  });

  it('reads an absent body as empty', async () => {
    expect(await readCappedBody(new Response(null, { status: 204 }))).toEqual({ text: '', bytes: 0, truncated: false });
  });
});
