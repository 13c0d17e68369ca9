/**
 * `fleetops drill run|list|stop-all` as real processes against `fleetops lab` (its own process,
 * replicas behind a real HAProxy, SSH nodes): the exit statuses a system scheduler acts on —
 * 0 passed, 1 failed an expectation, 2 refused or skipped, 3 the restore failed (for real: the
 * node's SSH goes away before `systemctl start` can put the replica back).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetMigrations } from '../../electron/core/fleet/builtin-features';
import { loadInventoryFile } from '../../electron/core/inventory/load-inventory';
import { READ_ONLY_SETTING } from '../../electron/core/runbook-exec/read-only-setting';
import { openStore } from '../../electron/core/store/open-store';
import { runFleetops, spawnFleetops, type CliProcess } from './helpers/cli-process';
import { startHoldLab, type HoldLab } from './helpers/hold-runbook';

const drill = (name: string, body: string) => `name: ${name}\ndescription: ${name} (CLI test).\n${body}`;
const QUICK_PASS = drill(
  'quick-pass',
  `targets: { replicasOf: llama, count: 1, seed: pass, maxTargets: 1, allowProtected: true }
fault: { kind: lb-maint }
hypothesis: { minSuccessPct: 90, maxP95LatencyMs: 5000, window: 5s, probeRatePerSecond: 5, grace: 60s }
response: none
expectations: { restoredWithin: 60s, maxFailedRequests: 5 }
`,
);
/** A weight of 0 is never "detected" (no check fails): detectedWithin cannot pass. */
const QUICK_FAIL = drill(
  'quick-fail',
  `targets: { replicasOf: llama, count: 1, seed: fail, maxTargets: 1, allowProtected: true }
fault: { kind: lb-weight-zero }
hypothesis: { minSuccessPct: 50, maxP95LatencyMs: 5000, window: 5s, probeRatePerSecond: 5, grace: 60s }
response: none
expectations: { detectedWithin: 1s }
`,
);
/** A lab replica fault: it goes to `fleetops lab` (another process) through the lab's control API. */
const LAB_500 = drill(
  'lab-500',
  `targets: { replicasOf: llama, count: 1, seed: five, maxTargets: 1, allowProtected: true }
fault: { kind: replica-http-500 }
hypothesis: { minSuccessPct: 10, maxP95LatencyMs: 5000, window: 5s, probeRatePerSecond: 5, grace: 60s }
response: none
expectations: { detectedWithin: 30s, restoredWithin: 60s }
`,
);
const stopHeld = (replica: string) =>
  drill(
    'stop-held',
    `targets: { replica: ${replica}, maxTargets: 1, allowProtected: true }
fault: { kind: stop-service, timeout: 10s }
hypothesis: { minSuccessPct: 10, maxP95LatencyMs: 5000, window: 60s, probeRatePerSecond: 2, grace: 5m }
response: none
expectations: { mitigatedWithin: 5m }
`,
  );

let root: string;
let labDir: string;
let inventoryPath: string;
let lbState: HoldLab['lbState'];
let replica: string;
let node: string;
const processes: CliProcess[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'fleetops-drill-cli-'));
  ({ inventoryPath, lbState } = await startHoldLab(root, processes));
  labDir = join(root, 'lab');
  const inv = await loadInventoryFile(inventoryPath, { homeDir: root, defaultUser: 'ops' });
  replica = inv.replicas[0]!.name;
  node = inv.replicas[0]!.node!;
  mkdirSync(join(labDir, 'drills'));
  writeFileSync(join(labDir, 'drills', 'quick-pass.yaml'), QUICK_PASS);
  writeFileSync(join(labDir, 'drills', 'quick-fail.yaml'), QUICK_FAIL);
  writeFileSync(join(labDir, 'drills', 'lab-500.yaml'), LAB_500);
  writeFileSync(join(labDir, 'drills', 'stop-held.yaml'), stopHeld(replica));
}, 60_000);

afterAll(async () => {
  for (const p of processes.reverse()) await p.stop(5_000);
  if (root) rmSync(root, { recursive: true, force: true });
});

const drillCli = (...args: string[]) => runFleetops(['drill', ...args, '--inventory', inventoryPath], { timeoutMs: 120_000 });

