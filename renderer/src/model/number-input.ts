/**
 * A form field holding a number the contract bounds: returns the value, or a message the field
 * shows. Empty is `undefined` when the field is optional (the call leaves the parameter out).
 */
export type ParsedNumber = { ok: true; value: number | undefined } | { ok: false; message: string };

export function parseNumberField(
  text: string,
  opts: { label: string; min: number; max: number; integer: boolean; optional: boolean },
): ParsedNumber {
  const trimmed = text.trim();
  if (trimmed === '') return opts.optional ? { ok: true, value: undefined } : { ok: false, message: `${opts.label} is required` };
  const pattern = opts.integer ? /^\d+$/ : /^\d+(\.\d+)?$/;
  if (!pattern.test(trimmed)) return { ok: false, message: `${opts.label} must be a ${opts.integer ? 'whole ' : ''}number` };
  const value = Number(trimmed);
  if (value < opts.min || value > opts.max) return { ok: false, message: `${opts.label} must be between ${opts.min} and ${opts.max}` };
  return { ok: true, value };
}
