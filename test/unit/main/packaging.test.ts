/**
 * The packaged binary's fuses (electron-builder.yml → electronFuses). There is no Electron binary
 * here to read them back from, so the test pins the configuration and checks it against the
 * installed electron-builder's own schema and validator: a misspelt key would otherwise be a
 * fuse silently left at its default.
 */
import { readFileSync } from 'node:fs';
import type { Configuration } from 'app-builder-lib';
import { validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

type Fuses = NonNullable<Configuration['electronFuses']>;

/** What the desktop app promises (README "Desktop and packaging"); typed, so a key the installed electron-builder does not know fails tsc. */
const EXPECTED: Required<
  Pick<
    Fuses,
    | 'runAsNode'
    | 'enableCookieEncryption'
    | 'enableNodeOptionsEnvironmentVariable'
    | 'enableNodeCliInspectArguments'
    | 'enableEmbeddedAsarIntegrityValidation'
    | 'onlyLoadAppFromAsar'
    | 'grantFileProtocolExtraPrivileges'
  >
> = {
  runAsNode: false,
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  grantFileProtocolExtraPrivileges: false,
};

const config = parse(readFileSync('electron-builder.yml', 'utf8')) as Configuration & Record<string, unknown>;
const scheme = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as {
  properties: Record<string, { anyOf?: Array<{ $ref?: string }> }>;
  definitions: Record<string, { properties: Record<string, { type?: string }>; additionalProperties?: boolean }>;
};

describe('Electron fuses at packaging', () => {
  it.each(Object.entries(EXPECTED))('electron-builder.yml sets %s to %s', (key, value) => {
    expect(config.electronFuses).toBeTruthy();
    expect((config.electronFuses as Record<string, unknown>)[key]).toBe(value);
  });

  it('sets no fuse besides those', () => {
    expect(Object.keys(config.electronFuses ?? {}).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it("uses the key names of the installed electron-builder's schema (scheme.json)", () => {
    const ref = scheme.properties.electronFuses?.anyOf?.find((a) => a.$ref)?.$ref;
    expect(ref).toBe('#/definitions/FuseOptionsV1');
    const def = scheme.definitions.FuseOptionsV1!;
    expect(def.additionalProperties).toBe(false);
    for (const key of Object.keys(config.electronFuses ?? {})) {
      expect(def.properties, key).toHaveProperty(key);
      expect(def.properties[key]!.type, key).toBe('boolean');
    }
  });

  it('keeps the app in an asar archive (onlyLoadAppFromAsar and integrity validation need one)', () => {
    expect(config.asar).not.toBe(false);
  });

  it("passes electron-builder's own configuration validator, which rejects a misspelt fuse", async () => {
    const logger = new DebugLogger(false);
    await expect(validateConfiguration(structuredClone(config), logger)).resolves.toBeUndefined();
    const misspelt = structuredClone(config);
    (misspelt.electronFuses as Record<string, unknown>).runAsnode = false;
    await expect(validateConfiguration(misspelt, logger)).rejects.toThrow(/electronFuses/);
  });
});
