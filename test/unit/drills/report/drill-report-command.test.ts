/**
 * `fleetops drill report` against a real store in a temp data directory: runs written by the
 * runner's own store code, read back, rendered, printed or written to a file.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDrillReportCommand } from '../../../../electron/cli/drill-report-command';
import { drillReportsFeature } from '../../../../electron/core/drills/report/report-feature';
import { storeReportSource } from '../../../../electron/core/drills/report/report-source';
import { DrillHistory, DrillReportFile } from '../../../../shared/drill-report';
import { DrillRunStore } from '../../../../electron/core/drills/run/drill-run-store';
import { fleetMigrations } from '../../../../electron/core/fleet/builtin-features';
import { createRunJournal } from '../../../../electron/core/runbook-exec/journal';
import { DEFAULT_STORE_FILE, openStore } from '../../../../electron/core/store/open-store';
import { faultRunFixture, runFixture, T0 } from './run-fixture';

const dir = mkdtempSync(join(tmpdir(), 'fleetops-drill-report-'));
const dataDir = join(dir, 'data');
const NOW = T0 + 86_400_000;

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runDrillReportCommand(args, { out: (t) => void out.push(t), err: (t) => void err.push(t) }, () => NOW);
  return { code, out: out.join(''), err: err.join('\n') };
}

beforeAll(() => {
  openStore(dataDir, { migrations: fleetMigrations() }).close();
  const db = new Database(join(dataDir, DEFAULT_STORE_FILE));
  try {
    const store = new DrillRunStore(db, () => NOW);
    store.create(runFixture({ id: 'old-maint', startedAt: T0 - 7_200_000, endedAt: T0 - 7_100_000, faultRunId: null }), 'llama', null);
    store.create(runFixture({ id: 'maint-2', faultRunId: 'run-fault-1' }), 'llama', null);
    store.create(runFixture({ id: 'region-1', drill: 'region-down', startedAt: T0 - 3_600_000, endedAt: T0 - 3_500_000, status: 'failed', phase: 'failed', faultRunId: null }), 'llama', null);
    db.prepare("INSERT INTO process_owners (id, pid, host, label, os_user, started_at, heartbeat_at, lease_ms, ended_at) VALUES ('owner-1', 1, 'h', 'test', 'ops', 0, 0, 1000, 1)").run();
    createRunJournal(db).createRun(faultRunFixture('haproxy said: <done>'), 'owner-1');
  } finally {
    db.close();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fleetops drill report', () => {
  it('prints the newest run as Markdown by default', async () => {
    const r = await cli('last', '--data-dir', dataDir);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe('# Drill replica-maint: run maint-2');
    // The fault run's step output comes from the runbook journal.
    expect(r.out).toContain('## Fault run');
    expect(r.out).toContain('haproxy said: <done>');
    // Its history: the two maint runs, not the region-down one.
    expect(r.out).toMatch(/## History[\s\S]*old-maint[\s\S]*\*\*maint-2\*\* \(this run\)/);
    expect(r.out).not.toContain('region-1');
  });

  it('takes the newest run of one drill with --drill, and a run by id', async () => {
    const last = await cli('last', '--drill', 'region-down', '--format', 'json', '--data-dir', dataDir);
    expect(last.code).toBe(0);
    const doc = JSON.parse(last.out);
    expect([doc.run.id, doc.run.status, doc.generatedAt]).toEqual(['region-1', 'failed', NOW]);
    const byId = await cli('old-maint', '--format', 'json', '--data-dir', dataDir);
    expect(JSON.parse(byId.out).run.id).toBe('old-maint');
    // A report of an older run shows the history up to it, not what came after.
    expect(JSON.parse(byId.out).history.entries.map((e: { runId: string }) => e.runId)).toEqual(['old-maint']);
  });

  it('writes the HTML page to --output', async () => {
    const file = join(dir, 'report.html');
    const r = await cli('maint-2', '--format', 'html', '--output', file, '--data-dir', dataDir);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(r.err).toContain(`to ${file}`);
    const html = readFileSync(file, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('haproxy said: &lt;done&gt;');
    expect(html).toContain('data-series="success"');
  });

  it('exits 3 naming what is wrong: no such run, a run of another drill, a bad format, no store', async () => {
    expect(await cli('nope', '--data-dir', dataDir)).toMatchObject({ code: 3, err: 'fleetops drill report: NOT_FOUND: no drill run with id nope' });
    expect(await cli('maint-2', '--drill', 'region-down', '--data-dir', dataDir)).toMatchObject({ code: 3, err: 'fleetops drill report: NOT_FOUND: run maint-2 is a run of drill replica-maint, not region-down' });
    expect(await cli('last', '--drill', 'replica-stop', '--data-dir', dataDir)).toMatchObject({ code: 3, err: 'fleetops drill report: NOT_FOUND: drill replica-stop has not run here yet' });
    const bad = await cli('last', '--format', 'pdf', '--data-dir', dataDir);
    expect([bad.code, bad.err.split('\n')[0]]).toEqual([3, 'fleetops drill report: --format must be md, json, html or bundle, got "pdf"']);
    // A bundle is binary: it goes to a file, never to the terminal.
    const toTerminal = await cli('last', '--format', 'bundle', '--data-dir', dataDir);
    expect([toTerminal.code, toTerminal.err.split('\n')[0]]).toEqual([3, 'fleetops drill report: a bundle is a binary file: give --output FILE']);
    const none = await cli('last', '--data-dir', join(dir, 'empty'));
    expect(none.code).toBe(3);
    expect(none.err).toContain('no fleetops store at');
    expect((await cli('--data-dir', dataDir)).code).toBe(3);
    expect((await cli('--help')).code).toBe(0);
  });
});

describe('the drills.report and drills.history methods', () => {
  it('answer from the same store as the CLI, in the contract\'s shapes', async () => {
    const db = new Database(join(dataDir, DEFAULT_STORE_FILE), { readonly: true });
    try {
      const feature = drillReportsFeature({ source: storeReportSource(db), now: () => NOW });
      const file = DrillReportFile.parse(await feature.handlers!['drills.report']({ runId: 'maint-2', format: 'html' }));
      expect(file.fileName).toBe('drill-replica-maint-2026-03-29T00-59-57Z-passed.html');
      expect(file.content).toBe((await cli('maint-2', '--format', 'html', '--data-dir', dataDir)).out);
      const history = DrillHistory.parse(await feature.handlers!['drills.history']({ drill: 'replica-maint' }));
      expect(history.entries.map((e) => e.runId)).toEqual(['old-maint', 'maint-2']);
      await expect(feature.handlers!['drills.report']({ runId: 'nope', format: 'md' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      db.close();
    }
  });
});
