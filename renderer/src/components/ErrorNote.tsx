import { describeError } from '../api/errors';

/** A failed call as the operator needs it: the stable code, the message, and what it was about. */
export function ErrorNote({ error, context }: { error: unknown; context?: string }) {
  const { code, message, subject } = describeError(error);
  return (
    <div className="error-note" role="alert" data-testid="error-note" data-code={code}>
      {context ? <span className="error-context">{context}: </span> : null}
      <code className="error-code">{code}</code> {message}
      {subject ? <span className="error-subject"> ({subject})</span> : null}
    </div>
  );
}
