/** What one command run on a fake host leaves behind, as sh would see it. */
export interface CommandResult {
  stdout: string;
  stderr: string;
  code: number;
}

export const ok = (stdout: string): CommandResult => ({ stdout, stderr: '', code: 0 });

/**
 * dash's answer for a command it cannot find. For a simple command dash names its first word;
 * anything with shell syntax the lab does not simulate is named whole, so the operator sees
 * exactly which text the lab refused.
 */
export function notFound(command: string): CommandResult {
  const simple = /^[A-Za-z0-9_./-]+(?: [A-Za-z0-9_.,=:/%+-]+)*$/.test(command);
  const name = simple ? command.split(' ')[0] : command;
  return { stdout: '', stderr: `sh: 1: ${name}: not found\n`, code: 127 };
}
