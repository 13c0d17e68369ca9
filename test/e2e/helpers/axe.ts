/**
 * axe-core in the page: injected from node_modules with page.addScriptTag, run over the whole
 * document, its serious and critical violations printed so that a failure says which rule,
 * which element and why, without opening a report.
 *
 * addScriptTag inserts the file's text as an inline <script>, which the console's Content
 * Security Policy (script-src 'self') refuses: the page axe runs in must come from a context
 * made with `bypassCSP: true`. Keep that context for axe alone, so the other tests still run
 * the console under its real policy.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';

const AXE_PATH = join(__dirname, '..', '..', '..', 'node_modules', 'axe-core', 'axe.min.js');

export interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  helpUrl: string;
  nodes: Array<{ target: unknown[]; html: string; failureSummary: string | null }>;
}

/** Every axe violation on the page as it is now (rules: axe's default set, WCAG 2.x A/AA and best practices). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  // A string, not a function: this file is compiled without DOM types.
  if (!(await page.evaluate('typeof window.axe === "object"'))) {
    await page.addScriptTag({ path: AXE_PATH });
    if (!(await page.evaluate('typeof window.axe === "object"'))) {
      throw new Error('axe-core did not load: was the page opened in a context with bypassCSP: true?');
    }
  }
  return (await page.evaluate(`
    axe.run(document, { resultTypes: ['violations'] }).then((r) =>
      r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, failureSummary: n.failureSummary ?? null })),
      })),
    )
  `)) as AxeViolation[];
}

export const isSerious = (v: AxeViolation): boolean => v.impact === 'serious' || v.impact === 'critical';

/** One block per violation: impact, rule, what it asks, then each element (selector, why, markup). */
export function formatViolations(where: string, violations: readonly AxeViolation[]): string {
  return violations
    .map((v) => {
      const nodes = v.nodes.slice(0, 6).map((n) => {
        const why = (n.failureSummary ?? '').split('\n').filter((l) => l.trim() !== '').slice(1, 3).map((l) => l.trim()).join(' / ');
        return `    - ${JSON.stringify(n.target)}: ${why}\n      ${n.html.replace(/\s+/g, ' ').slice(0, 200)}`;
      });
      const more = v.nodes.length > 6 ? [`    … and ${v.nodes.length - 6} more`] : [];
      return [`[${where}] ${v.impact ?? 'unknown'} ${v.id}: ${v.help} (${v.helpUrl})`, ...nodes, ...more].join('\n');
    })
    .join('\n');
}
