/**
 * Reads a response body up to a byte cap, then stops pulling and cancels the stream: a replica
 * that streams forever or answers with a gigabyte must not take the console's memory with it.
 */

/** A chat completion with a few tokens is < 2 KiB; 256 KiB leaves room for verbose servers. */
export const MAX_BODY_BYTES = 256 * 1024;

export interface CappedBody {
  text: string;
  /** Bytes kept: never more than the cap. */
  bytes: number;
  /** True when the body was longer than the cap and reading stopped there. */
  truncated: boolean;
}

export async function readCappedBody(res: Response, maxBytes: number = MAX_BODY_BYTES): Promise<CappedBody> {
  if (!res.body) return { text: '', bytes: 0, truncated: false };
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { text: text + decoder.decode(), bytes, truncated: false };
    const room = maxBytes - bytes;
    if (value.byteLength > room) {
      text += decoder.decode(value.subarray(0, room));
      bytes += room;
      // Tell the server we are done; errors on cancel are of no interest once we stopped.
      await reader.cancel().catch(() => undefined);
      return { text, bytes, truncated: true };
    }
    text += decoder.decode(value, { stream: true });
    bytes += value.byteLength;
  }
}
