import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useApplyLbChange } from '../api/mutations/load-balancers';
import { lbQueries } from '../api/queries/load-balancers';
import {
  applyBlock,
  changeCall,
  confirmationWord,
  describeChange,
  previewInput,
  settingTransition,
  type LbChangeRequest,
} from '../model/lb-change';
import { ConfirmDialog } from './ConfirmDialog';
import { ErrorNote } from './ErrorNote';
import { FleetErrorNote } from './FleetErrorNote';

interface Props {
  request: LbChangeRequest;
  onClose: () => void;
  /** After the change went through (the dialog closes itself). */
  onApplied?: () => void;
}

/**
 * One load balancer change, previewed by the engine's change gate before anything is sent: the
 * exact HAProxy command, the setting before → after, what refuses it now (read-only, a run
 * holding the server); on a protected cluster, the server's name typed exactly. Cancel sends
 * nothing; Apply sends the change with what was typed, and the gate checks everything again.
 */
export function LbChangeDialog({ request, onClose, onApplied }: Props) {
  const preview = useQuery(lbQueries.changePreview(previewInput(request)));
  const apply = useApplyLbChange();
  const [typed, setTyped] = useState('');
  const word = confirmationWord(preview.data, apply.error);
  const block = applyBlock({ preview: preview.data, word, typed, pending: apply.isPending });
  const p = preview.data;
  const transition = settingTransition(p?.before ?? null, request.change);
  const where = `${request.loadBalancer}/${request.backend}/${request.server}`;

  const submit = () => {
    const c = changeCall(request, word, typed);
    apply.mutate(c, {
      onSuccess: () => {
        onApplied?.();
        onClose();
      },
      // A refusal (read-only switched on, a run took the lock meanwhile) shows in a fresh preview too.
      onError: () => void preview.refetch(),
    });
  };

  return (
    <ConfirmDialog
      testid="lb-change-dialog"
      title={
        <>
          {request.revertOf === null ? 'Change' : 'Put back'} <span className="mono">{where}</span>: {describeChange(request.change)}?
        </>
      }
      confirmation={
        word === null
          ? null
          : {
              word,
              typed,
              onType: setTyped,
              why: `${p?.cluster ? `Cluster ${p.cluster}` : 'This server'} is protected.`,
              verb: 'apply',
              mismatch: typed !== word,
              testid: 'lb-change-input',
            }
      }
      error={apply.error ? <ErrorNote error={apply.error} context={changeCall(request, word, typed).method} /> : null}
      submit={{
        label: apply.isPending ? 'Applying…' : 'Apply',
        testid: 'lb-change-apply',
        enabled: block === null,
        data: { 'data-blocked': block ?? '' },
      }}
      cancelTestid="lb-change-cancel"
      onSubmit={submit}
      onCancel={onClose}
    >
      {request.revertOf !== null ? (
        <p data-testid="lb-change-revert-of">
          Puts back change <span className="mono">{request.revertOf}</span>.
        </p>
      ) : null}
      {preview.isPending ? <p className="muted">Asking the change gate…</p> : null}
      {preview.error ? <ErrorNote error={preview.error} context="lb.previewChange" /> : null}
      {p ? (
        <div data-testid="lb-change-preview" data-subject={p.subject}>
          <p className="muted">
            HAProxy runtime command on {request.loadBalancer}
            {p.replica ? (
              <>
                {' '}
                (server of replica <span className="mono">{p.replica}</span>
                {p.cluster ? <>, cluster {p.cluster}</> : null})
              </>
            ) : null}
            :
          </p>
          <pre className="mono plan-command lb-change-command">
            <code data-testid="lb-change-command">{p.command}</code>
          </pre>
          <p data-testid="lb-change-setting" data-before={transition.before} data-after={transition.after}>
            {transition.label}: <span className="mono">{transition.before}</span> → <span className="mono">{transition.after}</span>
            {transition.same ? <span className="muted"> (already so: the command changes nothing)</span> : null}
          </p>
          {p.refusals.length > 0 ? (
            <div className="lb-change-refusals" data-testid="lb-change-refusals">
              <p className="field-error">The change gate refuses this change now; nothing can be applied:</p>
              <ul>
                {p.refusals.map((r, i) => (
                  <li key={i} data-testid="lb-change-refusal" data-code={r.code}>
                    <FleetErrorNote error={r} />
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </div>
      ) : null}
    </ConfirmDialog>
  );
}
