import { describe, expect, it } from 'vitest';
import { escapeHtml, escapeMarkdownInline, markdownCodeBlock } from '../../../../electron/core/drills/report/escape';

describe('report escaping', () => {
  it('turns every HTML-significant character into an entity', () => {
    expect(escapeHtml(`<img src=x onerror="alert('1')"> & co`)).toBe('&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt; &amp; co');
  });

  it('keeps inline Markdown from becoming a link, an image, HTML, emphasis, a code span or a table column', () => {
    const text = '![x](http://evil/) [a](b) <b>hi</b> *em* _u_ `code` a|b ~~s~~ # h &amp; \\';
    const escaped = escapeMarkdownInline(text);
    expect(escaped).toBe('\\!\\[x\\](http://evil/) \\[a\\](b) \\<b\\>hi\\</b\\> \\*em\\* \\_u\\_ \\`code\\` a\\|b \\~\\~s\\~\\~ \\# h \\&amp; \\\\');
    // Not one markup character is left unescaped: each is preceded by a backslash that is not itself escaped.
    expect(escaped.replace(/\\[\\`*_[\]<>|~#&!]/g, '')).not.toMatch(/[\\`*_[\]<>|~#&!]/);
  });

  it('puts a line break of an inline text on the same line', () => {
    expect(escapeMarkdownInline('one\ntwo\r\nthree')).toBe('one two three');
  });

  it('fences code with more backticks than the code holds, so the code cannot close it', () => {
    expect(markdownCodeBlock('plain')).toBe('```text\nplain\n```');
    const hostile = 'before\n```\n# not a heading\n`````\nafter';
    const block = markdownCodeBlock(hostile);
    const fence = block.split('\n')[0].replace('text', '');
    expect(fence).toBe('``````');
    expect(block).toBe(`${fence}text\n${hostile}\n${fence}`);
  });
});
