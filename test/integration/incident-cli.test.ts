/**
 * `fleetops incident export|import` and `fleetops review` as real processes on real data
 * directories: an incident exported as a signed bundle and as reports; imported elsewhere —
 * refused (exit 1) while its signer is not trusted, imported with --trust, the same file again
 * changing nothing, a tampered file refused (exit 3) naming the part; `review` importing it into
 * a temporary data directory under TMPDIR, serving the console on it (an HTTP request answered),
 * and removing the directory when stopped — and leaving nothing when the bundle is refused.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INCIDENT_ID, makeIncident, openDataDir } from '../unit/incidents/bundle/incident-fixture';
import { runFleetops, spawnFleetops, type CliProcess } from './helpers/cli-process';

const root = mkdtempSync(join(tmpdir(), 'fleetops-incident-cli-'));
const source = join(root, 'source');
const bundle = join(root, 'incident.bundle.tar.gz');
/** The review's TMPDIR: its workspace must appear there while it runs, and be gone after. */
const tmp = join(root, 't');
const env = { ...process.env, TMPDIR: tmp };
const processes: CliProcess[] = [];
const workspaces = () => readdirSync(tmp).filter((n) => n.startsWith('fleetops-review-'));

beforeAll(() => {
  mkdirSync(tmp);
  const d = openDataDir(source);
  try {
    makeIncident(d);
  } finally {
    d.close();
  }
});
afterAll(async () => {
  for (const p of processes) await p.stop(5_000);
  rmSync(root, { recursive: true, force: true });
});

describe('fleetops incident export / import', () => {
  it('exports a signed bundle and reports; imports it elsewhere only once trusted, once, and refuses a tampered one', async () => {
    const made = await runFleetops(['incident', 'export', INCIDENT_ID, '--out', bundle, '--data-dir', source]);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stderr).toMatch(/wrote incident .* as bundle to .*, signed by SHA256:/);
    const html = join(root, 'incident.html');
    expect((await runFleetops(['incident', 'export', INCIDENT_ID, '--format', 'html', '--out', html, '--data-dir', source])).code).toBe(0);
    expect(readFileSync(html, 'utf8')).toMatch(/^<!DOCTYPE html>/);
    const verify = await runFleetops(['bundle', 'verify', bundle, '--data-dir', source]);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/^incident [0-9a-f-]{36}: Incident /);

    const target = join(root, 'target');
    const untrusted = await runFleetops(['incident', 'import', bundle, '--data-dir', target]);
    expect(untrusted.code, untrusted.stderr).toBe(1);
    expect(untrusted.stderr).toMatch(/signed by SHA256:\S+ — not a key you trust \(to trust it: fleetops bundle trust /);
    const imported = await runFleetops(['incident', 'import', bundle, '--trust', '--data-dir', target]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(new RegExp(`^imported incident ${INCIDENT_ID} .*: \\d+ events, signed by SHA256:\\S+ \\(accepted with --trust\\)`));
    const again = await runFleetops(['incident', 'import', bundle, '--trust', '--data-dir', target]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/same bundle before: nothing changed/);
    const show = await runFleetops(['incident', 'show', INCIDENT_ID, '--json', '--data-dir', target]);
    expect(JSON.parse(show.stdout)).toMatchObject({ id: INCIDENT_ID, imported: { signerTrust: 'accepted', exportedBy: expect.stringMatching(/@/) } });

    const bytes = readFileSync(bundle);
    const tampered = join(root, 'tampered.bundle.tar.gz');
    writeFileSync(tampered, bytes.subarray(0, bytes.length - 40));
    const refused = await runFleetops(['incident', 'import', tampered, '--trust', '--data-dir', join(root, 'target-2')]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/refused: BUNDLE_INVALID: the bundle: /);
  }, 120_000);
});

describe('fleetops review', () => {
  it('imports into a temporary data directory, serves it, answers a request, and removes it when stopped', async () => {
    expect(existsSync(bundle)).toBe(true);
    const page = join(root, 'renderer');
    mkdirSync(page, { recursive: true });
    writeFileSync(join(page, 'index.html'), '<!doctype html><title>fleetops review</title>');
    const review = spawnFleetops(['review', bundle, '--trust', '--renderer-dir', page], { env });
    processes.push(review);
    const [, url] = await review.waitForOutput(/fleetops console: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/, 60_000);
    await review.waitForOutput(/review: incident [0-9a-f-]{36}, read-only, in (\S+)/, 10_000);
    expect(workspaces()).toHaveLength(1);
    const res = await fetch(url!);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('fleetops review');
    expect(await review.stop(), review.output()).toEqual({ code: 0, signal: null });
    expect(workspaces()).toEqual([]);
  }, 120_000);

  it('a refused bundle exits non-zero naming the part, and leaves no workspace', async () => {
    const bytes = readFileSync(bundle);
    const other = join(root, 'not-a-bundle.tar.gz');
    writeFileSync(other, Buffer.concat([bytes.subarray(0, 100), Buffer.alloc(100)]));
    const r = await runFleetops(['review', other, '--trust'], { env });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/refused: BUNDLE_INVALID: the bundle: not a gzip-compressed tar archive, or cut short/);
    const untrusted = await runFleetops(['review', bundle], { env });
    expect(untrusted.code, untrusted.stderr).toBe(1);
    expect(workspaces()).toEqual([]);
  }, 120_000);
});
