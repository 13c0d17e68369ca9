import { useCallback, useState } from 'react';
import { NOTIFY_KEY, parseNotify, parseTheme, THEME_KEY, themeAttribute, type NotifyChoice, type ThemeChoice } from './model/preferences';

/** localStorage may be missing or refuse (a locked-down profile): the console still works, it just forgets. */
function readStored(storage: Storage | undefined, key: string): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function writeStored(storage: Storage | undefined, key: string, value: string): void {
  try {
    storage?.setItem(key, value);
  } catch {
    // Not remembered; the choice still applies to this page.
  }
}

const local = (): Storage | undefined => (typeof window === 'undefined' ? undefined : window.localStorage);
const session = (): Storage | undefined => (typeof window === 'undefined' ? undefined : window.sessionStorage);

function useStored<T>(storage: () => Storage | undefined, key: string, parse: (v: string | null) => T, serialize: (v: T) => string): [T, (v: T) => void] {
  const [value, setValue] = useState(() => parse(readStored(storage(), key)));
  const set = useCallback(
    (next: T) => {
      setValue(next);
      writeStored(storage(), key, serialize(next));
    },
    [storage, key, serialize],
  );
  return [value, set];
}

/** A preference kept in localStorage: this browser, every tab, across restarts. */
export function useLocalPreference<T>(key: string, parse: (v: string | null) => T, serialize: (v: T) => string): [T, (v: T) => void] {
  return useStored(local, key, parse, serialize);
}

/** View state kept in sessionStorage: this tab only, across reloads and view switches. */
export function useSessionState<T>(key: string, parse: (v: string | null) => T, serialize: (v: T) => string): [T, (v: T) => void] {
  return useStored(session, key, parse, serialize);
}

export function storedTheme(): ThemeChoice {
  return parseTheme(readStored(local(), THEME_KEY));
}

/** Sets <html data-theme>; styles.css follows the OS when there is none. */
export function applyTheme(choice: ThemeChoice): void {
  const attr = themeAttribute(choice);
  if (attr === null) document.documentElement.removeAttribute('data-theme');
  else document.documentElement.setAttribute('data-theme', attr);
}

export function saveTheme(choice: ThemeChoice): void {
  writeStored(local(), THEME_KEY, choice);
  applyTheme(choice);
}

export function storedNotify(): NotifyChoice {
  return parseNotify(readStored(local(), NOTIFY_KEY));
}

export function saveNotify(choice: NotifyChoice): void {
  writeStored(local(), NOTIFY_KEY, choice);
}
