import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createSecureContext } from 'node:tls';
import { parseArgs } from 'node:util';
import { toErrorData } from '../../shared/errors';
import { FleetCore } from '../core/fleet/core';
import { startLabControl } from '../core/lab/lab-control';
import { startLab, type LabFleet } from '../core/lab/lab-fleet';
import { startLabServices, type LabServices } from '../core/lab/lab-services';
import { createDispatch } from '../core/rpc/dispatch';
import { LayeredSecretStore } from '../core/secrets/secret-store';
import { PassphraseVault } from '../core/ssh/passphrase-vault';
import { isLoopbackHost } from '../serve/loopback';
import { remoteRefusal, startServer, type RunningServer, type ServeOptions } from '../serve/server';
import type { CliIo } from './io';
import { chooseDataDir, cliAuditIdentity } from './data-dir';
import { cliPassphrases, inventoryEnvFromProcess, secretFromEnv } from './runtime-env';

export const SERVE_USAGE = `Usage: fleetops serve [--inventory FILE | --lab [--lab-nodes N] [--lab-spares N] [--lab-warm-spares N] [--lab-spare-nodes] [--lab-dir DIR] [--lab-no-slurm] [--lab-checkpoint-every S] [--lab-probe-interval S]] [--port N] [--data-dir DIR]
                     [--host ADDR --allow-remote (--tls-cert FILE --tls-key FILE | --insecure-http)]
Runs the console headless and serves it to a browser on 127.0.0.1 (token in the printed URL).
  -i, --inventory FILE  the fleet to watch (inventory YAML)
  --lab                 start the built-in lab fleet (simulated GPU nodes over real SSH) and watch it
  --lab-nodes N         size of the lab fleet (default 12)
  --lab-spares N        of the lab's replicas, how many are cold spares (the last ones): service
                        stopped, held in maintenance by HAProxy, for the replace-replica runbook (default 0)
  --lab-warm-spares N   how many more, just before the cold ones, are warm spares: service running,
                        model loaded, held in maintenance by HAProxy (0-5, default 0; at least one
                        replica always serves)
  --lab-spare-nodes     add two spare nodes to the lab's first training cluster: one warm (idle),
                        one cold; under Slurm both drained ("fleetops spare"), in partition "spare" too
  --lab-dir DIR         where the lab keeps its files (default: a temporary directory, removed at exit)
  --lab-no-slurm        run the lab's training clusters without a scheduler even where Slurm is
                        installed (by default, as root with Slurm installed, each runs under a real
                        Slurm on loopback with running lab jobs)
  --lab-checkpoint-every S  the lab training job's checkpoint policy in seconds (default 20; its
                        writer saves four times per interval)
  --lab-probe-interval S  how often the console probes each lab node, in seconds (default 3, so a
                        fault shows within seconds; 10 is a real fleet's default, lighter for a big lab)
  -p, --port N          port to listen on (default: any free port)
  --data-dir DIR        event store, audit log and runbook journal (default: with --lab or a lab's
                        inventory the lab's own DIR/data, else the per-user data directory)
  --host ADDR           address to listen on (default 127.0.0.1)
  --allow-remote        allow a --host that is not loopback: anyone who reaches it and has the
                        token drives the console; needs TLS or --insecure-http
  --tls-cert FILE       PEM certificate (chain) to serve https:// and wss://, with --tls-key
  --tls-key FILE        PEM private key for --tls-cert
  --insecure-http       off loopback, serve plain http:// anyway: the token and every call cross
                        the network in clear (a loud warning is printed)
  --renderer-dir DIR    serve the console from DIR instead of the built one (development, tests)`;

