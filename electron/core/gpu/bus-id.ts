/**
 * The same GPU's PCI address is spelled three ways: nvidia-smi prints `00000000:3B:00.0`
 * (32-bit domain, upper case, function), the kernel log `0000:3b:00` (16-bit domain, no
 * function), and "GPU is lost" messages `0000:3B:00.0`. Matching them needs one key.
 */
const BUS_ID = /^([0-9a-f]{1,8}):([0-9a-f]{1,2}):([0-9a-f]{1,2})(?:\.[0-7])?$/i;

/** `domain:bus:device` in lower case with a 4-digit domain, or null when it is no PCI address. */
export function busKey(busId: string): string | null {
  const m = BUS_ID.exec(busId.trim());
  if (!m) return null;
  const domain = m[1].toLowerCase().padStart(4, '0').slice(-4);
  return `${domain}:${m[2].toLowerCase().padStart(2, '0')}:${m[3].toLowerCase().padStart(2, '0')}`;
}

export function sameBus(a: string, b: string): boolean {
  const ka = busKey(a);
  return ka !== null && ka === busKey(b);
}
