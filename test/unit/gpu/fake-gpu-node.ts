/**
 * A node to run the real probe script against: `sh -c <script>` with stand-in `nvidia-smi` and
 * `dmesg` first on PATH. The stand-ins print the captured H100 output (via nvidia-smi-fixtures)
 * and log every call, so a test sees exactly what the script asked and how often.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProbeExec } from '../../../electron/core/gpu/gpu-probe';
import { GPU_QUERY_FIELDS, LEGACY_FIELD_NAMES } from '../../../electron/core/gpu/probe-command';
import { type MachineState, queryGpuOutput } from './nvidia-smi-fixtures';

export interface FakeNodeOptions {
  state?: MachineState;
  gpus?: number;
  /** Field names this driver rejects with exit 2, like an old driver rejects new names. */
  rejects?: string[];
  /** What `--query-compute-apps` prints. */
  apps?: string;
  /** Kernel lines, `{AGO:n}` replaced by a timestamp n seconds before now (from /proc/uptime). */
  kernelLines?: string[];
}

export interface FakeNode {
  exec: ProbeExec;
  /** Every `nvidia-smi` argument list, in call order. */
  nvidiaSmiCalls(): string[];
  cleanup(): void;
}

const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function fakeGpuNode(opts: FakeNodeOptions = {}): FakeNode {
  const dir = mkdtempSync(join(tmpdir(), 'fleetops-fake-node-'));
  const modern = GPU_QUERY_FIELDS;
  const legacy = GPU_QUERY_FIELDS.map((f) => LEGACY_FIELD_NAMES[f] ?? f);
  writeFileSync(join(dir, 'gpus-modern.csv'), queryGpuOutput(modern, { state: opts.state, gpus: opts.gpus ?? 8 }));
  writeFileSync(join(dir, 'gpus-legacy.csv'), queryGpuOutput(legacy, { state: opts.state, gpus: opts.gpus ?? 8 }));
  writeFileSync(join(dir, 'apps.csv'), opts.apps ?? '');
  writeFileSync(join(dir, 'calls.log'), '');

  const rejectChecks = (opts.rejects ?? [])
    .map((f) => `case ",$fields," in *,${f},*) printf 'Field "%s" is not a valid field to query.\\n\\n' ${sh(f)}; exit 2;; esac`)
    .join('\n    ');
  writeFileSync(
    join(dir, 'nvidia-smi'),
    `#!/bin/sh
echo "$*" >> ${sh(join(dir, 'calls.log'))}
case "$1" in
  --query-gpu=*)
    fields="\${1#--query-gpu=}"
    ${rejectChecks}
    case "$fields" in
      *clocks_throttle_reasons*) cat ${sh(join(dir, 'gpus-legacy.csv'))} ;;
      *) cat ${sh(join(dir, 'gpus-modern.csv'))} ;;
    esac ;;
  --query-compute-apps=*) cat ${sh(join(dir, 'apps.csv'))} ;;
  *) echo "unexpected arguments: $*"; exit 2 ;;
esac
`,
  );
  const kernel = (opts.kernelLines ?? []).map((line) => {
    const m = /^\{AGO:(\d+)\}(.*)$/.exec(line);
    if (!m) return `printf '%s\\n' ${sh(line)}`;
    return `awk -v rest=${sh(m[2])} '{ printf "[%12.6f]%s\\n", $1 - ${m[1]}, rest }' /proc/uptime`;
  });
  writeFileSync(join(dir, 'dmesg'), `#!/bin/sh\n${kernel.join('\n')}\nexit 0\n`);
  chmodSync(join(dir, 'nvidia-smi'), 0o755);
  chmodSync(join(dir, 'dmesg'), 0o755);

  const exec: ProbeExec = (command) =>
    new Promise((resolve, reject) => {
      execFile('sh', ['-c', command], { env: { PATH: `${dir}:/usr/bin:/bin` }, timeout: 10_000 }, (err, stdout) => {
        if (err && typeof err.code !== 'number') reject(err);
        else resolve({ stdout, code: err ? (err.code as number) : 0 });
      });
    });

  return {
    exec,
    nvidiaSmiCalls: () => readFileSync(join(dir, 'calls.log'), 'utf8').split('\n').filter(Boolean),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
