/**
 * The renderer build's compile-hint plugin (vite.config.mts), in a file of its own with no import
 * of Vite, so the Node-side tests can load it.
 */

/** Whether a chunk holds the module `source` (a path under renderer/, as in vite.config.mts PRELOADED). */
export function holds(chunk: { moduleIds: readonly string[] }, source: string): boolean {
  return chunk.moduleIds.some((id) => id.endsWith(source));
}

/**
 * V8's explicit compile hint (Chromium 136+; Electron 39 is 142): a file that starts with this
 * comment has every function compiled eagerly, on the thread that streams the script in as it
 * downloads, instead of lazily on the page's main thread the first time each is called. The
 * chunks the page runs at start (the entry, the start, the console: React and the views) call
 * most of their functions before the first render, so their compiling moves off the main
 * thread (a trace of the first render: main-thread lazy compile 37-59 ms without, ~2 with).
 * bench:ui-ab, builds in turns on a 1,000-node lab: the main thread's CPU until the first
 * render 14-32 ms lower; the time to the first render within that machine's noise (+10/+49,
 * -36/-21 ms): on 2 busy cores the streaming thread has no core of its own to compile on (with
 * one free it would run beside the main thread — not measured here). Chunks loaded later
 * (views, drawers) are left lazy.
 */
export const COMPILE_HINT = '//# allFunctionsCalledOnLoad';

/** The slice of a Rolldown output chunk (and bundle) this plugin reads and writes. */
interface OutputChunkSlice {
  type: 'chunk';
  isEntry: boolean;
  moduleIds: readonly string[];
  code: string;
  map: { mappings: string } | null;
}

/** The plugin, for the chunks that hold one of `startSources` and the entry. */
export function compileHints(startSources: readonly string[]) {
  const atStart = (chunk: { isEntry: boolean; moduleIds: readonly string[] }) => chunk.isEntry || startSources.some((source) => holds(chunk, source));
  return {
    name: 'fleetops-compile-hints',
    apply: 'build' as const,
    // The hint is added after the file names are hashed (below): this makes it part of the hash,
    // so a file with it is never named as the same file without it (a cached copy).
    augmentChunkHash: (chunk: { isEntry: boolean; moduleIds: readonly string[] }) => (atStart(chunk) ? COMPILE_HINT : undefined),
    generateBundle: {
      // After Vite's own generateBundle, which puts its preload map at the top of a chunk: the
      // hint must be the file's first line.
      order: 'post' as const,
      handler(_options: unknown, bundle: Record<string, OutputChunkSlice | { type: 'asset' }>) {
        for (const chunk of Object.values(bundle)) {
          if (chunk.type !== 'chunk' || !atStart(chunk) || chunk.code.startsWith(COMPILE_HINT)) continue;
          chunk.code = `${COMPILE_HINT}\n${chunk.code}`;
          // One line more at the top: a source map's lines move down one.
          if (chunk.map) chunk.map.mappings = `;${chunk.map.mappings}`;
        }
      },
    },
  };
}
