/**
 * renderer/build/compile-hints.ts (the renderer build's plugin): the chunks the page runs at start (the entry, the
 * start, the console) get V8's compile hint as their first line, with their source map moved down
 * one line and the hint in their file-name hash; a chunk loaded later is left as it is. (The
 * e2e navigation test reads the first lines as the server serves them.)
 */
import { describe, expect, it } from 'vitest';
import { COMPILE_HINT, compileHints } from '../../../renderer/build/compile-hints';

type Chunk = { type: 'chunk'; fileName: string; isEntry: boolean; moduleIds: string[]; code: string; map: { mappings: string } | null };

function chunk(fileName: string, isEntry: boolean, moduleIds: string[], map: string | null = 'AAAA;AACA'): Chunk {
  return { type: 'chunk', fileName, isEntry, moduleIds, code: 'const a=1;\nexport{a};', map: map === null ? null : { mappings: map } };
}

function hooks() {
  return compileHints(['/src/start.tsx', '/src/console.tsx']);
}

describe('compileHints', () => {
  const entry = () => chunk('assets/index-x.js', true, ['/r/renderer/src/main.tsx', '/r/renderer/src/boot-socket.ts']);
  const start = () => chunk('assets/start-x.js', false, ['/r/renderer/src/start.tsx', '/r/renderer/src/api/client.ts']);
  const consoleChunk = () => chunk('assets/console-x.js', false, ['/r/node_modules/react-dom/index.js', '/r/renderer/src/console.tsx']);
  const view = () => chunk('assets/RunbooksView-x.js', false, ['/r/renderer/src/views/runbooks/RunbooksView.tsx']);

  it('puts the hint on the first line of the start chunks, their maps one line down, and leaves a later chunk alone', () => {
    const bundle = { e: entry(), s: start(), c: consoleChunk(), v: view(), css: { type: 'asset' as const } };
    const { generateBundle } = hooks();
    // After Vite's own generateBundle, which writes its preload map at the top of a chunk.
    expect(generateBundle.order).toBe('post');
    generateBundle.handler({}, bundle);
    for (const c of [bundle.e, bundle.s, bundle.c]) {
      expect(c.code.split('\n')[0]).toBe(COMPILE_HINT);
      expect(c.code.slice(COMPILE_HINT.length + 1)).toBe('const a=1;\nexport{a};');
      expect(c.map?.mappings).toBe(';AAAA;AACA');
    }
    expect(bundle.v.code).toBe('const a=1;\nexport{a};');
    expect(bundle.v.map?.mappings).toBe('AAAA;AACA');
  });

  it('adds it once, and to a chunk without a source map', () => {
    const bundle = { e: entry(), s: chunk('assets/start-x.js', false, ['/r/renderer/src/start.tsx'], null) };
    const { generateBundle } = hooks();
    generateBundle.handler({}, bundle);
    generateBundle.handler({}, bundle);
    expect(bundle.e.code.split(COMPILE_HINT)).toHaveLength(2);
    expect(bundle.e.map?.mappings).toBe(';AAAA;AACA');
    expect(bundle.s.code.split('\n')[0]).toBe(COMPILE_HINT);
    expect(bundle.s.map).toBeNull();
  });

  it('makes the hint part of the start chunks’ hash only', () => {
    const { augmentChunkHash } = hooks();
    expect(augmentChunkHash(entry())).toBe(COMPILE_HINT);
    expect(augmentChunkHash(start())).toBe(COMPILE_HINT);
    expect(augmentChunkHash(consoleChunk())).toBe(COMPILE_HINT);
    expect(augmentChunkHash(view())).toBeUndefined();
  });
});
