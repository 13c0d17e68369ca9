/**
 * Small text helpers for the human lines of replica health: durations, clock times, quoted
 * snippets of what a server said, and the redaction that keeps a secret out of all of them.
 */

/** "30 s", "5 min", "2 h 5 min": what a person reads at a glance. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.ceil(s / 60)} min`;
  const h = Math.floor(s / 3600);
  const m = Math.ceil((s % 3600) / 60);
  return m ? `${h} h ${m} min` : `${h} h`;
}

/** Local wall-clock time, HH:MM:SS: reasons are read by an operator in their own time zone. */
export function formatClock(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** One line, at most `max` characters, cut with an ellipsis: enough to recognise an answer. */
export function snippet(text: string, max = 40): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()} …` : line;
}

export const REDACTED = '[redacted]';

/**
 * Replaces every occurrence of each secret. Servers do echo credentials (OpenAI's 401 body quotes
 * the key it was given), and anything that lands in an outcome is shown, stored and exported.
 * Redact before cutting a snippet: a cut secret is no longer found, and its prefix would leak.
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join(REDACTED);
  return out;
}
