/** The layer rule of DESIGN.md is a lint rule; prove it bites on each layer. */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function errorsFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.severity === 2).map((m) => m.ruleId ?? m.message);
}

describe('layer rule', () => {
  it.each(['electron/core/fleet/x.ts', 'electron/serve/x.ts', 'electron/cli/x.ts', 'shared/x.ts'])('forbids electron in %s', async (file) => {
    expect(await errorsFor(file, "import { app } from 'electron';\nexport const a = app;\n")).toContain('no-restricted-imports');
  });

  it('allows electron in the glue', async () => {
    expect(await errorsFor('electron/main/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toEqual([]);
  });

  it.each(["import { readFileSync } from 'node:fs';", "import * as fs from 'fs';", "import { core } from '../../electron/core/fleet/core';"])(
    'forbids Node and engine imports in the renderer: %s',
    async (line) => {
      expect(await errorsFor('renderer/src/x.ts', `${line}\nexport const x = 1;\n`)).toContain('no-restricted-imports');
    },
  );

  it('forbids Node built-ins in shared/', async () => {
    expect(await errorsFor('shared/x.ts', "import { join } from 'node:path';\nexport const j = join;\n")).toContain('no-restricted-imports');
  });
});
