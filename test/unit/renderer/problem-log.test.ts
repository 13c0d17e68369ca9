import { describe, expect, it } from 'vitest';
import { FleetApiError } from '../../../renderer/src/api/errors';
import { createProblemLog } from '../../../renderer/src/api/problem-log';
import { Listeners } from '../../../renderer/src/api/transport';

describe('problem log', () => {
  it('keeps the last problems in order, notifies, changes identity only on change, and clears', () => {
    const problems = new Listeners<FleetApiError>();
    const log = createProblemLog({ onProblem: (l) => problems.add(l) }, 2);
    let notified = 0;
    log.subscribe(() => notified++);
    const empty = log.current();
    expect(log.current()).toBe(empty);
    for (const m of ['a', 'b', 'c']) problems.emit(new FleetApiError('PARSE_FAILED', m));
    expect(log.current().map((p) => p.message)).toEqual(['b', 'c']);
    expect(notified).toBe(3);
    log.clear();
    expect(log.current()).toEqual([]);
    expect(notified).toBe(4);
  });
});
