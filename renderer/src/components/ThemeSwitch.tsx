import { useState } from 'react';
import { parseTheme, THEME_CHOICES } from '../model/preferences';
import { saveTheme, storedTheme } from '../preferences';

/** System (follow the OS), dark or light; remembered in this browser. */
export function ThemeSwitch() {
  const [choice, setChoice] = useState(storedTheme);
  return (
    <label className="theme-switch">
      theme
      <select
        data-testid="theme-select"
        value={choice}
        onChange={(e) => {
          const next = parseTheme(e.target.value);
          setChoice(next);
          saveTheme(next);
        }}
      >
        {THEME_CHOICES.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
    </label>
  );
}
