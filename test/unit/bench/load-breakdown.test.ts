/**
 * bench/ui.ts --breakdown turns the page's milestones into consecutive phases of a first render
 * (bench/load-breakdown.ts): each phase ends at a milestone, a milestone the page did not report
 * leaves its time to the next phase, and the runs' phases and slices are summed up by median.
 */
import { describe, expect, it } from 'vitest';
import { describeResources, loadPhases, medianPhases, medianSlices, type PageMilestones } from '../../../bench/load-breakdown';

const milestones: PageMilestones = {
  htmlEnd: 40,
  resources: [
    { name: 'index-AbCdEf12.js', responseEnd: 120, bytes: 48_000 },
    { name: 'index-AbCdEf12.css', responseEnd: 100, bytes: 5_000 },
    { name: 'console-ZyXw9876.js', responseEnd: 300, bytes: 130_000 },
  ],
  marks: [
    { name: 'fleetops:boot', at: 150 },
    { name: 'fleetops:socket-open', at: 220 },
    { name: 'fleetops:call:fleet.snapshot', at: 221 },
    { name: 'fleetops:call:events.list', at: 600 },
  ],
  measures: [
    { name: 'fleetops:reply:fleet.snapshot:parse', start: 500, end: 530 },
    { name: 'fleetops:reply:fleet.snapshot:check', start: 530, end: 560 },
  ],
  contentMs: 700,
};

describe('first render phases', () => {
  it('from navigation start to the content, each phase up to its milestone', () => {
    const phases = loadPhases(milestones);
    expect(phases.map((p) => [p.phase.split(' (')[0], p.ms, p.atMs])).toEqual([
      ['HTML', 40, 40],
      ['entry and style sheets download', 80, 120],
      ['entry evaluation', 30, 150],
      ['socket open', 70, 220],
      ['snapshot asked', 1, 221],
      ['snapshot wait', 279, 500],
      ['snapshot JSON.parse', 30, 530],
      ['snapshot contract check', 30, 560],
      ['render until the content is in the DOM', 140, 700],
    ]);
    expect(phases.reduce((s, p) => s + p.ms, 0)).toBe(700);
  });

  it('a milestone the page did not report gives its time to the next phase', () => {
    const phases = loadPhases({ ...milestones, marks: milestones.marks.filter((m) => m.name !== 'fleetops:socket-open') });
    expect(phases.find((p) => p.phase === 'snapshot asked')).toMatchObject({ ms: 71, atMs: 221 });
    expect(phases.reduce((s, p) => s + p.ms, 0)).toBe(700);
  });

  it('medians over runs, by phase and by slice', () => {
    const runs = [10, 30, 20].map((d) => loadPhases({ ...milestones, contentMs: 700 + d }));
    expect(medianPhases(runs).at(-1)).toMatchObject({ phase: 'render until the content is in the DOM', ms: 160, atMs: 720 });
    expect(medianSlices([{ FunctionCall: 10, Layout: 1 }, { FunctionCall: 30 }, { FunctionCall: 20, Layout: 3 }])).toEqual([
      ['FunctionCall', 20],
      ['Layout', 1],
    ]);
  });

  it('lists the files with their size and when they arrived, without their hashes', () => {
    expect(describeResources(milestones)).toBe('index.js 47 KB @ 120, index.css 5 KB @ 100, console.js 127 KB @ 300');
  });
});
