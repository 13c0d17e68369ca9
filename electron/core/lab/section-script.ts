/**
 * Recognises the console's probe script (see electron/core/gpu/probe-command.ts):
 *   echo '<<<fleetops:NONCE:NAME>>>'; CMD; echo "<<<fleetops:NONCE:rc=$?>>>"
 * sections joined with '; ', and nothing else. The lab never runs a shell, so anything outside
 * this exact shape (a look-alike with `; rm -rf /` appended, a different nonce per marker) is
 * refused as a whole rather than half-understood.
 */
import type { CommandResult } from './shell-result';

export interface ScriptSection {
  name: string;
  command: string;
}

export interface SectionScript {
  nonce: string;
  sections: ScriptSection[];
}

const SECTION_NAMES = 'uptime|gpus|apps|kernel';
// Sticky, so each section must start exactly where the previous one ended. A CMD never contains
// marker text, so it cannot swallow a neighbouring section whose markers were tampered with.
const SECTION = new RegExp(
  String.raw`echo '<<<fleetops:([a-z0-9]{8,32}):(${SECTION_NAMES})>>>'; ((?:(?!<<<fleetops:).)+?); echo "<<<fleetops:\1:rc=\$\?>>>"`,
  'y',
);

export function parseSectionScript(command: string): SectionScript | null {
  let nonce: string | null = null;
  const sections: ScriptSection[] = [];
  let pos = 0;
  for (;;) {
    SECTION.lastIndex = pos;
    const m = SECTION.exec(command);
    if (!m) return null;
    if (nonce !== null && m[1] !== nonce) return null;
    nonce = m[1];
    sections.push({ name: m[2], command: m[3] });
    pos = SECTION.lastIndex;
    if (pos === command.length) return { nonce, sections };
    if (!command.startsWith('; ', pos)) return null;
    pos += 2;
  }
}

/**
 * Runs each section's command and prints what sh would: the start marker, the command's output,
 * the rc marker with its exit status. The script's own status is the last echo's: 0.
 */
export function runSectionScript(script: SectionScript, run: (command: string) => CommandResult): CommandResult {
  let stdout = '';
  let stderr = '';
  for (const s of script.sections) {
    const r = run(s.command);
    stdout += `<<<fleetops:${script.nonce}:${s.name}>>>\n${r.stdout}<<<fleetops:${script.nonce}:rc=${r.code}>>>\n`;
    stderr += r.stderr;
  }
  return { stdout, stderr, code: 0 };
}
