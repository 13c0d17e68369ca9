/**
 * Every text colour the console draws against every background it draws it on, in both themes,
 * computed from styles.css itself: WCAG AA asks 4.5:1 for text. axe (in the e2e tests) checks
 * what is on screen; this checks the pairs a test run may never show (an unreachable pill, a
 * rollback-failed run) in both themes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const css = readFileSync(join(__dirname, '../../../renderer/src/styles.css'), 'utf8');

/** The custom properties with a hex value declared in the first block that starts with `opener`. */
function palette(opener: string): Record<string, string> {
  const at = css.indexOf(opener);
  if (at < 0) throw new Error(`styles.css has no block starting ${opener}`);
  const body = css.slice(at + opener.length, css.indexOf('}', at));
  return Object.fromEntries([...body.matchAll(/--([a-z0-9-]+):\s*(#[0-9a-f]{6})\s*;/gi)].map((m) => [m[1], m[2].toLowerCase()]));
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const dark = palette(':root {');
const light = palette(":root[data-theme='light'] {");
const lightFromOs = palette(':root:not([data-theme]) {');

const SURFACES = ['bg', 'panel', 'panel-2'];
const TEXTS = ['text', 'muted', 'accent'];
const HEALTH = ['healthy', 'degraded', 'unhealthy', 'unreachable', 'unknown', 'throttled'];

describe('styles.css themes', () => {
  it('defines the light palette the same way whether the header pins it or the OS asks for it', () => {
    expect(Object.keys(light).length).toBeGreaterThan(10);
    expect(lightFromOs).toEqual(light);
  });

  it('overrides every colour of the dark palette in the light one', () => {
    expect(Object.keys(light).sort()).toEqual(Object.keys(dark).sort());
  });

  for (const [name, p] of [
    ['dark', dark],
    ['light', light],
  ] as const) {
    describe(`${name} theme`, () => {
      it.each(TEXTS.flatMap((t) => SURFACES.map((s) => [t, s])))('--%s on --%s is at least 4.5:1', (t, s) => {
        expect(contrast(p[t], p[s])).toBeGreaterThanOrEqual(4.5);
      });

      it.each(HEALTH.flatMap((h) => SURFACES.map((s) => [h, s])))('health colour --%s as text on --%s is at least 4.5:1', (h, s) => {
        expect(contrast(p[h], p[s])).toBeGreaterThanOrEqual(4.5);
      });

      it.each([...HEALTH, 'accent'])('a pill (or the primary button) filled with --%s has text at least 4.5:1', (h) => {
        expect(contrast(p['on-h'], p[h])).toBeGreaterThanOrEqual(4.5);
      });
    });
  }

  it('every rule that sets a fixed background and text colour (banners, highlights) keeps 4.5:1', () => {
    const rules = [...css.matchAll(/([^{}]+)\{([^{}]*)\}/g)]
      .map((m) => ({ selector: m[1].trim(), bg: /background:\s*(#[0-9a-f]{6})\b/i.exec(m[2])?.[1], fg: /(?:^|;)\s*color:\s*(#[0-9a-f]{6})\b/i.exec(m[2])?.[1] }))
      .filter((r): r is { selector: string; bg: string; fg: string } => Boolean(r.bg && r.fg));
    expect(rules.length).toBeGreaterThan(3);
    for (const r of rules) expect(contrast(r.fg, r.bg), r.selector).toBeGreaterThanOrEqual(4.5);
  });

  it('draws no text in a literal white or near-white that ignores the theme', () => {
    const white = [...css.matchAll(/([^{}]+)\{([^{}]*)\}/g)].filter((m) => /(?:^|;)\s*color:\s*#fff(?:fff)?\b/i.test(m[2]));
    expect(white.map((m) => m[1].trim())).toEqual([]);
  });
});
