import { FleetError } from '../../../shared/errors';
import type { SlurmApi } from '../../../shared/slurm';

/**
 * Which slurmctld OpenAPI plugin to talk to, from the paths slurmrestd lists in `/openapi/v3`
 * ("/slurm/v0.0.38/nodes", "/slurm/v0.0.41/node/{node_name}", …; 22.05 writes them without a
 * trailing slash, later releases with). The server may load several plugins at once.
 *
 * - v0.0.38 (Slurm 22.05) and the data_parser plugins v0.0.39-v0.0.41 (23.02-24.05) are read
 *   with shapes checked against recorded or published answers; among them the newest wins.
 * - Only newer plugins offered (v0.0.42+): the newest is read with the v0.0.39+ shapes, which
 *   still hold for the fields the console reads.
 * - Only older plugins (v0.0.36/37): refused, naming what the server offers.
 * A node update (drain, resume) goes over REST when the plugin lists POST on its node path:
 * v0.0.38 has none (POST answers 405), v0.0.39 and later have it.
 */
const TESTED_MAX: Version = [0, 0, 41];
const MIN: Version = [0, 0, 38];

type Version = [number, number, number];

export function detectSlurmApi(openapi: unknown): SlurmApi {
  const paths = isObject(openapi) && isObject(openapi.paths) ? openapi.paths : null;
  if (!paths || !isObject(openapi)) throw new FleetError('PARSE_FAILED', 'slurmrestd\'s /openapi/v3 has no "paths": not an OpenAPI description of a Slurm REST API.', { detail: { reason: 'bad-shape' } });
  const offered = new Map<string, Version>();
  for (const path of Object.keys(paths)) {
    const m = /^\/slurm\/v(\d+)\.(\d+)\.(\d+)\//.exec(path);
    if (m) offered.set(`v${m[1]}.${m[2]}.${m[3]}`, [Number(m[1]), Number(m[2]), Number(m[3])]);
  }
  const sorted = [...offered.entries()].sort((a, b) => compare(a[1], b[1]));
  const usable = sorted.filter(([, v]) => compare(v, MIN) >= 0);
  if (usable.length === 0) {
    const list = sorted.map(([k]) => k).join(', ') || 'none';
    throw new FleetError('PARSE_FAILED', `slurmrestd offers no slurmctld plugin fleetops reads (offered: ${list}; fleetops reads v0.0.38 and later). Start slurmrestd with -s openapi/v0.0.38 or newer.`, {
      detail: { reason: 'unsupported-plugin', offered: sorted.map(([k]) => k) },
    });
  }
  const tested = usable.filter(([, v]) => compare(v, TESTED_MAX) <= 0);
  const [version, v] = (tested.length > 0 ? tested : usable)[(tested.length > 0 ? tested : usable).length - 1];
  const basePath = `/slurm/${version}`;
  return {
    version,
    family: compare(v, [0, 0, 39]) >= 0 ? 'v0.0.39+' : 'v0.0.38',
    basePath,
    nodeUpdate: hasPost(paths, basePath),
    offered: sorted.map(([k]) => k),
    release: releaseOf(openapi),
  };
}

function hasPost(paths: Record<string, unknown>, basePath: string): boolean {
  const re = new RegExp(`^${basePath.replace(/\./g, '\\.')}/node/\\{[^}/]+\\}/?$`);
  return Object.entries(paths).some(([p, ops]) => re.test(p) && isObject(ops) && 'post' in ops);
}

/** 22.05's spec names no release; later ones put it in info.version ("Slurm-24.05.1&…") or x-slurm. */
function releaseOf(openapi: Record<string, unknown>): string | null {
  const info = isObject(openapi.info) ? openapi.info : {};
  const slurm = isObject(info['x-slurm']) ? info['x-slurm'] : null;
  const release = slurm && isObject(slurm) ? slurm.release : undefined;
  if (typeof release === 'string') return release.slice(0, 40);
  const m = typeof info.version === 'string' ? /Slurm-(\d+\.\d+\.\d+)/.exec(info.version) : null;
  return m ? m[1] : null;
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
