import { useMemo } from 'react';
import { highlightTargets } from '../../model/plan-format';

/** A command with the subjects it touches marked, so the operator sees at a glance what it hits. */
export function HighlightedText({ text, targets }: { text: string; targets: readonly string[] }) {
  const segments = useMemo(() => highlightTargets(text, targets), [text, targets]);
  return (
    <>
      {segments.map((s, i) =>
        s.target ? (
          <mark key={i} className="plan-target" data-testid="plan-target">
            {s.text}
          </mark>
        ) : (
          <span key={i}>{s.text}</span>
        ),
      )}
    </>
  );
}
