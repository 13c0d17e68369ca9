import type { RunbookPlan } from '../../../shared/runbook';

// The same words as the CLI's --dry-run: one function, in the contract's folder.
export { describeAction } from '../../../shared/runbook-text';

export interface TextSegment {
  text: string;
  /** This piece is one of the step's targets (drawn highlighted). */
  target: boolean;
}

// A name is a whole word: "n1" must not light up inside "n10" or "gpu-n1". A dot ends a name only
// when no name character follows it ("n1." ends a sentence, "n1.example.com" is another host).
const BEFORE = '(?<![A-Za-z0-9_.-])';
const AFTER = '(?![A-Za-z0-9_-]|\\.[A-Za-z0-9_-])';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Splits `text` into plain and target pieces; joined back they give `text` unchanged. Longer
 * names are tried first, so "web-1-canary" wins over "web-1" where both would fit.
 */
export function highlightTargets(text: string, targets: readonly string[]): TextSegment[] {
  const names = [...new Set(targets.filter((t) => t !== ''))].sort((a, b) => b.length - a.length);
  if (names.length === 0 || text === '') return text === '' ? [] : [{ text, target: false }];
  const re = new RegExp(`${BEFORE}(?:${names.map(escapeRegExp).join('|')})${AFTER}`, 'g');
  const segments: TextSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(re)) {
    const at = match.index;
    if (at > last) segments.push({ text: text.slice(last, at), target: false });
    segments.push({ text: match[0], target: true });
    last = at + match[0].length;
  }
  if (last < text.length) segments.push({ text: text.slice(last), target: false });
  return segments;
}

/** Failed preconditions stop the run. The engine planned with the override reason, so an overridden one already reads ok. */
export function failedPreconditions(plan: RunbookPlan): RunbookPlan['preconditions'] {
  return plan.preconditions.filter((p) => !p.ok);
}

/**
 * Whether what the operator typed lets the run go: exactly the plan's confirmation (no trimming,
 * no case folding: the engine compares the same way), or anything when the plan needs none.
 */
export function confirmationMatches(expected: string | null, typed: string): boolean {
  return expected === null || typed === expected;
}

export function onFailureText(onFailure: RunbookPlan['onFailure']): string {
  return onFailure === 'rollback' ? 'undo the steps done so far, newest first' : 'stop where it failed';
}
