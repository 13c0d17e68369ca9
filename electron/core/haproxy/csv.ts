/**
 * Splits HAProxy's CSV into records of fields. HAProxy quotes a string field only when it holds
 * ',', '"', CR or LF, doubling inner quotes (csv_enc_append() in HAProxy's tools.c), so a field may
 * span lines. Returns null when a quoted field is never closed or a quote is followed by anything
 * but a separator: the caller reports that as a parse failure.
 *
 * A line without a quote is split at commas in one call; only lines with quotes are read field
 * by field: `show stat` of a big configuration is megabytes.
 */
export function parseCsvRecords(text: string): string[][] | null {
  const records: string[][] = [];
  let i = 0;
  while (i < text.length) {
    const newline = text.indexOf('\n', i);
    const lineEnd = newline < 0 ? text.length : newline;
    const line = text.slice(i, lineEnd);
    if (!line.includes('"')) {
      // The common case: no quoting on this line, so it is one record split at commas.
      records.push((line.endsWith('\r') ? line.slice(0, -1) : line).split(','));
      i = lineEnd + 1;
      continue;
    }
    const record = readRecord(text, i);
    if (!record) return null;
    records.push(record.fields);
    i = record.next;
  }
  return records;
}

/** One record that holds quotes, from `start`: its fields and the index after its line end. */
function readRecord(text: string, start: number): { fields: string[]; next: number } | null {
  const separator = /[,\r\n]/g;
  const fields: string[] = [];
  let i = start;
  for (;;) {
    if (text[i] === '"') {
      const quoted = readQuoted(text, i + 1);
      if (!quoted) return null;
      fields.push(quoted.value);
      i = quoted.next;
      if (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') return null;
    } else {
      separator.lastIndex = i;
      const found = separator.exec(text);
      const end = found ? found.index : text.length;
      fields.push(text.slice(i, end));
      i = end;
    }
    if (i >= text.length) return { fields, next: i };
    const c = text[i];
    i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    if (c !== ',') return { fields, next: i };
    if (i >= text.length) {
      fields.push(''); // "a,b," at the very end: the last field is empty
      return { fields, next: i };
    }
  }
}

/** From just after an opening quote: the value and the index after the closing quote. */
function readQuoted(text: string, start: number): { value: string; next: number } | null {
  let value = '';
  let i = start;
  for (;;) {
    const quote = text.indexOf('"', i);
    if (quote < 0) return null;
    value += text.slice(i, quote);
    if (text[quote + 1] === '"') {
      value += '"';
      i = quote + 2;
      continue;
    }
    return { value, next: quote + 1 };
  }
}