/** Every option `serve` parses (SERVE_USAGE lists each: test/unit/serve/serve-args.test.ts). */
export const SERVE_OPTIONS = {
  inventory: { type: 'string', short: 'i' },
  lab: { type: 'boolean', default: false },
  'lab-nodes': { type: 'string' },
  'lab-spares': { type: 'string' },
  'lab-warm-spares': { type: 'string' },
  'lab-spare-nodes': { type: 'boolean', default: false },
  'lab-dir': { type: 'string' },
  'lab-no-slurm': { type: 'boolean', default: false },
  'lab-checkpoint-every': { type: 'string' },
  'lab-probe-interval': { type: 'string' },
  port: { type: 'string', short: 'p' },
  host: { type: 'string' },
  'allow-remote': { type: 'boolean', default: false },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'insecure-http': { type: 'boolean', default: false },
  'data-dir': { type: 'string' },
  'renderer-dir': { type: 'string' },
} as const;

export interface ServeHandle {
  server: RunningServer;
  core: FleetCore;
  lab: LabFleet | null;
  labServices: LabServices | null;
  stop(): Promise<void>;
}

/** Starts everything `serve` runs; the CLI waits for a signal, tests call stop(). */
export async function startServe(argv: string[], io: CliIo): Promise<ServeHandle> {
  const { values } = parseArgs({ args: argv, options: SERVE_OPTIONS, strict: true });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be an integer from 0 to 65535');
  const labNodes = values['lab-nodes'] === undefined ? 12 : Number(values['lab-nodes']);
  if (!Number.isInteger(labNodes) || labNodes < 1 || labNodes > 5000) throw new Error('--lab-nodes must be an integer from 1 to 5000');
  const labSpares = values['lab-spares'] === undefined ? 0 : Number(values['lab-spares']);
  if (!Number.isInteger(labSpares) || labSpares < 0 || labSpares > 5) throw new Error('--lab-spares must be an integer from 0 to 5');
  const labWarmSpares = values['lab-warm-spares'] === undefined ? 0 : Number(values['lab-warm-spares']);
  if (!Number.isInteger(labWarmSpares) || labWarmSpares < 0 || labWarmSpares > 5) throw new Error('--lab-warm-spares must be an integer from 0 to 5');
  const labCheckpointEvery = values['lab-checkpoint-every'] === undefined ? 20 : Number(values['lab-checkpoint-every']);
  if (!Number.isInteger(labCheckpointEvery) || labCheckpointEvery < 2 || labCheckpointEvery > 86_400) throw new Error('--lab-checkpoint-every must be an integer from 2 to 86400 (seconds)');
  const labProbeInterval = values['lab-probe-interval'] === undefined ? undefined : Number(values['lab-probe-interval']);
  if (labProbeInterval !== undefined && (!Number.isInteger(labProbeInterval) || labProbeInterval < 1 || labProbeInterval > 3600)) throw new Error('--lab-probe-interval must be an integer from 1 to 3600 (seconds)');
  if (values.lab && values.inventory) throw new Error('use either --lab or --inventory, not both');
  // Exposure and TLS are settled before anything starts: a refused serve leaves nothing behind.
  const exposure = remoteOptions({
    host: values.host,
    allowRemote: values['allow-remote'],
    tlsCert: values['tls-cert'],
    tlsKey: values['tls-key'],
    insecureHttp: values['insecure-http'],
  });

  const rendererDir = values['renderer-dir'] ? resolve(values['renderer-dir']) : builtRendererDir();
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(`the console is not built (no ${join(rendererDir, 'index.html')}): run \`npm run build:renderer\``);
  }
  let lab: LabFleet | null = null;
  let inventoryPath = values.inventory ? resolve(values.inventory) : null;
  // A lab directory we made ourselves is ours to remove; one the operator named is kept.
  let ownLabDir: string | null = null;
  let labControl: { close(): Promise<void> } | null = null;
  let labServices: LabServices | null = null;
  if (values.lab) {
    const dir = values['lab-dir'] ? resolve(values['lab-dir']) : (ownLabDir = await mkdtemp(join(tmpdir(), 'fleetops-lab-')));
    lab = await startLab({ dir, nodes: labNodes, probeIntervalSeconds: labProbeInterval, spareNodes: values['lab-spare-nodes'], training: { slurm: !values['lab-no-slurm'], checkpointEverySeconds: labCheckpointEvery } });
    inventoryPath = lab.inventoryPath;
    try {
      labServices = await startLabServices({ dir, inventoryPath: lab.inventoryPath, fleet: lab, spares: labSpares, warmSpares: labWarmSpares });
      // So `fleetops lab fault --dir DIR` (and `fleetops drill run` on this lab's inventory) work
      // from another terminal, as with `fleetops lab`.
      labControl = await startLabControl(lab, labServices);
    } catch (err) {
      await labServices?.stop();
      await lab.stop();
      throw err;
    }
    const training = lab.info().training;
    io.out(
      training && training.schedulers.length > 0
        ? `lab: training clusters under Slurm: ${training.schedulers.map((t) => `${t.cluster} (${t.nodes.length} nodes, slurmrestd ${t.url})`).join(', ')}; jobs ${training.jobs.map((j) => j.name).join(', ') || 'none'}`
        : `lab: no scheduler for the training clusters: ${training?.reason ?? 'none started'}`,
    );
    const lb = labServices.info().loadBalancer;
    const spareNodes = lab.spareNodes();
    io.out(`lab: ${labNodes + spareNodes.length} simulated nodes in ${dir}${spareNodes.length ? ` (spare nodes: ${spareNodes.map((n) => `${n.node} ${n.mode}`).join(', ')})` : ''}; inject faults from the lab panel or \`fleetops lab fault --dir ${dir} …\``);
    const spares = (mode: 'warm' | 'cold') => labServices!.info().replicas.filter((r) => r.spareMode === mode).map((r) => r.name);
    const spareText = [spares('warm').length ? `warm spare: ${spares('warm').join(', ')}` : '', spares('cold').length ? `cold spare: ${spares('cold').join(', ')}` : ''].filter(Boolean).join('; ');
    io.out(`lab: ${labServices.info().replicas.length} inference replicas${spareText ? ` (${spareText})` : ''}; ${lb.available ? `HAProxy frontend ${lb.frontendUrl}` : `no load balancer: ${lb.reason}`}`);
    for (const note of labServices.notes) io.out(`lab: ${note}`);
  }

  // A lab (--lab, or a lab's own inventory) keeps its store and audit log in DIR/data unless
  // --data-dir says otherwise, and its audit entries say they come from the lab.
  const { dataDir, labDir } = chooseDataDir({ dataDir: values['data-dir'], inventoryPath, labDir: lab?.dir ?? null });

  // Passphrases and replica secrets entered in the browser stay in this process's memory only
  // (serve has no keychain), in front of the terminal and FLEETOPS_SSH_PASSPHRASE / FLEETOPS_SECRET_<REF>.
  const core = new FleetCore({ dataDir, identity: cliAuditIdentity(labDir), inventoryPath, inventoryEnv: inventoryEnvFromProcess(), passphrases: new PassphraseVault({ inner: cliPassphrases() }),
    lab,
    labServices,
    // The lab's Slurm tokens reach the console in-process, never through its inventory.
    secrets: new LayeredSecretStore({ inner: labSecrets(lab, secretFromEnv()) }),
    processLabel: 'fleetops serve',
    // Scheduled drills run while the console runs.
    drills: { schedule: true },
  });
  let server: RunningServer;
  try {
    await core.start();
    server = await startServer({
      dispatch: createDispatch(core.handlers, { onInternalError: (m, e) => io.err(`internal error in ${m}: ${(e as Error)?.stack ?? e}`) }),
      subscribe: (l) => core.subscribe(l),
      rendererDir,
      host: values.host,
      port,
      ...exposure,
    });
  } catch (err) {
    await core.stop().catch(() => undefined);
    await labServices?.stop();
    await labControl?.close();
    await lab?.stop();
    if (ownLabDir) await rm(ownLabDir, { recursive: true, force: true });
    throw err;
  }
  if (exposure.insecureHttp && !isLoopbackHost(server.host) && !server.secure) io.err(INSECURE_HTTP_WARNING);
  io.out(`fleetops console: ${server.url}`);
  io.out(`data: ${dataDir}${inventoryPath ? `  inventory: ${inventoryPath}` : '  (no inventory: pass --inventory FILE or --lab)'}`);
  return {
    server,
    core,
    lab,
    labServices,
    stop: async () => {
      await server.close();
      await core.stop();
      await labServices?.stop();
      await labControl?.close();
      await lab?.stop();
      if (ownLabDir) await rm(ownLabDir, { recursive: true, force: true });
    },
  };
}

