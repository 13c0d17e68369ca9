/**
 * Child process for concurrent-append.test.ts: opens the store in DIR as its own connection and,
 * once the parent writes a line to stdin, appends as USER as fast as it can until it has seen
 * the other writer get in between its own appends MIN_INTERLEAVINGS times, or the other writer
 * has stopped (DIR/done-OTHER exists). Appending by count would not do: one process can finish
 * a few hundred appends before the other has started.
 *   node -r tsx/cjs append-worker.ts DIR USER OTHER
 * Exit 0 done, 2 no interleaving within the deadline.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../../electron/core/store/open-store';
import { fleetMigrations } from '../../../electron/core/fleet/builtin-features';

const MIN_INTERLEAVINGS = 5;
const DEADLINE_MS = 10_000;

const [dir, user, other] = process.argv.slice(2);
const store = openStore(dir, { migrations: fleetMigrations(), auditIdentity: { user, host: `host-${user}` } });
process.stdout.write('ready\n');
process.stdin.once('data', () => {
  const deadline = Date.now() + DEADLINE_MS;
  let lastSeq = -1;
  let interleavings = 0;
  for (let i = 0; interleavings < MIN_INTERLEAVINGS && !existsSync(join(dir, `done-${other}`)); i++) {
    if (Date.now() > deadline) {
      process.stderr.write(`${user}: saw only ${interleavings} interleavings in ${DEADLINE_MS} ms\n`);
      process.exit(2);
    }
    const entry = store.audit.append({ kind: 'step', subject: user, detail: { i } });
    if (lastSeq !== -1 && entry.seq !== lastSeq + 1) interleavings++;
    lastSeq = entry.seq;
  }
  writeFileSync(join(dir, `done-${user}`), '');
  store.close();
  process.exit(0);
});
