import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import { createPortal } from 'react-dom';

/** What the operator must type to go ahead (a protected target's name). */
export interface ConfirmationField {
  word: string;
  typed: string;
  onType: (typed: string) => void;
  /** Before "Type <word> to …": why a word is asked for ("This target is protected."). */
  why: string;
  /** "run", "apply": what typing the word lets happen. */
  verb: string;
  /** The typed text does not equal the word (shown as invalid once something is typed). */
  mismatch: boolean;
  testid: string;
}

interface Props {
  testid: string;
  title: ReactNode;
  /** What the change is: shown between the title and the confirmation, read out as the dialog's description. */
  children: ReactNode;
  confirmation: ConfirmationField | null;
  /** Under the confirmation: the failed call, if any. */
  error?: ReactNode;
  submit: { label: string; testid: string; enabled: boolean; data?: Record<`data-${string}`, string> };
  cancelTestid: string;
  onSubmit: () => void;
  onCancel: () => void;
}

const FOCUSABLE = 'input:not([disabled]), button:not([disabled]), select:not([disabled]), textarea:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])';

/**
 * The frame of every "last word before anything is sent" dialog (a runbook run, a load balancer
 * change): a modal over the page with its title and description, the word to type when the
 * target is protected, the error of the last try, the primary action and Cancel.
 *
 * Keyboard: focus moves into the dialog (onto the word's field when there is one) and Tab stays
 * inside; Enter submits (when allowed); Escape cancels, and goes no further (a drawer under the
 * dialog keeps its own Escape for itself); focus returns to where it was once the dialog closes.
 */
export function ConfirmDialog({ testid, title, children, confirmation, error, submit, cancelTestid, onSubmit, onCancel }: Props) {
  const formRef = useRef<HTMLFormElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const cancelRef = useRef(onCancel);
  useEffect(() => {
    cancelRef.current = onCancel;
  }, [onCancel]);

  // Read while rendering, before a field inside takes the focus (autoFocus acts as the dialog mounts).
  const [opener] = useState(() => (document.activeElement instanceof HTMLElement ? document.activeElement : null));

  useEffect(() => {
    const form = formRef.current;
    // Onto the field to type in if there is one yet (it also has autoFocus), else the dialog itself.
    if (form && !form.contains(document.activeElement)) (form.querySelector<HTMLElement>('input:not([disabled])') ?? form).focus();
    // Capture on window runs before any other keydown listener (the detail drawer listens on window).
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.preventDefault();
      e.stopPropagation();
      cancelRef.current();
    };
    window.addEventListener('keydown', onKey, true);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      if (opener?.isConnected) opener.focus();
    };
  }, [opener]);

  const submitForm = (e: FormEvent) => {
    e.preventDefault();
    if (submit.enabled) onSubmit();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLFormElement>) => {
    const form = formRef.current;
    if (!form) return;
    // Enter with the focus on the dialog itself (no field to type in): the same as pressing the action.
    if (e.key === 'Enter' && e.target === form) {
      e.preventDefault();
      if (submit.enabled) onSubmit();
      return;
    }
    if (e.key !== 'Tab') return;
    const focusable = [...form.querySelectorAll<HTMLElement>(FOCUSABLE)];
    if (focusable.length === 0) return;
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (e.shiftKey && (document.activeElement === first || document.activeElement === form)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  return createPortal(
    <div className="dialog-backdrop">
      <form
        ref={formRef}
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={descriptionId}
        tabIndex={-1}
        data-testid={testid}
        onSubmit={submitForm}
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId}>{title}</h2>
        <div id={descriptionId}>{children}</div>
        {confirmation !== null ? (
          <label className="confirm-label">
            <span>
              {confirmation.why} Type <code>{confirmation.word}</code> to {confirmation.verb}:
            </span>
            <input
              data-testid={confirmation.testid}
              autoFocus
              autoComplete="off"
              spellCheck={false}
              value={confirmation.typed}
              aria-invalid={confirmation.typed !== '' && confirmation.mismatch}
              onChange={(e) => confirmation.onType(e.target.value)}
            />
          </label>
        ) : null}
        {error}
        <div className="actions">
          <button type="submit" className="primary" data-testid={submit.testid} disabled={!submit.enabled} {...submit.data}>
            {submit.label}
          </button>
          <button type="button" data-testid={cancelTestid} onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </div>,
    document.body,
  );
}