describe('fleetops drill', () => {
  it('list: every drill with its fault and response, built-ins and the lab\'s own', async () => {
    const r = await drillCli('list', '--json');
    expect(r.code, r.stderr).toBe(0);
    const list = JSON.parse(r.stdout) as { drills: Array<{ name: string; source: string }>; stopAll: { engaged: boolean } };
    expect(list.drills.map((d) => d.name)).toEqual(expect.arrayContaining(['quick-pass', 'quick-fail', 'replica-stop', 'region-down']));
    expect(list.drills.find((d) => d.name === 'quick-pass')?.source).toBe('local');
    expect(list.stopAll.engaged).toBe(false);
  }, 60_000);

  it('run --dry-run prints the plan and sends nothing (0)', async () => {
    const before = await lbState();
    const r = await drillCli('run', 'quick-pass', '--dry-run');
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('set server llama/');
    expect(await lbState()).toEqual(before);
  }, 60_000);

  it('run exits 0 when the drill passed, HAProxy as before', async () => {
    const before = await lbState();
    const r = await drillCli('run', 'quick-pass', '--yes');
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/drill quick-pass: passed/);
    expect(r.stdout).toMatch(/pass {2}restored to baseline in/);
    expect(await lbState()).toEqual(before);
  }, 120_000);

  it('report --format bundle: one signed file that `bundle verify` checks anywhere — own key here, an unknown one elsewhere until trusted; an altered byte refused', async () => {
    const file = join(root, 'quick-pass.bundle.tar.gz');
    const made = await runFleetops(['drill', 'report', 'last', '--drill', 'quick-pass', '--format', 'bundle', '--output', file, '--inventory', inventoryPath]);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stderr).toMatch(/signed by SHA256:/);
    const here = await runFleetops(['bundle', 'verify', file, '--data-dir', join(labDir, 'data')]);
    expect(here.code, here.stderr).toBe(0);
    expect(here.stdout).toMatch(/^drill-report [0-9a-f-]{36}: Drill quick-pass run /);
    expect(here.stdout).toMatch(/3 parts intact/);
    expect(here.stdout).toMatch(/this console's own key/);
    // Another machine's data directory: intact, but not a key it trusts — until it does.
    const elsewhere = join(root, 'reviewer');
    const unknown = await runFleetops(['bundle', 'verify', file, '--data-dir', elsewhere, '--json']);
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ ok: true, trust: 'unknown', manifest: { kind: 'drill-report' } });
    // Trusting a key goes through the gate: refused while that data directory is read-only, nothing trusted.
    const setReadOnly = (global: boolean) => {
      const store = openStore(elsewhere, { migrations: fleetMigrations() });
      try {
        store.settings.set(READ_ONLY_SETTING, { global, clusters: [] });
      } finally {
        store.close();
      }
    };
    setReadOnly(true);
    const frozen = await runFleetops(['bundle', 'trust', file, '--data-dir', elsewhere]);
    expect(frozen.code).toBe(3);
    expect(frozen.stderr).toMatch(/READ_ONLY: read-only mode is on \(global switch\)/);
    expect((await runFleetops(['bundle', 'verify', file, '--data-dir', elsewhere])).code).toBe(1);
    setReadOnly(false);
    expect((await runFleetops(['bundle', 'trust', file, '--data-dir', elsewhere])).code).toBe(0);
    const audit = await runFleetops(['audit', 'list', '--data-dir', elsewhere, '--json']);
    expect((JSON.parse(audit.stdout) as Array<{ kind: string }>).map((e) => e.kind)).toContain('bundle.signer.trusted');
    expect((await runFleetops(['bundle', 'verify', file, '--data-dir', elsewhere])).stdout).toMatch(/a key you trust/);
    // One byte changed anywhere: refused, with the reason.
    const bytes = readFileSync(file);
    bytes[Math.floor(bytes.length / 2)] ^= 0x20;
    writeFileSync(file, bytes);
    const altered = await runFleetops(['bundle', 'verify', file, '--data-dir', elsewhere]);
    expect(altered.code).toBe(3);
    expect(altered.stderr).toMatch(/refused: BUNDLE_INVALID: /);
  }, 60_000);

  it('run of a lab replica fault: injected into `fleetops lab` through its control API, detected, cleared (0)', async () => {
    const before = await lbState();
    // A store of its own: the replica's 500s count against its availability, which the next
    // tests' capacity checks read from the lab's store.
    const r = await drillCli('run', 'lab-500', '--yes', '--data-dir', join(root, 'data-lab-500'));
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/pass {2}detected in/);
    expect(await lbState()).toEqual(before);
    // Cleared in the lab itself: every replica answers its health check again.
    const inv = await loadInventoryFile(inventoryPath, { homeDir: root, defaultUser: 'ops' });
    for (const rep of inv.replicas) expect((await fetch(new URL('/health', rep.url))).status, rep.name).toBe(200);
  }, 120_000);

  it('run exits 1 when an expectation failed (and still restores)', async () => {
    const before = await lbState();
    const r = await drillCli('run', 'quick-fail', '--yes');
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(1);
    expect(r.stdout).toMatch(/FAIL {2}detected: never happened/);
    expect(await lbState()).toEqual(before);
  }, 120_000);

  it('run exits 2 when refused: without the typed confirmation, and while stop-all is engaged (skipped)', async () => {
    const unconfirmed = await drillCli('run', 'quick-pass');
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(/CONFIRMATION_REQUIRED/);
    expect((await drillCli('stop-all')).code).toBe(0);
    const skipped = await drillCli('run', 'quick-pass', '--yes');
    expect(skipped.code, skipped.stdout).toBe(2);
    expect(skipped.stdout).toMatch(/skipped \(the stop-all switch is engaged/);
    expect((await drillCli('stop-all', '--release')).code).toBe(0);
    const list = JSON.parse((await drillCli('list', '--json')).stdout) as { stopAll: { engaged: boolean } };
    expect(list.stopAll.engaged).toBe(false);
  }, 120_000);

  it('run exits 3 when the restore failed: the node\'s SSH went away before systemctl start', async () => {
    const cli = spawnFleetops(['drill', 'run', 'stop-held', '--inventory', inventoryPath, '--yes']);
    processes.push(cli);
    await cli.waitForOutput(/injected: fault injected/, 60_000);
    const fault = await runFleetops(['lab', 'fault', '--dir', labDir, '--node', node, '--kind', 'node-unreachable']);
    expect(fault.code, fault.stderr).toBe(0);
    try {
      cli.child.kill('SIGINT');
      const exit = await cli.exited;
      expect(exit, cli.output()).toEqual({ code: 3, signal: null });
      expect(cli.output()).toMatch(/drill stop-held: restore-failed \(the restore failed at step 1 /);
    } finally {
      expect((await runFleetops(['lab', 'clear', '--dir', labDir, '--node', node])).code).toBe(0);
    }
  }, 150_000);
});
