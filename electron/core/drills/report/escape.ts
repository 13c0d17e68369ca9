/**
 * Escaping for the reports. Drill names, descriptions, reasons, milestone texts and above all
 * command output are untrusted text (a drill file or a host wrote them): in HTML they must never
 * become markup, in Markdown never a link, an image, raw HTML, a table column or a code fence.
 */

const HTML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for an HTML element or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]);
}

/**
 * Inline Markdown text on one line (a paragraph's words, a table cell, a list item after its
 * marker): line breaks become spaces, and every character that could start markup is
 * backslash-escaped (CommonMark lets any ASCII punctuation be escaped): emphasis, code spans,
 * links and images, raw HTML and entities, table pipes, headings, strikethrough.
 */
export function escapeMarkdownInline(text: string): string {
  return text.replace(/\r\n|\r|\n/g, ' ').replace(/[\\`*_[\]<>|~#&!]/g, (c) => `\\${c}`);
}

/**
 * A fenced code block holding `text` verbatim: the fence is one backtick longer than the longest
 * run of backticks in the text, so nothing in it can close the block early.
 */
export function markdownCodeBlock(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  const body = text.endsWith('\n') ? text : `${text}\n`;
  return `${fence}text\n${body}${fence}`;
}
