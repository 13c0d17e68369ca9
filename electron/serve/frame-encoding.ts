/**
 * How the server writes a frame: JSON with every character outside ASCII written as a \uXXXX
 * escape. Why: a browser decodes a WebSocket text message from UTF-8 into a string, and one
 * non-ASCII character (the "—" in a health reason) anywhere in it makes the whole message a
 * two-byte string — Chromium then parses the megabyte snapshot of a 1,000-node fleet, and every
 * string it holds, at two bytes a character, slower. Escaped, the frame stays one-byte from
 * end to end, and JSON.parse gives back the very same characters.
 */

/** Any UTF-16 code unit above U+007F (a surrogate pair is escaped as its two halves, which JSON.parse joins again). */
const NON_ASCII = /[\u0080-\uffff]/;
const NON_ASCII_ALL = /[\u0080-\uffff]/g;

const escapeUnit = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** JSON.stringify(value), then every non-ASCII code unit escaped: a pure ASCII string. */
export function encodeFrame(value: unknown): string {
  const json = JSON.stringify(value);
  // Most frames have none: one scan, no copy.
  return NON_ASCII.test(json) ? json.replace(NON_ASCII_ALL, escapeUnit) : json;
}
