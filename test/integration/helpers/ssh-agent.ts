import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';

export interface TestAgent {
  socket: string;
  /** ssh-add: loads an (unencrypted) identity into the agent. */
  add(identityFile: string): void;
  stop(): Promise<void>;
}

/** A real ssh-agent in the foreground (`-D`) on a socket in `dir`. */
export async function startAgent(dir: string): Promise<TestAgent> {
  const socket = join(dir, `agent-${process.pid}-${Date.now()}.sock`);
  const child = spawn('ssh-agent', ['-D', '-a', socket], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`ssh-agent did not start within 5 s: ${out}`)), 5_000);
    child.once('exit', (code) => {
      clearTimeout(deadline);
      reject(new Error(`ssh-agent exited (${code}): ${out}`));
    });
    // With -D it prints "SSH_AUTH_SOCK=…; export SSH_AUTH_SOCK;" once the socket listens.
    const onOutput = (chunk: Buffer): void => {
      out += chunk.toString();
      if (out.includes('SSH_AUTH_SOCK=')) {
        clearTimeout(deadline);
        child.removeAllListeners('exit');
        resolve();
      }
    };
    child.stdout!.on('data', onOutput);
    child.stderr!.on('data', onOutput);
  });
  return {
    socket,
    add: (identityFile) => {
      execFileSync('ssh-add', ['-q', identityFile], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'pipe' });
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
