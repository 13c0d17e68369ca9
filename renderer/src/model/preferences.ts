/**
 * What the console remembers in the browser (localStorage: this browser, every tab), parsed
 * strictly: a value from an older or newer console, or one edited by hand, falls back to the
 * default instead of breaking the page.
 */

export const THEME_KEY = 'fleetops.theme';
export const SIDEBAR_KEY = 'fleetops.sidebar';
export const NOTIFY_KEY = 'fleetops.notifications';

/** `system` follows the OS (prefers-color-scheme); the others pin it. */
export type ThemeChoice = 'system' | 'dark' | 'light';
export const THEME_CHOICES: readonly ThemeChoice[] = ['system', 'dark', 'light'];

export function parseTheme(value: string | null): ThemeChoice {
  return value === 'dark' || value === 'light' ? value : 'system';
}

export type SidebarState = 'expanded' | 'collapsed';

export function parseSidebar(value: string | null): SidebarState {
  return value === 'collapsed' ? 'collapsed' : 'expanded';
}

/** The `data-theme` attribute of <html> for a choice: none for `system` (the CSS then follows the OS). */
export function themeAttribute(choice: ThemeChoice): string | null {
  return choice === 'system' ? null : choice;
}

/**
 * Desktop notifications (renderer/src/notifications): off, or from which level a subject's
 * turn for the worse is notified — `critical` (unhealthy, unreachable, fast SLO burn) or
 * `warning` (degraded and throttled too). Off unless chosen: the browser's permission is asked
 * when it is (a user's gesture), never at load.
 */
export type NotifyChoice = 'off' | 'critical' | 'warning';
export const NOTIFY_CHOICES: readonly NotifyChoice[] = ['off', 'critical', 'warning'];

export function parseNotify(value: string | null): NotifyChoice {
  return value === 'critical' || value === 'warning' ? value : 'off';
}
