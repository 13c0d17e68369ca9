import { afterEach, describe, expect, it, vi } from 'vitest';

// api/parse.ts loads zod and the contract's schemas (zod-parse.ts, a chunk of its own) on first
// need. A chunk that fails to load (the server went away meanwhile) must not be remembered as
// failed: the next need asks for it again.
const ZOD_PARSE = '../../../renderer/src/api/zod-parse';
const PARSE = '../../../renderer/src/api/parse';

describe('loading the contract parser chunk', () => {
  afterEach(() => {
    vi.doUnmock(ZOD_PARSE);
    vi.resetModules();
  });

  it('says the parser could not be loaded when its chunk fails, then loads it on the next need', async () => {
    vi.resetModules();
    let loads = 0;
    vi.doMock(ZOD_PARSE, async () => {
      loads++;
      if (loads === 1) throw new Error('Failed to fetch dynamically imported module');
      return await vi.importActual(ZOD_PARSE);
    });
    const { loadZodParse } = await import(PARSE);
    // (vitest wraps the factory's error in its own words; a browser says "Failed to fetch dynamically imported module".)
    await expect(loadZodParse()).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringMatching(/^the contract's parser could not be loaded: /) });
    const parser = await loadZodParse();
    expect(typeof parser.resultFromCall).toBe('function');
    expect(loads).toBe(2);
    // Loaded once, kept: a third need does not load it again.
    await loadZodParse();
    expect(loads).toBe(2);
  });
});
