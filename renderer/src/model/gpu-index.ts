/** The lab form's optional GPU index: empty means "any/all", otherwise an integer 0–63 (the contract's range). */
export function parseGpuIndex(text: string): { ok: true; value: number | undefined } | { ok: false; message: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, value: undefined };
  if (!/^\d+$/.test(trimmed)) return { ok: false, message: 'GPU index must be a whole number' };
  const value = Number(trimmed);
  if (value > 63) return { ok: false, message: 'GPU index must be between 0 and 63' };
  return { ok: true, value };
}
