import { describe, expect, it } from 'vitest';
import { drillHistory } from '../../../../electron/core/drills/report/drill-history';
import { HTML_REPORT_CSP, htmlReport } from '../../../../electron/core/drills/report/html-report';
import { JSON_REPORT_KIND, jsonReport } from '../../../../electron/core/drills/report/json-report';
import { renderDrillReport } from '../../../../electron/core/drills/report/render-report';
import { faultRunFixture, milestone, planFixture, runFixture, secondsFixture, T0 } from './run-fixture';

const GENERATED = T0 + 3_600_000;

/** The attribute values of every `<tag ... name="...">` in the page. */
const attrs = (html: string, name: string) => [...html.matchAll(new RegExp(`\\s${name}="([^"]*)"`, 'g'))].map((m) => m[1]);

describe('the HTML drill report', () => {
  it('is one page that fetches nothing: a no-fetch policy, no script, no external reference', () => {
    const html = htmlReport({ run: runFixture(), faultRun: faultRunFixture('done'), history: drillHistory('replica-maint', [runFixture()]), generatedAt: GENERATED });
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${HTML_REPORT_CSP}">`);
    expect(HTML_REPORT_CSP).toContain("default-src 'none'");
    expect(html).not.toMatch(/<script|<link|<img|<iframe|<object|@import|url\(/i);
    expect(attrs(html, 'src')).toEqual([]);
    expect(attrs(html, 'href')).toEqual([]);
    // URLs only as names: the SVG namespace (never fetched) and the probed frontend, as text.
    const urls = html.match(/https?:\/\/[^\s"<]+/g) ?? [];
    expect(urls.filter((u) => u !== 'http://www.w3.org/2000/svg' && !u.startsWith('http://127.0.0.1:8080/health'))).toEqual([]);
  });

  it('plots success rate and p95 latency per second with every milestone marked, and the hypothesis limits', () => {
    const run = runFixture({ seconds: secondsFixture(20, { 1: 5, 2: 1 }) });
    const html = htmlReport({ run, generatedAt: GENERATED });
    const svg = html.slice(html.indexOf('<svg'), html.indexOf('</svg>') + 6);
    expect(svg).toContain('<title>Drill replica-maint: success rate and p95 latency per second through the frontend, milestones marked</title>');
    // 20 seconds: success in every one; p95 in 19 (T+1 lost all its probes, so no latency: a gap, not a zero).
    expect(svg).toMatch(/data-series="success" data-points="20"/);
    expect(svg).toMatch(/data-series="p95" data-points="19"/);
    expect(attrs(svg, 'data-marker')).toEqual(['started', 'injected', 'first-failure', 'lb-down', 'console-detected', 'mitigated', 'restored', 'baseline']);
    expect(attrs(svg, 'data-threshold')).toEqual(['99', '1000']);
    // Markers left to right in time order: their x grows.
    const xs = [...svg.matchAll(/<g data-marker="[^"]*"><title>[^<]*<\/title><line x1="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(new Set(xs).size).toBe(8);
    // The p95 line breaks at T+1: two polylines.
    const p95 = svg.slice(svg.indexOf('data-series="p95"'));
    expect(p95.slice(0, p95.indexOf('</g>')).match(/<polyline/g)).toHaveLength(2);
  });

  it('says when there is nothing to plot rather than drawing an empty frame', () => {
    const html = htmlReport({ run: runFixture({ status: 'skipped', phase: 'pre-checks', injectedAt: null, reasonCode: 'blackout', reason: 'blackout', seconds: [], expectations: [] }), generatedAt: GENERATED });
    expect(html).not.toContain('<svg');
    expect(html).toContain('data-plot-empty');
    expect(html).toContain('SKIPPED (blackout): blackout. Nothing was injected.');
  });

  it('escapes every untrusted text, command output included', () => {
    const hostile = `<script>alert(1)</script><img src=x onerror="alert('x')">`;
    const output = '</pre><script>alert(2)</script>';
    const run = runFixture({
      drill: 'replica-maint',
      reason: hostile,
      status: 'aborted',
      phase: 'observing',
      reasonCode: 'operator-abort',
      expectations: [],
      plan: planFixture({ description: hostile, selection: hostile }),
      milestones: [milestone('injected', 0, { text: hostile, subject: hostile })],
    });
    const html = htmlReport({ run, faultRun: faultRunFixture(output), generatedAt: GENERATED });
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).not.toContain('</pre><script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;');
    expect(html).toContain('<pre>&lt;/pre&gt;&lt;script&gt;alert(2)&lt;/script&gt;</pre>');
  });

  it('shows the trend across runs with the flagged run ringed and named', () => {
    const base = runFixture();
    const runs = [10, 11, 12, 10, 11, 30].map((recover, i) =>
      runFixture({ id: `r${i}`, startedAt: T0 + i * 3_600_000, endedAt: T0 + i * 3_600_000 + 60_000, derived: { ...base.derived, recoverSeconds: recover } }),
    );
    const html = htmlReport({ run: runs[5], history: drillHistory('replica-maint', runs), generatedAt: GENERATED });
    const trend = html.slice(html.indexOf('data-section="trend"'));
    expect(trend).toMatch(/data-series="recover" data-points="6"/);
    expect(trend.match(/data-ring="true"/g)).toHaveLength(1);
    expect(html).toContain('<span class="flag" data-regression>time to recover 30 s &gt; 14.75 s (median 11 s of 5 runs)</span>');
  });
});

describe('the JSON drill report', () => {
  it('holds the same facts as the others plus every second, the plan and the runs around it', () => {
    const run = runFixture();
    const doc = JSON.parse(jsonReport({ run, faultRun: faultRunFixture('out'), history: drillHistory('replica-maint', [run]), generatedAt: GENERATED }));
    expect(doc.kind).toBe(JSON_REPORT_KIND);
    expect(doc.version).toBe(1);
    expect(doc.outcome).toBe('PASSED: all 3 expectations were met.');
    expect(doc.run).toMatchObject({ id: 'drun-1', status: 'passed', seed: 'seed-7', injectedAtIso: '2026-03-29T01:00:00.000Z' });
    expect(doc.targets.chosen.map((t: { name: string }) => t.name)).toEqual(['lab-r1']);
    expect(doc.timeline.map((r: { name: string }) => r.name)).toEqual(run.milestones.map((m) => m.name));
    expect(doc.expectations).toEqual(run.expectations);
    expect(doc.derived).toEqual(run.derived);
    expect(doc.failedRequests).toMatchObject({ sent: 100, failed: 3, lb: { http5xx: 3, connectionErrors: 2, responseErrors: 0, retries: 3, redispatches: 1 } });
    expect(doc.seconds).toEqual(run.seconds);
    expect(doc.plan).toEqual(run.plan);
    expect(doc.faultRun.steps[0].output).toBe('out');
    expect(doc.history.entries).toHaveLength(1);
  });
});

describe('renderDrillReport', () => {
  it('names the file after the drill, its start and its outcome, with the media type of the format', () => {
    const run = runFixture({ drill: 'replica-maint' });
    expect(renderDrillReport({ run, generatedAt: GENERATED }, 'md')).toMatchObject({ fileName: 'drill-replica-maint-2026-03-29T00-59-57Z-passed.md', mediaType: 'text/markdown; charset=utf-8' });
    expect(renderDrillReport({ run, generatedAt: GENERATED }, 'json')).toMatchObject({ fileName: 'drill-replica-maint-2026-03-29T00-59-57Z-passed.json', mediaType: 'application/json' });
    const html = renderDrillReport({ run, generatedAt: GENERATED }, 'html');
    expect(html).toMatchObject({ fileName: 'drill-replica-maint-2026-03-29T00-59-57Z-passed.html', mediaType: 'text/html; charset=utf-8' });
    expect(html.content).toBe(htmlReport({ run, generatedAt: GENERATED }));
  });
});
