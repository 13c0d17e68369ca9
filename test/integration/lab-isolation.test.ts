/**
 * A lab never writes into the operator's real data directory: `serve --lab`, and `run` / `check`
 * / `audit` given a lab's inventory, use the lab's own DIR/data (unless --data-dir names another),
 * and the lab's audit entries say they come from the lab. Each CLI runs as a real process with
 * HOME and XDG_CONFIG_HOME in a temp dir, whose whole tree (absence of ~/.config/fleetops
 * included) must be the same after the commands wrote as before.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labPaths } from '../../electron/core/lab/lab-files';
import { startLab, type LabFleet } from '../../electron/core/lab/lab-fleet';
import { startLabServices, type LabServices } from '../../electron/core/lab/lab-services';
import { runFleetops, spawnFleetops, type CliProcess } from './helpers/cli-process';
import { connectContract } from './helpers/contract-client';
import { treeFingerprint } from './helpers/tree-hash';

const root = mkdtempSync(join(tmpdir(), 'fleetops-iso-'));
const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(root, { recursive: true, force: true });
});

interface Sandbox {
  home: string;
  /** The default data directory for this HOME: ~/.config/fleetops. */
  defaultDataDir: string;
  tmp: string;
  env: NodeJS.ProcessEnv;
}

/**
 * A HOME of the test's own (and a TMPDIR, so a lab serve makes for itself lands there too).
 * Short names: HAProxy's admin socket ends up below TMPDIR, and a socket path has at most ~100 bytes.
 */
function sandbox(name: string): Sandbox {
  const home = join(root, name, 'home');
  const tmp = join(root, name, 't');
  mkdirSync(home, { recursive: true });
  mkdirSync(tmp, { recursive: true });
  const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), TMPDIR: tmp };
  return { home, defaultDataDir: join(home, '.config', 'fleetops'), tmp, env };
}

const rendererDir = join(root, 'renderer');
mkdirSync(rendererDir);
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>fleetops</title>');

async function startServe(args: string[], box: Sandbox): Promise<{ cli: CliProcess; url: string; labDir: string }> {
  const cli = spawnFleetops(['serve', '--lab', '--lab-nodes', '2', '--renderer-dir', rendererDir, ...args], { env: box.env });
  cleanups.push(() => cli.killTree());
  await cli.waitForOutput(/^data: /m, 30_000);
  const url = /fleetops console: (\S+)/.exec(cli.output())![1];
  const labDir = /^lab: 2 simulated nodes in (.+?); /m.exec(cli.output())?.[1];
  if (!labDir) throw new Error(`serve did not say where its lab is:\n${cli.output()}`);
  return { cli, url, labDir };
}

/** What the console does when the operator flips the read-only switch: writes audit entries. */
async function flipReadOnly(url: string): Promise<void> {
  const client = await connectContract(url);
  try {
    await client.call('settings.setReadOnly', { global: true, clusters: [] });
    await client.call('settings.setReadOnly', { global: false, clusters: [] });
  } finally {
    client.close();
  }
}

interface ListedEntry {
  kind: string;
  detail: Record<string, unknown> | null;
  origin: string | null;
}

async function auditList(args: string[], box: Sandbox): Promise<ListedEntry[]> {
  const r = await runFleetops(['audit', 'list', ...args, '--json'], { env: box.env });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as ListedEntry[];
}

describe('serve --lab', () => {
  it("keeps its store in the lab's own data directory: the default one stays untouched", async () => {
    const box = sandbox('a');
    const before = treeFingerprint(box.home);
    const { cli, url, labDir } = await startServe([], box);
    expect(labDir.startsWith(`${box.tmp}/`)).toBe(true);
    expect(cli.output()).toContain(`data: ${labPaths(labDir).dataDir}`);

    await flipReadOnly(url);
    // Read through the CLI as an operator would, naming the lab by its inventory.
    const inventory = labPaths(labDir).inventoryPath;
    const entries = await auditList(['--inventory', inventory], box);
    const switches = entries.filter((e) => e.kind === 'settings.read-only');
    expect(switches.map((e) => e.detail?.global)).toEqual([false, true]);
    expect(entries.length).toBeGreaterThan(0);
    for (const e of entries) expect(e.origin).toBe(`lab:${labDir}`);
    const text = await runFleetops(['audit', 'list', '--inventory', inventory], { env: box.env });
    expect(text.stdout).toContain(`[lab:${labDir}]  settings.read-only`);
    expect((await runFleetops(['audit', 'verify', '--inventory', inventory], { env: box.env })).code).toBe(0);

    expect(await cli.stop()).toEqual({ code: 0, signal: null });
    expect(existsSync(box.defaultDataDir)).toBe(false);
    expect(treeFingerprint(box.home)).toEqual(before);
    // A lab serve made for itself goes at exit, its data directory with it.
    expect(existsSync(labDir)).toBe(false);
  }, 90_000);

  it('uses --data-dir when given, and still marks the entries as the lab’s', async () => {
    const box = sandbox('b');
    const before = treeFingerprint(box.home);
    const labDir = join(root, 'b', 'lab');
    const dataDir = join(root, 'b', 'data');
    const { cli, url } = await startServe(['--lab-dir', labDir, '--data-dir', dataDir], box);
    expect(cli.output()).toContain(`data: ${dataDir}`);
    await flipReadOnly(url);
    expect(await cli.stop()).toEqual({ code: 0, signal: null });

    const entries = await auditList(['--data-dir', dataDir], box);
    expect(entries.filter((e) => e.kind === 'settings.read-only')).toHaveLength(2);
    for (const e of entries) expect(e.origin).toBe(`lab:${labDir}`);
    expect(existsSync(labPaths(labDir).dataDir)).toBe(false);
    expect(treeFingerprint(box.home)).toEqual(before);
  }, 90_000);
});

describe("run, check and audit given a lab's inventory", () => {
  let lab: LabFleet | null = null;
  let services: LabServices | null = null;
  cleanups.push(async () => {
    await services?.stop();
    await lab?.stop();
  });

  it("write into the lab's data directory, never the default one", async () => {
    const box = sandbox('c');
    const labDir = join(root, 'c', 'lab');
    lab = await startLab({ dir: labDir, nodes: 6 });
    services = await startLabServices({ dir: labDir, inventoryPath: lab.inventoryPath, maxReplicas: 2, healthIntervalSeconds: 1 });
    const target = services.info().replicas[0].name;
    const before = treeFingerprint(box.home);

    const check = await runFleetops(['check', '--inventory', lab.inventoryPath], { env: box.env });
    expect(check.code, `${check.stdout}\n${check.stderr}`).not.toBe(3);
    const dry = await runFleetops(['run', 'drain-replica', '--inventory', lab.inventoryPath, '--target', target, '--dry-run'], { env: box.env });
    expect(dry.code, dry.stderr).toBe(0);
    const run = await runFleetops(['run', 'drain-replica', '--inventory', lab.inventoryPath, '--target', target, '--yes', '--confirm', target], { env: box.env });
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stderr).toContain(`using the lab's data directory ${labPaths(labDir).dataDir}`);

    expect(existsSync(join(labPaths(labDir).dataDir, 'fleetops.db'))).toBe(true);
    const entries = await auditList(['--inventory', lab.inventoryPath], box);
    expect(entries.map((e) => e.kind)).toEqual(expect.arrayContaining(['runbook.run', 'runbook.step', 'runbook.end']));
    for (const e of entries) expect(e.origin).toBe(`lab:${labDir}`);
    expect(existsSync(box.defaultDataDir)).toBe(false);
    expect(treeFingerprint(box.home)).toEqual(before);
  }, 120_000);
});
