/**
 * The retention age is the data directory's setting: `fleetops retention` shows and sets it
 * (audited; bad values refused, nothing changed), and the timeline feature's retention reads it at
 * each pass — a change made by another process applies without a restart.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../../electron/cli/index';
import { timelineFeature } from '../../../electron/core/timeline/timeline-feature';
import type { Timers } from '../../../electron/core/probe/scheduler';
import { ev, openFixture, T0 } from './helpers';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});
const DAY = 86_400_000;

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['retention', ...argv], { out: (t) => void (out += `${t}\n`), err: (t) => void (err += `${t}\n`) });
  return { code, out, err };
}

describe('event retention as a setting', () => {
  it('is shown and set by `fleetops retention`, audited; bad values change nothing', async () => {
    const fx = openFixture({}, cleanups);
    expect(await cli('--data-dir', fx.dir)).toMatchObject({ code: 0, out: expect.stringMatching(/^events kept 90 days \(the default\)/) });
    expect(await cli('--data-dir', fx.dir, '--events-days', '0')).toMatchObject({ code: 3, err: expect.stringMatching(/--events-days must be a whole number of days from 1 to 3650, got "0"/) });
    expect(await cli('--data-dir', fx.dir, '--events-days', '7.5')).toMatchObject({ code: 3 });
    expect(await cli('--data-dir', fx.dir, '--events-days', '30', '--json')).toMatchObject({ code: 0, out: '{"eventsDays":30,"source":"stored","problem":null}\n' });
    expect(fx.store.audit.list({ limit: 10 }).filter((e) => e.kind === 'settings.retention').map((e) => e.detail)).toEqual([{ eventsDays: 30, before: 90 }]);
    expect(await cli('--data-dir', `${fx.dir}-missing`)).toMatchObject({ code: 3, err: expect.stringMatching(/no fleetops store at/) });
  });

  it("the console's retention reads it at each pass: set elsewhere, applied at the next", async () => {
    const fx = openFixture({}, cleanups);
    const now = T0 + 200 * DAY;
    fx.store.appendEvents([ev(now - 100 * DAY, 'node.health', 'a1', 'info', 'a hundred days old'), ev(now - 40 * DAY, 'node.health', 'a1', 'info', 'forty days old')]);
    const pending: Array<() => void> = [];
    const timers: Timers = { now: () => now, setTimeout: (fn) => (pending.push(fn), pending.length), clearTimeout: () => undefined };
    const feature = timelineFeature({ path: fx.store.path, inventory: () => null, now: () => now, timers, options: { firstAfterMs: 1 } });
    const service = feature.services![0]!;
    void service.start();
    cleanups.push(() => void service.stop());
    const left = () => fx.db.prepare("SELECT message FROM events WHERE kind = 'node.health' ORDER BY ts").pluck().all();
    pending.shift()!();
    expect(left()).toEqual(['forty days old']); // the default, 90 days
    expect((await cli('--data-dir', fx.dir, '--events-days', '30')).code).toBe(0);
    pending.shift()!();
    expect(left()).toEqual([]);
  });
});
