import type { PathSegment } from '../inventory/inventory-issue';
import { IRREVERSIBLE_STEP_TYPES, MUTATING_STEP_TYPES, UNDO_STEP_TYPES, PLACEHOLDER, PLACEHOLDER_BODY, PREVIOUS_WEIGHT, STEP_TYPES, type RunbookFile, type RunbookStep } from './runbook-schema';

/** A problem the schema cannot see, pinned to a path so the loader can give its line. */
export interface RunbookProblem {
  path: PathSegment[];
  message: string;
  /** Point at this key of the mapping at `path` rather than at its value. */
  key?: string;
}

/**
 * Whole-file checks on a schema-valid runbook: every step has exactly one type, every mutating
 * step declares its undo, ssh.run only names declared commands, and every placeholder names
 * something that will have a value when the plan is rendered.
 */
export function checkRunbook(rb: RunbookFile): RunbookProblem[] {
  const problems: RunbookProblem[] = [];
  const params = rb.params ?? {};
  const commands = rb.commands ?? {};

  for (const [pname, p] of Object.entries(params)) {
    const at: PathSegment[] = ['params', pname];
    if (pname === 'target' || pname === 'server') problems.push({ path: at, message: `"${pname}" is reserved for the runbook's own placeholder` });
    const kind = p.kind ?? 'text';
    if (kind === 'text' && p.pattern === undefined) problems.push({ path: at, message: 'a text parameter needs a "pattern" its values must match' });
    if (p.pattern !== undefined) {
      const re = compilePattern(p.pattern);
      if (re === null) problems.push({ path: [...at, 'pattern'], message: `pattern is not a valid regular expression` });
      else if (p.default !== undefined && !re.test(p.default)) problems.push({ path: [...at, 'default'], message: `default ${JSON.stringify(p.default)} does not match pattern ${p.pattern}` });
    }
  }

  for (const [cname, tpl] of Object.entries(commands)) {
    for (const ph of placeholders(tpl)) {
      // A command only takes values that were validated against a pattern (or are inventory names).
      if (ph === 'target' || (params[ph] !== undefined && ph !== 'server')) continue;
      problems.push({ path: ['commands', cname], message: `command uses {${ph}}, which is not a declared parameter` });
    }
  }

  rb.steps.forEach((step, i) => {
    const at: PathSegment[] = ['steps', i];
    const types = STEP_TYPES.filter((t) => step[t] !== undefined);
    if (types.length !== 1) {
      problems.push({ path: at, message: types.length === 0 ? `no step type (expected one of ${STEP_TYPES.join(', ')})` : `more than one step type: ${types.join(', ')}` });
      return;
    }
    const type = types[0];
    const mutating = (MUTATING_STEP_TYPES as readonly string[]).includes(type);
    const irreversible = (IRREVERSIBLE_STEP_TYPES as readonly string[]).includes(type);
    if (mutating && !irreversible && step.undo === undefined) problems.push({ path: at, key: type, message: `${type} changes something and declares no undo` });
    if (irreversible && step.undo !== undefined) problems.push({ path: at, key: 'undo', message: `${type} cannot be undone, so it cannot have an undo (the plan marks it irreversible)` });
    if (!mutating && step.undo !== undefined) problems.push({ path: at, key: 'undo', message: `${type} changes nothing, so it cannot have an undo` });
    if (step.when && params[step.when.param] === undefined) problems.push({ path: [...at, 'when', 'param'], message: `"${step.when.param}" is not a declared parameter` });
    const inLoop = step.forEach !== undefined;
    checkBody(rb, type, step[type], [...at, type], inLoop, problems);
    if (step.forEach) checkTemplate(rb, step.forEach.serverInRegion, [...at, 'forEach', 'serverInRegion'], false, problems);
    if (step.undo) {
      const undoable = UNDO_STEP_TYPES;
      const undoTypes = undoable.filter((t) => step.undo?.[t] !== undefined);
      if (undoTypes.length !== 1) problems.push({ path: [...at, 'undo'], message: `an undo is exactly one of ${undoable.join(', ')}` });
      else checkBody(rb, undoTypes[0], step.undo[undoTypes[0]], [...at, 'undo', undoTypes[0]], inLoop, problems);
      // "previous" is the weight the step itself changed: it means nothing under another step type or server.
      const undoWeight = step.undo['lb.set-weight'];
      if (undoWeight?.weight === PREVIOUS_WEIGHT && (type !== 'lb.set-weight' || step['lb.set-weight']?.server !== undoWeight.server)) {
        problems.push({
          path: [...at, 'undo', 'lb.set-weight', 'weight'],
          message: 'weight: previous restores what its own step changed, so the step must be an lb.set-weight on the same server',
        });
      }
    }
  });
  return problems;
}

function checkBody(rb: RunbookFile, type: string, body: RunbookStep[keyof RunbookStep], at: PathSegment[], inLoop: boolean, problems: RunbookProblem[]): void {
  if (body === undefined || typeof body !== 'object') return;
  for (const [field, value] of Object.entries(body)) {
    if (typeof value === 'string') checkTemplate(rb, value, [...at, field], inLoop, problems);
  }
  if (type === 'ssh.run') {
    const command = (body as { command: string }).command;
    if (rb.commands?.[command] === undefined) {
      problems.push({ path: [...at, 'command'], message: `command "${command}" is not declared under "commands"` });
    }
  }
}

function checkTemplate(rb: RunbookFile, tpl: string, at: PathSegment[], inLoop: boolean, problems: RunbookProblem[]): void {
  for (const ph of placeholders(tpl)) {
    const m = PLACEHOLDER_BODY.exec(ph);
    if (!m) {
      problems.push({ path: at, message: `{${ph}} is not a placeholder (expected {name} or {name.node})` });
      continue;
    }
    const [, base, dotNode] = m;
    const param = rb.params?.[base];
    let kind: 'replica' | 'region' | 'node' | 'text' | undefined;
    if (base === 'target') kind = rb.target;
    else if (base === 'server') kind = inLoop ? 'replica' : undefined;
    else if (param) kind = param.kind ?? 'text';
    if (kind === undefined) {
      const why = base === 'server' ? ' ({server} only exists in a step with forEach)' : '';
      problems.push({ path: at, message: `{${ph}} names no declared parameter${why}` });
    } else if (dotNode && kind !== 'replica') {
      problems.push({ path: at, message: `{${ph}}: only a replica has a node` });
    }
  }
}

/** The bodies of every `{…}` in a template. */
export function placeholders(tpl: string): string[] {
  return [...tpl.matchAll(PLACEHOLDER)].map((m) => m[1]);
}

/** The whole value must match: `^(?:…)$`, so `yes|no` cannot be satisfied by `yes; rm -rf /`. */
export function compilePattern(pattern: string): RegExp | null {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch {
    return null;
  }
}
