/**
 * The two training commands a lab node answers by running real programs, each behind a STRICT
 * recogniser that turns the line back into an argv for execFile (nothing ever reaches a shell's
 * parser):
 *
 * - on a cluster's controlVia node, the scontrol lines the console renders for its Slurm changes
 *   (electron/core/slurm/render-change.ts): drain, resume, requeue, and the requeue's follow-up
 *   (`show job -o`, `update … StartTime=now`). A line is accepted only when it is exactly what
 *   the console's own renderer makes of the values read back from it, with the lab's SLURM_CONF,
 *   for a node of that Slurm; then the real `scontrol` runs with the lab Slurm's environment;
 * - on any node, the checkpoint listing command (checkpoints/listing-script.ts) for a directory
 *   inside the lab's own checkpoint folder, run as `sh -c <fixed script> NAME DIR` (argv).
 */
import { execFile } from 'node:child_process';
import { resolve, sep } from 'node:path';
import type { SlurmChange } from '../../../shared/slurm';
import { recogniseListingCommand } from '../checkpoints/listing-script';
import { renderSlurmChange, SLURM_JOB_ID, SLURM_NODE_NAME } from '../slurm/render-change';
import type { CommandResult } from './shell-result';

/** A node's extra command: null when the line is not one it knows (the host says "not found"). */
export type LabCommandHandler = (command: string) => Promise<CommandResult> | null;

/** One shellQuote'd word: `'…'` where a literal quote is written `'\''`. */
const QUOTED = String.raw`'[^']*(?:'\\''[^']*)*'`;
const unquote = (word: string): string => word.slice(1, -1).replace(/'\\''/g, "'");

const FORMS: ReadonlyArray<{ re: RegExp; read: (m: RegExpExecArray) => ScontrolRequest }> = [
  { re: new RegExp(`^update NodeName=(${QUOTED}) State=DRAIN Reason=(${QUOTED})$`), read: (m) => ({ kind: 'drain', node: unquote(m[1]), reason: unquote(m[2]) }) },
  { re: new RegExp(`^update NodeName=(${QUOTED}) State=RESUME$`), read: (m) => ({ kind: 'resume', node: unquote(m[1]) }) },
  { re: new RegExp(`^requeue (${QUOTED})$`), read: (m) => ({ kind: 'requeue', jobId: unquote(m[1]) }) },
  { re: new RegExp(`^show job -o (${QUOTED})$`), read: (m) => ({ kind: 'show-job', jobId: unquote(m[1]) }) },
  { re: new RegExp(`^update JobId=(${QUOTED}) StartTime=now$`), read: (m) => ({ kind: 'start-now', jobId: unquote(m[1]) }) },
];

export type ScontrolRequest = SlurmChange | { kind: 'show-job'; jobId: string } | { kind: 'start-now'; jobId: string };

export interface ScontrolScope {
  /** The lab Slurm's slurm.conf: the line must name exactly this one. */
  confFile: string;
  /** Its nodes: a drain or resume of any other name is refused. */
  nodeNames: readonly string[];
}

/**
 * The request and the argv for `scontrol`, or null. Refused: another SLURM_CONF or any other
 * variable, another binary, any form not listed, extra words, a node not in this Slurm, a job id
 * or reason the renderer itself would refuse, and any line that is not byte for byte what the
 * renderer makes of the values read back from it.
 */
export function parseScontrolLine(command: string, scope: ScontrolScope): { request: ScontrolRequest; argv: string[] } | null {
  const m = new RegExp(`^SLURM_CONF=(${QUOTED}) scontrol (.*)$`, 's').exec(command);
  if (!m || unquote(m[1]) !== scope.confFile) return null;
  const rest = m[2];
  for (const form of FORMS) {
    const f = form.re.exec(rest);
    if (!f) continue;
    const request = form.read(f);
    if ('node' in request && (!SLURM_NODE_NAME.test(request.node) || !scope.nodeNames.includes(request.node))) return null;
    if ('jobId' in request && !SLURM_JOB_ID.test(request.jobId)) return null;
    let rendered: string;
    try {
      rendered = renderedLine(request, scope.confFile);
    } catch {
      return null; // the renderer refuses it (a reason with a control character, too long…)
    }
    return rendered === command ? { request, argv: argvOf(request) } : null;
  }
  return null;
}

function renderedLine(request: ScontrolRequest, confFile: string): string {
  const opts = { env: { SLURM_CONF: confFile } };
  if (request.kind === 'show-job' || request.kind === 'start-now') {
    const r = renderSlurmChange({ kind: 'requeue', jobId: request.jobId }, null, opts);
    const followUp = r.via === 'scontrol' ? r.followUp : undefined;
    if (!followUp) throw new Error('no follow-up');
    return request.kind === 'show-job' ? followUp.check : followUp.command;
  }
  const r = renderSlurmChange(request, null, opts);
  if (r.via !== 'scontrol') throw new Error('not scontrol');
  return r.command;
}

function argvOf(r: ScontrolRequest): string[] {
  switch (r.kind) {
    case 'drain':
      return ['update', `NodeName=${r.node}`, 'State=DRAIN', `Reason=${r.reason}`];
    case 'resume':
      return ['update', `NodeName=${r.node}`, 'State=RESUME'];
    case 'requeue':
      return ['requeue', r.jobId];
    case 'show-job':
      return ['show', 'job', '-o', r.jobId];
    case 'start-now':
      return ['update', `JobId=${r.jobId}`, 'StartTime=now'];
  }
}

/** The controlVia node's scontrol: recognised lines run `scontrol` through `run` (execFile, the lab Slurm's env). */
export function scontrolHandler(scope: ScontrolScope & { run: (argv: string[]) => Promise<CommandResult> }): LabCommandHandler {
  return (command) => {
    const parsed = parseScontrolLine(command, scope);
    return parsed ? scope.run(parsed.argv) : null;
  };
}

/**
 * The listing's argv when `command` is exactly one layout's listing command for a directory at or
 * under `root` (absolute, already normalised: no `.`, `..` or `//` to walk out with), else null.
 */
export function parseLabListing(command: string, root: string): string[] | null {
  const recognised = recogniseListingCommand(command);
  if (!recognised) return null;
  const dir = recognised.directory;
  if (resolve(dir) !== dir) return null;
  if (dir !== root && !dir.startsWith(`${root}${sep}`)) return null;
  return recognised.argv;
}

/** Listings run with a plain PATH and nothing else of the lab's environment. */
const LISTING_ENV = { PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin', LC_ALL: 'C' };

export function listingHandler(root: string): LabCommandHandler {
  return (command) => {
    const argv = parseLabListing(command, root);
    if (!argv) return null;
    return new Promise((done) => {
      execFile(argv[0], argv.slice(1), { env: LISTING_ENV, timeout: 20_000, maxBuffer: 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
        const exit = (err as { code?: unknown } | null)?.code;
        done({ stdout, stderr: err && typeof exit !== 'number' ? `${stderr}${err.message}\n` : stderr, code: !err ? 0 : typeof exit === 'number' ? exit : 1 });
      });
    });
  };
}
