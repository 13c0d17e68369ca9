import { MAX_NAME, runbookHref, subjectHref } from '../../model/route';

/**
 * A runbook opened from elsewhere with its form filled in (the Training view's "Cordon node…"):
 * `#/runbook/NAME?target=T&p.PARAM=VALUE`, the query part carried in the route's name like the
 * timeline's filters. It only fills the form: the operator still reviews, changes, previews the
 * plan and confirms on the Runbooks view. Parameters are prefixed (`p.`) so that none can be
 * mistaken for the target, whatever a runbook names them.
 */
export interface RunbookLink {
  runbook: string;
  target: string | null;
  params: Record<string, string>;
}

const PARAM = 'p.';

function nameOf(link: RunbookLink): string {
  const query = new URLSearchParams();
  if (link.target !== null) query.set('target', link.target);
  for (const [k, v] of Object.entries(link.params)) query.set(`${PARAM}${k}`, v);
  const q = query.toString();
  return q === '' ? link.runbook : `${link.runbook}?${q}`;
}

/**
 * The link. A value too long for a route (model/route.ts MAX_NAME, after escaping) is cut, the
 * longest first, rather than the link falling back to the first view: the form shows what came
 * through and the operator completes it.
 */
export function runbookLinkHref(runbook: string, prefill: { target?: string; params?: Readonly<Record<string, string>> } = {}): string {
  const link: RunbookLink = { runbook, target: prefill.target ?? null, params: { ...prefill.params } };
  if (link.target === null && Object.keys(link.params).length === 0) return runbookHref(runbook);
  for (;;) {
    const href = subjectHref({ kind: 'runbook', name: nameOf(link) });
    if (href.length - '#/runbook/'.length <= MAX_NAME) return href;
    const longest = Object.keys(link.params).sort((a, b) => link.params[b].length - link.params[a].length)[0];
    if (longest === undefined || link.params[longest].length === 0) return runbookHref(runbook);
    const value = link.params[longest];
    link.params[longest] = `${value.slice(0, Math.max(0, Math.floor(value.length * 0.8) - 1))}…`.replace(/^…$/, '');
  }
}

/** What a route's runbook name asks for: the runbook, and the target and parameters to fill in (none for a plain `#/runbook/NAME`). */
export function parseRunbookLink(name: string): RunbookLink {
  const q = name.indexOf('?');
  if (q < 0) return { runbook: name, target: null, params: {} };
  const query = new URLSearchParams(name.slice(q + 1));
  const params: Record<string, string> = {};
  for (const [k, v] of query) if (k.startsWith(PARAM) && k.length > PARAM.length) params[k.slice(PARAM.length)] = v;
  const target = query.get('target');
  return { runbook: name.slice(0, q), target: target === null || target === '' ? null : target, params };
}
