/**
 * The `fleetops` command. `npm run fleetops -- ARGS` runs this file from source; the
 * package's `bin` runs the same code compiled into dist/.
 */
import { runAuditCommand } from './audit-command';
import { runBundleCommand } from './bundle-command';
import { runCapacityCommand } from './capacity-command';
import { runCheckCommand } from './check-command';
import { runDrillCommand } from './drill-command';
import { runIncidentCommand } from './incident-command';
import { processIo, type CliIo } from './io';
import { runLabCommand } from './lab-command';
import { runRetentionCommand } from './retention-command';
import { runReviewCommand } from './review-command';
import { runRunCommand } from './run-command';
import { runServeCommand } from './serve-command';

export const USAGE = `Usage: fleetops <command> [options]
  serve [--inventory FILE] [--lab [--lab-nodes N] [--lab-spares N] [--lab-warm-spares N] [--lab-spare-nodes] [--lab-dir DIR] [--lab-no-slurm] [--lab-checkpoint-every S] [--lab-probe-interval S]] [--port N] [--data-dir DIR]
        [--host ADDR --allow-remote (--tls-cert FILE --tls-key FILE | --insecure-http)]
                                             the console in a browser (127.0.0.1 unless --allow-remote)
  check --inventory FILE [--json] [--concurrency N]
                                             probe every node, replica and load balancer once
  capacity --inventory FILE [--json] [--data-dir DIR] [--concurrency N]
                                             spares and the largest-domain loss per service (exit 0
                                             survives, 1 only with cold spares or below SLO, 2 fails)
  lab [--nodes N] [--replicas N] [--spares N] [--warm-spares N] [--spare-nodes] [--dir DIR]
                                             run the simulated lab fleet (its own data dir: DIR/data)
  lab fault --dir DIR --node NAME --kind KIND [--gpu I]
  lab clear --dir DIR --node NAME [--kind KIND]
  lab status --dir DIR [--json]              inject / clear / show lab faults from another terminal
  run RUNBOOK --inventory FILE --target T [--param k=v ...] (--dry-run | --yes) [--confirm NAME]
      [--override REASON] [--read-only] [--read-only-cluster NAME ...] [--data-dir DIR]
                                             plan or run a failover runbook
  run (--rollback RUN | --continue RUN) --inventory FILE [--data-dir DIR]
                                             undo, or go on with, an interrupted or stopped run
  drill run NAME --inventory FILE [--dry-run] [--yes] [--seed S] [--confirm NAME] [--data-dir DIR]
                                             plan or run a failover drill (exit 0 passed, 1 failed,
                                             2 refused or skipped, 3 the restore failed)
  drill list --inventory FILE [--json]       the drills, their schedules and last runs
  drill stop-all --inventory FILE [--release]
                                             abort and restore every running drill, refuse new ones
  drill report RUN|last [--format md|json|html|bundle] [--drill NAME] [--output FILE] [--data-dir DIR | --inventory FILE]
                                             a drill run's report (bundle: signed, all formats)
  incident list [--status S] [--json] | show ID [--json] | ack ID | resolve ID | close ID | note ID --text TEXT
           [--data-dir DIR | --inventory FILE]
                                             the incidents the console opened (or people did)
  incident export ID --out FILE [--format bundle|md|html|csv] [--data-dir DIR | --inventory FILE]
  incident import FILE [--trust] [--data-dir DIR]
                                             a signed bundle (or a report) for offline review / import one
  review FILE [--port N] [--trust]           open a bundle for review: imported into a temporary data
                                             directory, served read-only with no fleet
  retention [--events-days N] [--data-dir DIR | --inventory FILE] [--json]
                                             days of events the timeline keeps (default 90), shown or set
  bundle verify FILE [--data-dir DIR] [--json]
  bundle trust FILE [--label TEXT] [--data-dir DIR]
                                             check a signed bundle anywhere / trust its signer
  audit verify [--data-dir DIR | --inventory FILE] [--json]
  audit list [--data-dir DIR | --inventory FILE] [--limit N] [--json]
                                             check the audit log's hash chain / list its entries
Run \`fleetops <command> --help\` for a command's options.`;

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return runServeCommand(rest, io);
    case 'check':
      return runCheckCommand(rest, io);
    case 'capacity':
      return runCapacityCommand(rest, io);
    case 'lab':
      return runLabCommand(rest, io);
    case 'audit':
      return runAuditCommand(rest, io);
    case 'run':
      return runRunCommand(rest, io);
    case 'drill':
      return runDrillCommand(rest, io);
    case 'bundle':
      return runBundleCommand(rest, io);
    case 'incident':
      return runIncidentCommand(rest, io);
    case 'review':
      return runReviewCommand(rest, io);
    case 'retention':
      return runRetentionCommand(rest, io);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(USAGE);
      return command === undefined ? 2 : 0;
    default:
      io.err(`fleetops: unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

export function run(): void {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`fleetops: ${(err as Error)?.stack ?? err}\n`);
      process.exitCode = 3;
    },
  );
}

if (require.main === module) run();
