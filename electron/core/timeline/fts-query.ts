/**
 * What a person types in the timeline's search box, as an FTS5 query that can never be a syntax
 * error: every whitespace-separated word becomes a quoted string (`"word"`, its own quotes
 * doubled), so FTS5 operators, column filters, NEAR(…), parentheses, carets and unbalanced quotes
 * are all searched as literal words; the words are ANDed (FTS5's implicit AND). A trailing `*` is
 * the one operator kept: `"word"*` matches every token beginning with it.
 *
 * Inside a quoted string FTS5 splits on the same tokenizer as the index, so `use1-inf-0-n007` is
 * the phrase `use1 inf 0 n007` and matches the subject it names; a word with no letters or digits
 * is an empty phrase, which FTS5 leaves out of an AND (alone, it matches nothing).
 */
const MAX_WORDS = 32;

/** The FTS5 query for `text`, or null when it has no word at all (only spaces or stars). */
export function ftsQuery(text: string): string | null {
  const phrases: string[] = [];
  for (const raw of text.split(/\s+/)) {
    const prefix = /\*+$/.test(raw);
    const word = raw.replace(/\*+$/, '');
    if (word === '') continue;
    // Control characters (NUL included) are never part of a token: spaces are as good and safer to bind.
    const clean = word.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/"/g, '""');
    phrases.push(`"${clean}"${prefix ? '*' : ''}`);
    if (phrases.length === MAX_WORDS) break;
  }
  return phrases.length === 0 ? null : phrases.join(' ');
}
