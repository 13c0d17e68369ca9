/**
 * Child process of runbook-exec-haproxy.test.ts: runs the drain plan against the lab HAProxy and
 * prints every run.updated event as a JSON line, so the parent knows when to SIGKILL it.
 * argv: DB_FILE RUNTIME_HOST RUNTIME_PORT SERVER
 */
import { drainPlan, labEngine, openJournalDb } from './runbook-exec-lab';

const [file, host, port, server] = process.argv.slice(2) as [string, string, string, string];
const engine = labEngine(openJournalDb(file), { host, port: Number(port) }, (e) => process.stdout.write(`${JSON.stringify(e)}\n`));
// The plan's waits last 10 minutes: the parent kills this process long before.
void engine.start(drainPlan(server, 600), { operator: { user: 'crash-test', host: 'child' } }).done;
