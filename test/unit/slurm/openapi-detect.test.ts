import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../shared/errors';
import { SlurmApi } from '../../../shared/slurm';
import { detectSlurmApi } from '../../../electron/core/slurm/openapi-detect';
import { slurmFixture } from './fixtures';

const spec = (paths: Record<string, object>) => ({ openapi: '3.0.2', info: { version: 'x' }, paths });

describe('detectSlurmApi', () => {
  it('picks v0.0.38 on the recorded 22.05 server (which also offers v0.0.37) and sees no node update', () => {
    const api = detectSlurmApi(slurmFixture('v0.0.38/openapi'));
    expect(api).toEqual({ version: 'v0.0.38', family: 'v0.0.38', basePath: '/slurm/v0.0.38', nodeUpdate: false, offered: ['v0.0.37', 'v0.0.38'], release: null });
    expect(SlurmApi.parse(api)).toEqual(api);
  });

  it('picks the newest tested plugin of a 24.05 server, with node update and its release', () => {
    expect(detectSlurmApi(slurmFixture('v0.0.41/openapi'))).toEqual({
      version: 'v0.0.41',
      family: 'v0.0.39+',
      basePath: '/slurm/v0.0.41',
      nodeUpdate: true,
      offered: ['v0.0.40', 'v0.0.41'],
      release: '24.05.1',
    });
    expect(detectSlurmApi(slurmFixture('v0.0.39/openapi'))).toMatchObject({ version: 'v0.0.39', family: 'v0.0.39+', nodeUpdate: true });
  });

  it('prefers a tested plugin over a newer untested one, and takes the newest when only untested ones are offered', () => {
    const both = spec({ '/slurm/v0.0.41/nodes/': { get: {} }, '/slurm/v0.0.42/nodes/': { get: {} }, '/slurm/v0.0.42/node/{node_name}': { post: {} } });
    expect(detectSlurmApi(both)).toMatchObject({ version: 'v0.0.41', nodeUpdate: false });
    const future = spec({ '/slurm/v0.0.43/nodes/': { get: {} }, '/slurm/v0.0.44/nodes/': { get: {} }, '/slurm/v0.0.44/node/{node_name}/': { get: {}, post: {} } });
    expect(detectSlurmApi(future)).toMatchObject({ version: 'v0.0.44', family: 'v0.0.39+', nodeUpdate: true });
  });

  it('refuses a server with only older plugins, naming what it offers', () => {
    const err = (() => {
      try {
        detectSlurmApi(spec({ '/slurm/v0.0.36/nodes': { get: {} }, '/slurm/v0.0.37/nodes': { get: {} } }));
      } catch (e) {
        return e;
      }
    })() as FleetError;
    expect(err).toBeInstanceOf(FleetError);
    expect(err.code).toBe('PARSE_FAILED');
    expect(err.message).toMatch(/offered: v0\.0\.36, v0\.0\.37; fleetops reads v0\.0\.38 and later/);
  });

  it('refuses what is not an OpenAPI description', () => {
    for (const bad of [null, [], 'x', {}, { paths: [] }]) expect(() => detectSlurmApi(bad)).toThrow(/no "paths"/);
    expect(() => detectSlurmApi(spec({ '/openapi/v3': {} }))).toThrow(/offered: none/);
  });
});
