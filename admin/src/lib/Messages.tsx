import { useEffect, useRef } from 'react';
import { t } from '../i18n/index.ts';

/** The outcome of an action, said where the person is: success as a status, failure as an alert. */
export interface Outcome {
  text: string;
  error?: boolean;
}

/**
 * An outcome placed next to the button that caused it. The status region is always on the page, so screen readers
 * announce what is put in it; an error is an alert. Neither takes focus; the page scrolls just enough to show it
 * when the button sat at the bottom of the window.
 */
export function InlineOutcome({ outcome, testId }: { outcome: Outcome | null; testId?: string }) {
  const ref = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    if (outcome) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [outcome]);
  return (
    <div className="inline-outcome" data-testid={testId} ref={ref}>
      <div role="status">{outcome && !outcome.error && <p className="notice">{outcome.text}</p>}</div>
      {outcome?.error && (
        <p role="alert" className="error">
          {outcome.text}
        </p>
      )}
    </div>
  );
}

/**
 * Notices and errors of a long screen, fixed at the bottom of the window so they are seen wherever the page is
 * scrolled. Both live regions stay mounted (an emptied one is not drawn); the dismiss buttons sit outside them so
 * they are not read out with the message. Focus stays where it is.
 */
export function Toasts({ notice, error, onDismissNotice, onDismissError }: { notice: string; error: string; onDismissNotice: () => void; onDismissError: () => void }) {
  return (
    <div className="toasts">
      <div className={notice ? 'toast' : 'toast empty'}>
        <div role="status" className="toast-text" data-testid="toast-status">
          {notice}
        </div>
        {notice && (
          <button type="button" className="toast-dismiss" aria-label={t('common.dismiss')} onClick={onDismissNotice}>
            ×
          </button>
        )}
      </div>
      <div className={error ? 'toast toast-error' : 'toast empty'}>
        <div role="alert" className="toast-text error" data-testid="toast-error">
          {error}
        </div>
        {error && (
          <button type="button" className="toast-dismiss" aria-label={t('common.dismiss')} onClick={onDismissError}>
            ×
          </button>
        )}
      </div>
    </div>
  );
}
