import { FleetError } from '../../../shared/errors';
import { shellQuote } from '../runbooks/shell-quote';

/**
 * The remote clock first (so freshness is judged on the node's clock, not ours: no skew), then
 * `stat -c '%n %s %Y'` of the newest regular file in the directory.
 */
export function checkpointCommand(directory: string): string {
  const dir = shellQuote(directory);
  return `date +%s && newest=$(ls -1t -- ${dir} | head -n 1) && [ -n "$newest" ] && stat -c '%n %s %Y' -- ${dir}/"$newest"`;
}

/** Judges the command's output; throws COMMAND_FAILED when the newest checkpoint is too old. */
export function judgeCheckpoint(stdout: string, maxAgeSeconds: number, directory: string): string {
  const lines = stdout.trim().split('\n');
  const nowS = Number(lines[0]);
  // The name may hold spaces: size and mtime are the last two fields.
  const m = /^(.*) (\d+) (\d+)$/.exec(lines[lines.length - 1] ?? '');
  if (lines.length < 2 || !Number.isFinite(nowS) || !m) {
    throw new FleetError('PARSE_FAILED', `cannot read the newest checkpoint in ${directory} from: ${stdout.trim().slice(0, 200)}`);
  }
  const [, name, size, mtime] = m;
  const age = nowS - Number(mtime);
  const text = `${name}: ${size} bytes, written ${age} s ago (max ${maxAgeSeconds} s)`;
  if (age > maxAgeSeconds) throw new FleetError('COMMAND_FAILED', `checkpoint is stale: ${text}`, { detail: { name, ageSeconds: age } });
  return text;
}
