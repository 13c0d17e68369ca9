/**
 * The README stays true: every inventory example in it loads through the real inventory loader,
 * and every option each CLI command parses is listed in the README's commands table and in
 * `fleetops --help`. (The README's shell commands are run by test/integration/readme-commands.test.ts.)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { AUDIT_OPTIONS } from '../../electron/cli/audit-command';
import { BUNDLE_OPTIONS } from '../../electron/cli/bundle-command';
import { INCIDENT_OPTIONS } from '../../electron/cli/incident-command';
import { CHECK_OPTIONS } from '../../electron/cli/check-command';
import { CAPACITY_OPTIONS } from '../../electron/cli/capacity-command';
import { DRILL_OPTIONS } from '../../electron/cli/drill-command';
import { DRILL_REPORT_OPTIONS } from '../../electron/cli/drill-report-command';
import { USAGE } from '../../electron/cli/index';
import { LAB_OPTIONS } from '../../electron/cli/lab-command';
import { RETENTION_OPTIONS } from '../../electron/cli/retention-command';
import { REVIEW_OPTIONS } from '../../electron/cli/review-command';
import { RUN_OPTIONS } from '../../electron/cli/run-command';
import { SERVE_OPTIONS } from '../../electron/cli/serve-command';
import { loadInventoryFile } from '../../electron/core/inventory/load-inventory';

const README = readFileSync(resolve(__dirname, '..', '..', 'README.md'), 'utf8');

/** The bodies of the README's fenced blocks of one language, in order. */
export function fencedBlocks(markdown: string, lang: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`^\`\`\`${lang}[ \\t]*\\n([\\s\\S]*?)^\`\`\``, 'gm');
  for (let m = re.exec(markdown); m !== null; m = re.exec(markdown)) out.push(m[1]);
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'fleetops-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { homeDir: '/home/op', defaultUser: 'op' };

async function load(name: string, text: string) {
  const file = join(dir, name);
  writeFileSync(file, text);
  return loadInventoryFile(file, env);
}

describe('README inventory examples', () => {
  const blocks = fencedBlocks(README, 'yaml');
  const whole = blocks.filter((b) => /^version:/m.test(b));
  const fragments = blocks.filter((b) => !/^version:/m.test(b));

  it('has the examples this test knows how to load: an inventory, then fragments of one', () => {
    expect(whole.length).toBeGreaterThanOrEqual(1);
    expect(blocks[0]).toBe(whole[0]);
  });

  it.each(whole.map((b, i) => [i, b] as const))('loads inventory example %i as written', async (i, block) => {
    const inv = await load(`example-${i}.yaml`, block);
    expect(inv.nodes.length).toBeGreaterThan(0);
  });

  it.each(fragments.map((b, i) => [i, b] as const))('loads fragment %i together with the first inventory example', async (i, fragment) => {
    const base = parse(blocks[0]) as Record<string, unknown>;
    const extra = parse(fragment) as Record<string, unknown>;
    // A fragment adds top-level keys; it must not silently replace what the inventory has.
    expect(Object.keys(extra).filter((k) => k in base)).toEqual([]);
    const inv = await load(`combined-${i}.yaml`, stringify({ ...base, ...extra }));
    expect(inv.nodes.length).toBeGreaterThan(0);
    // Everything the fragment declares is resolved, not dropped.
    for (const key of ['replicas', 'loadBalancers', 'slo'] as const) {
      const declared = (extra[key] as unknown[] | undefined)?.length ?? 0;
      const resolved = { replicas: inv.replicas, loadBalancers: inv.loadBalancers, slo: inv.slos }[key].length;
      expect(resolved, key).toBe(declared);
    }
  });
});

type Spec = Record<string, unknown>;

/** Options that are deliberately not listed, and why. */
const UNLISTED: Record<string, string[]> = {
  // development and tests only: serve the console from another build
  serve: ['renderer-dir'],
  review: ['renderer-dir'],
};
/** The serve row of the README table is kept with the remote-access work; --lab-dir is explained in the lab paragraph. */
const README_ELSEWHERE: Record<string, string[]> = { serve: ['lab-dir'] };

function optionNames(spec: Spec, command: string): string[] {
  return Object.keys(spec).filter((o) => o !== 'help' && !(UNLISTED[command] ?? []).includes(o));
}

const COMMANDS: Record<string, Spec[]> = {
  serve: [SERVE_OPTIONS],
  check: [CHECK_OPTIONS],
  capacity: [CAPACITY_OPTIONS],
  // clear parses --gpu only to refuse it with a better message than "unknown option".
  lab: [LAB_OPTIONS.run, LAB_OPTIONS.status, LAB_OPTIONS.fault, { dir: {}, node: {}, kind: {} }],
  run: [RUN_OPTIONS],
  audit: [AUDIT_OPTIONS.verify, AUDIT_OPTIONS.list],
  drill: [DRILL_OPTIONS, DRILL_REPORT_OPTIONS],
  bundle: [BUNDLE_OPTIONS],
  incident: [INCIDENT_OPTIONS],
  review: [REVIEW_OPTIONS],
  retention: [RETENTION_OPTIONS],
};

/** `--name` as a whole option, not the start of a longer one (--read-only vs --read-only-cluster). */
const mentions = (text: string, option: string) => new RegExp(`--${option}(?![\\w-])`).test(text);

/** The lines of `fleetops --help` about one command, continuation lines included. */
function usageOf(command: string): string {
  const out: string[] = [];
  let current: string | null = null;
  for (const line of USAGE.split('\n').slice(1)) {
    const m = /^ {2}(\w+)\b/.exec(line);
    if (m) current = m[1];
    else if (!/^ {3,}/.test(line)) current = null;
    if (current === command) out.push(line);
  }
  return out.join('\n');
}

/** The command cells of the README's commands table for one command. */
function readmeRows(command: string): string {
  return README.split('\n')
    .filter((l) => l.startsWith(`| \`fleetops ${command}`))
    .map((l) => l.split(' | ')[0])
    .join('\n');
}

describe('every CLI option is documented', () => {
  for (const [command, specs] of Object.entries(COMMANDS)) {
    const options = [...new Set(specs.flatMap((s) => optionNames(s, command)))];

    it(`${command}: in \`fleetops --help\``, () => {
      const text = usageOf(command);
      expect(text).not.toBe('');
      expect(options.filter((o) => !mentions(text, o))).toEqual([]);
    });

    it(`${command}: in the README's commands table`, () => {
      const rows = readmeRows(command);
      expect(rows).not.toBe('');
      const elsewhere = README_ELSEWHERE[command] ?? [];
      expect(options.filter((o) => !elsewhere.includes(o) && !mentions(rows, o))).toEqual([]);
      expect(elsewhere.filter((o) => !mentions(README, o))).toEqual([]);
    });
  }
});
