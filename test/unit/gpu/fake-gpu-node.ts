/**
 * A node to run the real probe script against: `sh -c <script>` with stand-in `nvidia-smi`,
 * `dmesg` and (optionally) `journalctl` on PATH. The stand-ins print the captured H100 output
 * (via nvidia-smi-fixtures) and log every call, so a test sees exactly what the script asked and
 * how often. PATH holds nothing else but the few real tools the script pipes through (sh, cat,
 * grep, tail, awk), so the machine's own dmesg or journalctl can never answer in their place.
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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
  /** `readable` (default) prints kernelLines; `refused` fails as under kernel.dmesg_restrict=1. */
  dmesg?: 'readable' | 'refused';
  /**
   * `absent` (default): not on PATH. `readable`: prints kernelLines. `refused`: a user outside
   * adm / systemd-journal who has a journal of their own: with `--system` journalctl opens no
   * file and exits 1; without it, it reads only the user's journal and exits 0 with no kernel line.
   */
  journalctl?: 'absent' | 'readable' | 'refused';
}

export interface FakeNode {
  exec: ProbeExec;
  /** Every `nvidia-smi` argument list, in call order. */
  nvidiaSmiCalls(): string[];
  /** Every `dmesg` / `journalctl` call as "name args", in call order. */
  kernelLogCalls(): string[];
  cleanup(): void;
}

const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The real tools the probe script pipes through; nothing else of the machine is on PATH. */
const REAL_TOOLS = ['sh', 'cat', 'grep', 'tail', 'awk'];

function linkRealTools(dir: string): void {
  mkdirSync(dir);
  for (const tool of REAL_TOOLS) {
    const path = ['/usr/bin', '/bin'].map((d) => join(d, tool)).find((p) => existsSync(p));
    if (!path) throw new Error(`${tool} not found in /usr/bin or /bin`);
    symlinkSync(path, join(dir, tool));
  }
}

function writeScript(path: string, body: string): void {
  writeFileSync(path, `#!/bin/sh\n${body}`);
  chmodSync(path, 0o755);
}

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
  const printKernelLines = `${kernel.join('\n')}\nexit 0\n`;
  const kernelCalls = join(dir, 'kernel-calls.log');
  writeFileSync(kernelCalls, '');
  const logCall = (name: string) => `echo "${name} $*" >> ${sh(kernelCalls)}\n`;
  writeScript(
    join(dir, 'dmesg'),
    logCall('dmesg') +
      (opts.dmesg === 'refused' ? "echo 'dmesg: read kernel buffer failed: Operation not permitted' >&2\nexit 1\n" : printKernelLines),
  );
  if (opts.journalctl === 'readable') writeScript(join(dir, 'journalctl'), logCall('journalctl') + printKernelLines);
  if (opts.journalctl === 'refused') {
    writeScript(
      join(dir, 'journalctl'),
      `${logCall('journalctl')}case " $* " in
  *' --system '*) echo 'No journal files were opened due to insufficient permissions.' >&2; exit 1 ;;
  *) echo 'Hint: You are currently not seeing messages from other users and the system.' >&2; exit 0 ;;
esac
`,
    );
  }
  chmodSync(join(dir, 'nvidia-smi'), 0o755);
  linkRealTools(join(dir, 'tools'));

  const exec: ProbeExec = (command) =>
    new Promise((resolve, reject) => {
      execFile('sh', ['-c', command], { env: { PATH: `${dir}:${join(dir, 'tools')}` }, timeout: 10_000 }, (err, stdout) => {
        if (err && typeof err.code !== 'number') reject(err);
        else resolve({ stdout, code: err ? (err.code as number) : 0 });
      });
    });

  return {
    exec,
    nvidiaSmiCalls: () => readFileSync(join(dir, 'calls.log'), 'utf8').split('\n').filter(Boolean),
    kernelLogCalls: () => readFileSync(kernelCalls, 'utf8').split('\n').filter(Boolean),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
