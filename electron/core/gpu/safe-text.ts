/**
 * Text that came from a remote host (driver messages, process names, garbage on a broken node)
 * ends up in the UI, the event store and error details. Before it goes anywhere it loses the
 * characters that could rewrite a terminal or a log line (C0/C1 controls, DEL, bidi overrides)
 * and is capped, so one hostile line cannot flood a reason or an error message.
 */

// C0 controls (tab included: a reason is one line), DEL, C1 controls, and the Unicode bidi
// embedding/override/isolate marks that can make text render in a different order than stored.
// A character class with no quantifier nesting: linear time on any input.
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Removes unsafe characters and caps the length (an ellipsis marks a cut). */
export function cleanText(text: string, maxLength: number): string {
  // Cap first (with headroom for what gets removed) so the regex never walks megabytes.
  const head = text.length > maxLength * 4 ? text.slice(0, maxLength * 4) : text;
  const clean = head.replace(UNSAFE_CHARS, '');
  return clean.length > maxLength ? `${clean.slice(0, maxLength - 1)}…` : clean;
}

/** A short, single-line, printable excerpt of untrusted output for an error message. */
export function safeExcerpt(text: string, maxLength = 120): string {
  const head = text.length > maxLength * 4 ? text.slice(0, maxLength * 4) : text;
  // Line breaks and tabs become spaces so the excerpt stays on one line, then the rest goes.
  const oneLine = head.replace(/[\r\n\t]+/g, ' ');
  return cleanText(oneLine, maxLength).trim();
}

/** Splits command output into lines, accepting CRLF (a PTY) as well as LF. */
export function outputLines(output: string): string[] {
  return output.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}
