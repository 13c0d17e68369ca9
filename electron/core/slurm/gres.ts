/**
 * GPU counts out of Slurm's GRES strings, in every spelling slurmrestd hands them over:
 *   node `gres`       "gpu:h100:4", "gpu:4(S:0-1)", "gpu:a100:2,gpu:h100:2,nic:1", "(null)"
 *   node `gres_used`  "gpu:h100:3(IDX:0-2)", "gpu:h100:0(IDX:N/A)"
 *   job `gres_detail` one entry per allocated node: "gpu:h100:2(IDX:0-1)", "gpu:1(IDX:2)"
 *   `tres_per_node`   "gres:gpu:h100:2" (22.05), "gres/gpu:2", "gres/gpu=2" (later releases)
 * A name without a count means one ("gpu:tesla"). Anything else counts as no GPU rather than a
 * failure: GRES text is free-form enough that a site's oddity must not blind the whole poll.
 */

/** GPUs named in one GRES or TRES string (all types summed). */
export function gpusInGres(text: string | null | undefined): number {
  if (!text) return 0;
  let total = 0;
  for (const item of splitOutsideParens(text)) total += gpusInItem(item);
  return total;
}

/** GPUs of a job from its `gres_detail` (one entry per node). */
export function gpusInGresDetail(detail: readonly string[]): number {
  let total = 0;
  for (const entry of detail) total += gpusInGres(entry);
  return total;
}

/**
 * A job's GPUs: what it holds (`gres_detail`, one entry per allocated node) once it runs, what it
 * asks for (`tres_per_node` × nodes, or `tres_per_job`) before. The same in every plugin version.
 */
export function jobGpus(detail: readonly string[], perNode: string | null | undefined, perJob: string | null | undefined, nodeCount: number): number {
  if (detail.length > 0) return gpusInGresDetail(detail);
  const each = gpusInGres(perNode);
  if (each > 0) return each * Math.max(1, nodeCount);
  return gpusInGres(perJob);
}

function gpusInItem(raw: string): number {
  // "(IDX:0-1)", "(S:0-1)": where, not how many.
  let item = raw.trim();
  const paren = item.indexOf('(');
  if (paren >= 0) item = item.slice(0, paren);
  item = item.replace(/^gres[:/]/, '');
  const eq = item.indexOf('=');
  // "gpu=2" (TRES spelling) or "gpu:h100=2".
  const fields = eq >= 0 ? [...item.slice(0, eq).split(':'), item.slice(eq + 1)] : item.split(':');
  if (fields[0] !== 'gpu') return 0;
  if (fields.length === 1) return 1;
  const last = fields[fields.length - 1];
  if (/^\d+$/.test(last)) return Number(last);
  // "gpu:tesla": a type and no count is one.
  return fields.length === 2 ? 1 : 0;
}

function splitOutsideParens(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      items.push(text.slice(start, i));
      start = i + 1;
    }
  }
  items.push(text.slice(start));
  return items;
}
