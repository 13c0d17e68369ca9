/**
 * Whether a modal dialog (the command palette, a change or run confirmation) is open: it owns the
 * keyboard until it closes, so neither a shortcut nor a subject revealed behind it takes the focus.
 */
export const modalOpen = (): boolean => document.querySelector('[role="dialog"][aria-modal="true"]') !== null;
