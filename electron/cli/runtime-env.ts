/**
 * The CLI's edge with the operating system: environment variables, home directory, the
 * user data directory, the terminal. Everything deeper takes these as arguments.
 */
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { InventoryEnv } from '../core/inventory/load-inventory';
import type { PassphraseProvider } from '../core/ssh/types';

export function inventoryEnvFromProcess(env: NodeJS.ProcessEnv = process.env): InventoryEnv {
  const out: InventoryEnv = { homeDir: homedir(), defaultUser: safeUserName(env) };
  if (env.SSH_AUTH_SOCK) out.sshAuthSock = env.SSH_AUTH_SOCK;
  return out;
}

function safeUserName(env: NodeJS.ProcessEnv): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? 'root';
  }
}

/** Same place Electron's app.getPath('userData') uses, so desktop and serve share one store. */
export function defaultDataDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'fleetops');
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'fleetops');
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'fleetops');
}

/**
 * Key passphrases in the CLI and serve: FLEETOPS_SSH_PASSPHRASE, else asked on the terminal
 * (echo off) once per key and kept in memory only. Never written anywhere.
 */
export function cliPassphrases(env: NodeJS.ProcessEnv = process.env, stdin = process.stdin, stderr = process.stderr): PassphraseProvider {
  const cache = new Map<string, Promise<string | undefined>>();
  return {
    get(identityFile: string) {
      if (env.FLEETOPS_SSH_PASSPHRASE) return Promise.resolve(env.FLEETOPS_SSH_PASSPHRASE);
      if (!stdin.isTTY) return Promise.resolve(undefined);
      let p = cache.get(identityFile);
      if (!p) {
        p = askHidden(`Passphrase for ${identityFile}: `, stdin, stderr);
        cache.set(identityFile, p);
      }
      return p;
    },
  };
}

function askHidden(prompt: string, stdin: NodeJS.ReadStream, stderr: NodeJS.WriteStream): Promise<string | undefined> {
  return new Promise((resolve) => {
    stderr.write(prompt);
    let value = '';
    stdin.setRawMode?.(true);
    stdin.resume();
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done(value);
        if (ch === '\u0003' || ch === '\u0004') return done(undefined);
        if (ch === '\u007f') value = value.slice(0, -1);
        else value += ch;
      }
    };
    const done = (v: string | undefined) => {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      stderr.write('\n');
      resolve(v);
    };
    stdin.on('data', onData);
  });
}

/**
 * Replica secrets (inventory `auth.secretRef`) in serve and the CLI: the environment variable
 * FLEETOPS_SECRET_<REF> (upper case, other characters as "_"), so `secretRef: llama-key` reads
 * FLEETOPS_SECRET_LLAMA_KEY. The inventory never holds the secret itself. In serve and on the
 * desktop this is the secret store's fallback, behind values the operator sets in the console.
 */
export function secretFromEnv(env: NodeJS.ProcessEnv = process.env): (ref: string) => Promise<string | undefined> {
  return async (ref) => env[secretEnvName(ref)] || undefined;
}

export function secretEnvName(ref: string): string {
  return `FLEETOPS_SECRET_${ref.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}
