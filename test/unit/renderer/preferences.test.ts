import { describe, expect, it } from 'vitest';
import { parseSidebar, parseTheme, themeAttribute } from '../../../renderer/src/model/preferences';

describe('preferences', () => {
  it('reads the theme choice, and anything unknown as "system"', () => {
    expect(parseTheme('dark')).toBe('dark');
    expect(parseTheme('light')).toBe('light');
    for (const v of [null, '', 'system', 'Dark', 'solarized']) expect(parseTheme(v)).toBe('system');
  });

  it('sets <html data-theme> only for a pinned theme', () => {
    expect(themeAttribute('system')).toBeNull();
    expect(themeAttribute('dark')).toBe('dark');
    expect(themeAttribute('light')).toBe('light');
  });

  it('reads the sidebar as expanded unless it was collapsed', () => {
    expect(parseSidebar('collapsed')).toBe('collapsed');
    for (const v of [null, '', 'expanded', 'x']) expect(parseSidebar(v)).toBe('expanded');
  });
});
