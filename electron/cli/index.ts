/**
 * The `fleetops` command. `npm run fleetops -- ARGS` runs this file from source; the
 * package's `bin` runs the same code compiled into dist/.
 */
import { runAuditCommand } from './audit-command';
import { runCheckCommand } from './check-command';
import { processIo, type CliIo } from './io';
import { runLabCommand } from './lab-command';
import { runRunCommand } from './run-command';
import { runServeCommand } from './serve-command';

const USAGE = `Usage: fleetops <command> [options]
  serve [--inventory FILE] [--lab] [--port N] [--data-dir DIR]   console in a browser (127.0.0.1)
  check --inventory FILE [--json]                                   probe every node once
  lab [--nodes N] [--dir DIR]                                       run the simulated lab fleet
  lab fault|clear|status --dir DIR ...                              inject / clear lab faults
  run RUNBOOK --inventory FILE --target T (--dry-run | --yes)       plan or run a failover runbook
  audit verify|list [--data-dir DIR] [--json]                       check the audit log's hash chain
Run \`fleetops <command> --help\` for a command's options.`;

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return runServeCommand(rest, io);
    case 'check':
      return runCheckCommand(rest, io);
    case 'lab':
      return runLabCommand(rest, io);
    case 'audit':
      return runAuditCommand(rest, io);
    case 'run':
      return runRunCommand(rest, io);
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