/** The lab's own secrets (its Slurm REST tokens) in front of `inner`. */
function labSecrets(lab: LabFleet | null, inner: (ref: string) => Promise<string | undefined>): (ref: string) => Promise<string | undefined> {
  return async (ref) => lab?.secret(ref) ?? inner(ref);
}

export async function runServeCommand(argv: string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(SERVE_USAGE);
    return 0;
  }
  // Listening before the console's URL is printed: whoever reads it may signal at once, and a
  // signal with no listener kills the process where it stands (the lab's HAProxy and sshd left
  // running, its directory left behind). One that comes during start-up stops it right after.
  let stop = () => {};
  const stopped = new Promise<void>((resolveStop) => {
    stop = () => resolveStop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  let handle: ServeHandle;
  try {
    handle = await startServe(argv, io);
  } catch (err) {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    const e = toErrorData(err);
    io.err(`fleetops serve: ${e.message}\n${SERVE_USAGE}`);
    return 2;
  }
  await stopped;
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  io.out('stopping…');
  await handle.stop();
  return 0;
}

export const INSECURE_HTTP_WARNING = [
  '*'.repeat(78),
  'WARNING: --insecure-http: the console is served to the network over plain HTTP.',
  'The token in the printed URL, and every call (passphrases and secrets typed in the console',
  'included), cross the network unencrypted: anyone on the path can read them and drive the',
  'console. Serve it with --tls-cert FILE --tls-key FILE instead.',
  '*'.repeat(78),
].join('\n');

export interface RemoteArgs {
  host?: string;
  allowRemote: boolean;
  tlsCert?: string;
  tlsKey?: string;
  insecureHttp: boolean;
}

/**
 * --host / --allow-remote / --tls-cert / --tls-key / --insecure-http into server options, or
 * the reason they are refused: off loopback only with --allow-remote, and then only over TLS
 * or with an explicit --insecure-http. The certificate and key are read and checked to be a
 * pair here, so a bad file is reported before the lab or the engine starts.
 */
export function remoteOptions(args: RemoteArgs): Pick<ServeOptions, 'allowRemote' | 'tls' | 'insecureHttp'> {
  if ((args.tlsCert === undefined) !== (args.tlsKey === undefined)) throw new Error('--tls-cert and --tls-key go together');
  if (args.tlsCert !== undefined && args.insecureHttp) throw new Error('use either --tls-cert/--tls-key or --insecure-http, not both');
  let tls: ServeOptions['tls'];
  if (args.tlsCert !== undefined && args.tlsKey !== undefined) {
    tls = { cert: readPem(args.tlsCert, '--tls-cert'), key: readPem(args.tlsKey, '--tls-key') };
    try {
      createSecureContext(tls);
    } catch (err) {
      throw new Error(`--tls-cert ${args.tlsCert} and --tls-key ${args.tlsKey} are not a usable certificate and key: ${(err as Error).message}`);
    }
  }
  const opts = { allowRemote: args.allowRemote, tls, insecureHttp: args.insecureHttp };
  const refusal = remoteRefusal(args.host ?? '127.0.0.1', opts);
  if (refusal) throw new Error(refusal);
  return opts;
}

function readPem(file: string, flag: string): Buffer {
  try {
    return readFileSync(resolve(file));
  } catch (err) {
    throw new Error(`cannot read ${flag} ${file}: ${(err as Error).message}`);
  }
}

/** dist/renderer, from the TypeScript sources (tsx) or from the compiled CLI in dist/. */
export function builtRendererDir(): string {
  const fromSource = resolve(__dirname, '..', '..', 'dist', 'renderer');
  const fromDist = resolve(__dirname, '..', '..', 'renderer');
  return __filename.endsWith('.ts') ? fromSource : fromDist;
}
