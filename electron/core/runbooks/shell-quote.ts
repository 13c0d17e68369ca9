import { FleetError } from '../../../shared/errors';
import { compilePattern } from './check-runbook';
import { PLACEHOLDER } from './runbook-schema';

/**
 * POSIX single quotes: inside them every byte is literal (no `$`, backtick, `\` or newline is
 * special), and the one character that cannot appear, `'`, is written as `'\''` (close, escaped
 * quote, reopen). The result is always exactly one word for `sh`.
 */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Refuses a value that does not wholly match its declared pattern, naming both. */
export function validateParam(name: string, value: string, pattern: string): void {
  const re = compilePattern(pattern);
  if (re === null) throw new FleetError('BAD_REQUEST', `parameter "${name}": pattern ${pattern} is not a valid regular expression`, { detail: { param: name, pattern } });
  if (!re.test(value)) {
    throw new FleetError('BAD_REQUEST', `parameter "${name}" = ${JSON.stringify(value)} does not match its pattern ${pattern}`, {
      subject: name,
      detail: { param: name, value, pattern },
    });
  }
}

/**
 * Renders a command template: each `{name}` is validated against its pattern first (when it has
 * one; inventory names were validated by the inventory schema) and then inserted as one quoted
 * argument. Nothing the value holds can end the word or start another command.
 */
export function renderCommand(template: string, values: Record<string, string>, patterns: Record<string, string | undefined>): string {
  return template.replace(PLACEHOLDER, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new FleetError('BAD_REQUEST', `command template uses {${key}}, which has no value`, { detail: { template, param: key } });
    const pattern = patterns[key];
    if (pattern !== undefined) validateParam(key, value, pattern);
    return shellQuote(value);
  });
}
