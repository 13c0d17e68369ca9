import { useEffect, useState } from 'react';

/**
 * Changes whenever the page's colours may have: the theme switch (<html data-theme>) or the OS
 * setting the "system" theme follows. Canvas plots read their colours once, so they redraw on it.
 */
export function useThemeVersion(): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const bump = () => setVersion((v) => v + 1);
    const attrs = new MutationObserver(bump);
    attrs.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    const media = window.matchMedia('(prefers-color-scheme: light)');
    media.addEventListener('change', bump);
    return () => {
      attrs.disconnect();
      media.removeEventListener('change', bump);
    };
  }, []);
  return version;
}
