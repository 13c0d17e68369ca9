/**
 * Every `fleetops` command in the README's shell blocks still works, run as a real process:
 *  - a command on the lab (`/tmp/lab`) runs for real, in README order, against a lab in a temp
 *    directory (a `… &` lab runs in the background until the next lab in the same directory
 *    replaces it, as the reader's Ctrl+C would), and must exit as the README says;
 *  - `serve` starts for real (with a stand-in console page, the renderer is not built here) and
 *    must print its URL, then stop cleanly;
 *  - a command on the reader's own fleet (`fleet.yaml`) cannot run here: its options are parsed
 *    by the real CLI (`--help` after them: an unknown or misspelt option is refused).
 * All of it with HOME, XDG_CONFIG_HOME and TMPDIR of the test's own; the default data directory
 * must stay untouched (a lab keeps its own).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runFleetops, spawnFleetops, type CliProcess } from './helpers/cli-process';
import { treeFingerprint } from './helpers/tree-hash';

const ROOT = resolve(__dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const README_LAB = '/tmp/lab';

export interface ReadmeCommand {
  /** As written (continuation lines joined). */
  text: string;
  /** The `fleetops` arguments. */
  argv: string[];
  background: boolean;
}

/** `npm run fleetops -- ARGS`, `npm run serve|lab -- ARGS` and `fleetops ARGS` lines of the ```sh blocks. */
export function readmeCommands(markdown: string): ReadmeCommand[] {
  const out: ReadmeCommand[] = [];
  for (const m of markdown.matchAll(/^```sh[ \t]*\n([\s\S]*?)^```/gm)) {
    const lines = m[1].replace(/\\\n\s*/g, ' ').split('\n');
    for (const raw of lines) {
      const line = raw.replace(/(^|\s)#.*$/, '').trim();
      const cmd = /^(?:npm run fleetops -- |npm run (serve|lab) -- |fleetops )(.*)$/.exec(line);
      if (!cmd) continue;
      let rest = cmd[2].trim();
      const background = rest.endsWith('&');
      if (background) rest = rest.slice(0, -1).trim();
      out.push({ text: line, argv: [...(cmd[1] ? [cmd[1]] : []), ...shellWords(rest)], background });
    }
  }
  return out;
}

/** Splits like sh for what a README command holds: words, '…' and "…" quotes. */
function shellWords(s: string): string[] {
  const words: string[] = [];
  for (const m of s.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) words.push(m[1] ?? m[2] ?? m[3]);
  return words;
}

const commands = readmeCommands(README);

const root = mkdtempSync(join(tmpdir(), 'fleetops-readme-'));
const home = join(root, 'home');
const labDir = join(root, 'lab');
mkdirSync(home);
mkdirSync(join(root, 't'));
const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), TMPDIR: join(root, 't') };
const background = new Map<string, CliProcess>();
afterAll(async () => {
  for (const p of background.values()) await p.killTree();
  rmSync(root, { recursive: true, force: true });
});

const onLab = (c: ReadmeCommand) => c.argv.some((a) => a.startsWith(README_LAB));
const forLab = (argv: string[]) => argv.map((a) => (a === README_LAB || a.startsWith(`${README_LAB}/`) ? labDir + a.slice(README_LAB.length) : a));

/** Ctrl+C in the lab's terminal: it stops cleanly and says so. */
async function stopLab(dir: string): Promise<void> {
  const lab = background.get(dir);
  if (!lab) return;
  background.delete(dir);
  lab.child.kill('SIGINT');
  expect(await lab.exited, lab.output()).toEqual({ code: 0, signal: null });
  expect(lab.output()).toContain('stopping…');
}

describe('README commands', () => {
  it('are found: the lab walk-through, the runbook examples and the console', () => {
    const subcommands = new Set(commands.map((c) => c.argv[0]));
    expect([...subcommands].sort()).toEqual(['audit', 'bundle', 'check', 'drill', 'incident', 'lab', 'retention', 'review', 'run', 'serve']);
    expect(commands.filter(onLab).length).toBeGreaterThanOrEqual(6);
    // The README says `npm run fleetops -- ARGS` runs the CLI from a checkout, and `npm run serve` is `fleetops serve`.
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.fleetops).toBe('tsx electron/cli/index.ts');
    expect(scripts.serve).toMatch(/&& tsx electron\/cli\/index\.ts serve$/);
  });

  it('work as written', async () => {
    const before = treeFingerprint(home);
    for (const c of commands) {
      if (onLab(c)) {
        const argv = forLab(c.argv);
        if (c.background) {
          expect(argv[0], c.text).toBe('lab');
          // A new lab in the same directory: the reader stopped the previous one first.
          await stopLab(labDir);
          const lab = spawnFleetops(argv, { env });
          background.set(labDir, lab);
          await lab.waitForOutput(/Press Ctrl\+C to stop/, 60_000);
          continue;
        }
        const r = await runFleetops(argv, { env });
        const why = `${c.text}\n${r.stdout}\n${r.stderr}`;
        if (argv[0] === 'check') {
          // 0 healthy, 1 degraded, 2 unhealthy (after an injected fault); 3 would mean it could not run.
          expect([0, 1, 2], why).toContain(r.code);
          if (argv.includes('--json')) expect(() => JSON.parse(r.stdout) as unknown, why).not.toThrow();
        } else {
          expect(r.code, why).toBe(0);
        }
      } else if (c.argv[0] === 'serve') {
        const page = join(root, 'renderer');
        mkdirSync(page, { recursive: true });
        writeFileSync(join(page, 'index.html'), '<!doctype html><title>fleetops</title>');
        const serve = spawnFleetops([...c.argv, '--renderer-dir', page], { env });
        try {
          await serve.waitForOutput(/fleetops console: http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/, 60_000);
        } finally {
          expect(await serve.stop(), serve.output()).toEqual({ code: 0, signal: null });
        }
      } else {
        const r = await runFleetops([...c.argv, '--help'], { env });
        expect(r.code, `${c.text}\n${r.stdout}\n${r.stderr}`).toBe(0);
        expect(r.stderr, c.text).toBe('');
      }
    }
    await stopLab(labDir);
    expect(existsSync(join(home, '.config', 'fleetops'))).toBe(false);
    expect(treeFingerprint(home)).toEqual(before);
  }, 300_000);
});
