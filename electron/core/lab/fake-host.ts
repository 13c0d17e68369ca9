/**
 * One lab node as its SSH exec channel sees it: a tiny, strict command interpreter in front of
 * the fake driver, the kernel log and /proc/uptime. It recognises the commands the console's
 * probe sends (one at a time or as the sectioned probe script), `systemctl` for the units the
 * lab gives it (its inference server, see lab-units.ts), and answers anything else as dash does
 * for a missing command.
 */
import type { CapturedData } from './captured-data';
import { loadCapturedData } from './captured-data';
import { runNvidiaSmi } from './fake-driver';
import type { GpuProfile } from './gpu-profile';
import type { KernelLogEntry } from './kernel-log';
import { nodeKernelLog, parseDmesgLine, runKernelLogCommand } from './kernel-log';
import type { NodeFaults } from './node-faults';
import { parseSectionScript, runSectionScript } from './section-script';
import { isKill, isSystemctl, type LabUnits } from './lab-units';
import { parseSignalScript, runSignalScript } from './signal-script';
import type { CommandResult } from './shell-result';
import { notFound, ok } from './shell-result';
import type { LabCommandHandler } from './training-commands';

export interface FakeHostOptions {
  hostname: string;
  gpus: readonly GpuProfile[];
  faults: NodeFaults;
  /** Epoch ms the node booted at: uptime grows with the clock from there. */
  bootedAtMs: number;
  clock?: () => number;
  /** Hardware threads, for /proc/uptime's idle column (2 × 56-core Xeons on an HGX H100 node). */
  cpus?: number;
  data?: CapturedData;
}

// nvidia-smi arguments are plain words; any other character means shell syntax the lab refuses.
const NVIDIA_SMI = /^nvidia-smi((?: [A-Za-z0-9_.,=:-]+)*)$/;

export class FakeHost {
  readonly hostname: string;
  private readonly clock: () => number;
  private readonly data: CapturedData;
  private readonly bootLog: KernelLogEntry[];
  /** Set once the lab's services run on this node; until then `systemctl` knows no unit. */
  private units: LabUnits | null = null;
  /** The lab's training commands on this node (checkpoint listing; scontrol on a controlVia node), by name. */
  private readonly handlers = new Map<string, LabCommandHandler>();

  constructor(private readonly opts: FakeHostOptions) {
    this.hostname = opts.hostname;
    this.clock = opts.clock ?? Date.now;
    this.data = opts.data ?? loadCapturedData();
    this.bootLog = this.data.bootKernelLog.map(parseDmesgLine).filter((e): e is KernelLogEntry => e !== null);
  }

  uptimeMicros(): number {
    return Math.max(0, Math.round((this.clock() - this.opts.bootedAtMs) * 1000));
  }

  kernelLog(): KernelLogEntry[] {
    const capturedBusId = this.data.idle.get('pci.bus_id')?.nounits ?? '';
    return nodeKernelLog(this.bootLog, this.opts.faults, (gpu) => this.opts.gpus[gpu].overrides['pci.bus_id'] ?? capturedBusId);
  }

  setUnits(units: LabUnits | null): void {
    this.units = units;
  }

  /** Adds (or with null removes) a recogniser of extra commands; each answers only the lines it knows. */
  setHandler(name: string, handler: LabCommandHandler | null): void {
    if (handler) this.handlers.set(name, handler);
    else this.handlers.delete(name);
  }

  /**
   * Answers one SSH exec request. `systemctl` takes as long as the unit takes to start or stop,
   * so its answer is a promise; so does the drills' freeze script, which asks `systemctl show`
   * for the PID it signals. Everything else answers at once.
   */
  run(command: string): CommandResult | Promise<CommandResult> {
    for (const handler of this.handlers.values()) {
      const answer = handler(command);
      if (answer) return answer;
    }
    if (isSystemctl(command)) {
      if (this.units) return this.units.systemctl(command);
      const unit = command.split(' ').at(-1)?.replace(/^'|'$/g, '') ?? '';
      return { stdout: '', stderr: `Failed to ${command.split(' ')[1] ?? 'run'} ${unit}: this lab node runs no services
`, code: 5 };
    }
    const signal = parseSignalScript(command);
    if (signal) return runSignalScript(signal, { run: (c) => this.run(c), kill: (c) => this.kill(c) });
    if (isKill(command)) return this.kill(command);
    return this.exec(command);
  }

  /** dash's `kill`: only the node's units have processes the lab can signal. */
  private kill(command: string): CommandResult {
    return this.units ? this.units.kill(command) : { stdout: '', stderr: 'sh: 1: kill: No such process\n\n', code: 1 };
  }

  /** Answers one probe command: a section script or a single command. */
  exec(command: string): CommandResult {
    const script = parseSectionScript(command);
    if (script) return runSectionScript(script, (c) => this.runCommand(c));
    return this.runCommand(command);
  }

  private runCommand(command: string): CommandResult {
    // `2>&1` folds stderr into stdout; the lab's commands print on one stream, so appending keeps order.
    const merge = command.endsWith(' 2>&1');
    const bare = merge ? command.slice(0, -' 2>&1'.length) : command;
    const r = this.runBare(bare) ?? notFound(bare);
    return merge && r.stderr !== '' ? { stdout: r.stdout + r.stderr, stderr: '', code: r.code } : r;
  }

  private runBare(command: string): CommandResult | null {
    if (command === 'true') return ok('');
    if (command === 'hostname') return ok(`${this.hostname}\n`);
    if (command === 'cat /proc/uptime') {
      const up = this.uptimeMicros() / 1e6;
      // Idle time is summed over every CPU; a GPU node's CPUs mostly wait on the GPUs.
      const idle = up * (this.opts.cpus ?? 224) * 0.93;
      return ok(`${up.toFixed(2)} ${idle.toFixed(2)}\n`);
    }
    const smi = NVIDIA_SMI.exec(command);
    if (smi) {
      const args = smi[1].split(' ').filter((a) => a !== '');
      return runNvidiaSmi(args, { gpus: this.opts.gpus, faults: this.opts.faults, nowMs: this.clock() }, this.data);
    }
    return runKernelLogCommand(command, this.kernelLog(), this.hostname);
  }
}
