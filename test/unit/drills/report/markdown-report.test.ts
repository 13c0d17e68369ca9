import { describe, expect, it } from 'vitest';
import { drillHistory } from '../../../../electron/core/drills/report/drill-history';
import { markdownReport } from '../../../../electron/core/drills/report/markdown-report';
import { faultRunFixture, milestone, planFixture, runFixture, secondsFixture, T0 } from './run-fixture';

const GENERATED = T0 + 3_600_000;

/** The rows of the Markdown table under `## heading`, as cells. */
function tableUnder(text: string, heading: string): string[][] {
  const section = text.split(`## ${heading}\n`)[1]?.split('\n## ')[0] ?? '';
  return section
    .split('\n')
    .filter((l) => l.startsWith('| '))
    .slice(2)
    .map((l) =>
      l
        .slice(2, -2)
        .split(/(?<!\\) \| /)
        .map((c) => c.trim()),
    );
}

describe('the Markdown drill report', () => {
  it('opens with the outcome and says when, how it was started, the seed and the targets', () => {
    const text = markdownReport({ run: runFixture(), generatedAt: GENERATED });
    expect(text.split('\n')[0]).toBe('# Drill replica-maint: run drun-1');
    expect(text).toContain('**PASSED: all 3 expectations were met.**');
    expect(text).toContain('- Started: 2026-03-29T00:59:57.000Z (by hand, by ops@console-1)');
    expect(text).toContain('- Fault injected (T0): 2026-03-29T01:00:00.000Z');
    expect(text).toContain('- Seed: `seed-7` (file)');
    expect(text).toContain('- replica **lab-r1** (cluster lab-inference, protected): draw 1 of 3');
    expect(text).toContain('   do:      haproxy lab-lb: set server llama/lab-r1 state maint');
    expect(text).toContain('   restore: haproxy lab-lb: set server llama/lab-r1 state ready');
  });

  it('lists the milestones in the order they happened, with T+ from the injection, flagging a slow HAProxy', () => {
    const run = runFixture();
    // Stored out of order (a late write): the report orders by time.
    const shuffled = runFixture({ milestones: [run.milestones[5], run.milestones[0], run.milestones[3], run.milestones[1], run.milestones[2], run.milestones[4], run.milestones[7], run.milestones[6]] });
    const flagged = runFixture({ milestones: shuffled.milestones.map((m) => (m.name === 'lb-down' ? { ...m, flagged: true } : m)) });
    const rows = tableUnder(markdownReport({ run: flagged, generatedAt: GENERATED }), 'Timeline');
    expect(rows.map((r) => r[0])).toEqual(['T−3 s', 'T+0 s', 'T+1 s', 'T+4 s', 'T+6 s', 'T+8 s', 'T+15 s', 'T+17 s']);
    expect(rows.map((r) => r[2])).toEqual([
      'drill started',
      'fault injected (T0)',
      'first failed request at the frontend',
      'HAProxy marked the server DOWN **(flagged)**',
      'console detected the fault',
      'mitigated (hypothesis holds again)',
      'fault restored',
      'back to baseline',
    ]);
    expect(rows[3][3]).toBe('lb/llama/lab-r1');
  });

  it('gives each expectation its measured and expected value, and says which failed', () => {
    const run = runFixture({
      status: 'failed',
      phase: 'failed',
      expectations: [
        { name: 'detectedWithin', limit: 5, measured: 6, passed: false, text: 'detected after 6 s (limit 5 s)' },
        { name: 'maxFailedRequests', limit: 5, measured: 3, passed: true, text: '3 failed requests' },
      ],
    });
    const text = markdownReport({ run, generatedAt: GENERATED });
    expect(text).toContain('**FAILED: 1 of 2 expectations not met.**');
    expect(tableUnder(text, 'Expectations')).toEqual([
      ['detected within', '5 s', '6 s', '**FAIL**', 'detected after 6 s (limit 5 s)'],
      ['failed requests at most', '5', '3', 'pass', '3 failed requests'],
    ]);
  });

  it("shows the plan's expectations as not judged when the drill was aborted", () => {
    const run = runFixture({ status: 'aborted', phase: 'observing', reasonCode: 'hypothesis-broken', reason: 'success 40 % for 31 s (grace 30 s)', expectations: [] });
    const text = markdownReport({ run, generatedAt: GENERATED });
    expect(text).toContain('**ABORTED (hypothesis-broken): success 40 % for 31 s (grace 30 s). The fault was restored.**');
    expect(tableUnder(text, 'Expectations').map((r) => [r[0], r[1], r[2], r[3]])).toEqual([
      ['detected within', '15 s', '6 s', 'not judged'],
      ['restored within (RTO)', '60 s', '17 s', 'not judged'],
      ['failed requests at most', '5', '3', 'not judged'],
    ]);
  });

  it("counts failed requests from the probes and HAProxy's counters, second by second", () => {
    const text = markdownReport({ run: runFixture(), generatedAt: GENERATED });
    expect(text).toContain("The drill's own probes through the frontend: 100 sent, 3 failed (3.0 %).");
    // secondsFixture: 2 failed at T+1, 1 at T+2; HAProxy saw 3 5xx, 2 connection errors, 3 retries, 1 redispatch.
    expect(text).toContain('3 HTTP 5xx, 2 connection errors, 0 response errors, 3 retries, 1 redispatches.');
    expect(tableUnder(text, 'Failed requests')).toEqual([
      ['T+1 s', '2026-03-29T01:00:01.000Z', '5', '2'],
      ['T+2 s', '2026-03-29T01:00:02.000Z', '5', '1'],
    ]);
  });

  it('lists at most 60 failing seconds and says how many more there were', () => {
    const failing = Object.fromEntries(Array.from({ length: 70 }, (_, i) => [i, 1]));
    const text = markdownReport({ run: runFixture({ seconds: secondsFixture(75, failing) }), generatedAt: GENERATED });
    expect(tableUnder(text, 'Failed requests')).toHaveLength(60);
    expect(text).toContain('… and 10 more seconds with failures (10 failed requests)');
  });

  it('escapes untrusted text: nothing from the drill, the fleet or a host becomes Markdown', () => {
    const hostile = 'x](http://evil/) <img src=x onerror=alert(1)> | *';
    const output = 'ok\n```\n# injected heading\n[link](http://evil/)\n';
    const run = runFixture({
      status: 'aborted',
      phase: 'observing',
      reasonCode: 'operator-abort',
      reason: hostile,
      expectations: [],
      plan: planFixture({ description: hostile, targets: [{ kind: 'replica', name: 'lab-r1', cluster: null, region: null, protected: false, why: hostile }] }),
      milestones: [milestone('injected', 0, { text: hostile, subject: 'a|b' })],
    });
    const text = markdownReport({ run, faultRun: faultRunFixture(output), generatedAt: GENERATED });
    // Outside the fenced output, no markup character is left unescaped.
    const prose = text.replace(/^(`{3,})text\n[\s\S]*?^\1$/gm, '');
    expect(prose).toMatch(/\\<img/);
    expect(prose).not.toMatch(/(?<!\\)<img/);
    expect(prose).not.toMatch(/(?<!\\)\]\(http/);
    expect(text).toContain('x\\](http://evil/) \\<img src=x onerror=alert(1)\\> \\| \\*');
    // The timeline's row still has its 5 columns: the pipes in the text did not add any.
    expect(tableUnder(text, 'Timeline')[0]).toHaveLength(5);
    // The command output is verbatim, inside a fence longer than the backticks in it.
    expect(text).toContain(`\`\`\`\`text\n${output}\`\`\`\``);
  });

  it("adds the drill's history with the runs flagged as worse than the median", () => {
    const base = runFixture();
    const runs = [10, 11, 12, 10, 11, 30].map((recover, i) =>
      runFixture({ id: `r${i}`, startedAt: T0 + i * 3_600_000, endedAt: T0 + i * 3_600_000 + 60_000, derived: { ...base.derived, recoverSeconds: recover } }),
    );
    const text = markdownReport({ run: runs[5], history: drillHistory('replica-maint', runs), generatedAt: GENERATED });
    const rows = tableUnder(text, 'History');
    expect(rows).toHaveLength(6);
    expect(rows[5][1]).toBe('**r5** (this run)');
    expect(rows[5][7]).toBe('**time to recover 30 s \\> 14.75 s (median 11 s of 5 runs)**');
    expect(rows.slice(0, 5).map((r) => r[7])).toEqual(['', '', '', '', '']);
    expect(text).toContain('worse than the median of the previous 5 judged runs by more than 25 %');
  });
});
