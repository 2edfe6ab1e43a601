import { useEffect, useState } from 'react';
import type { BridgeError, OutboxEntry } from '../../preload/contract.ts';
import { useI18n } from '../i18n/index.ts';
import { retryOutbox, undoHeld } from '../state/actions.ts';
import { useAppStore } from '../state/store.ts';

/**
 * Decisions just sent that main still holds before they leave for the Market: each can be taken back
 * (Ctrl+Z) or sent at once, while the operator is already on the next return.
 */
export function UndoBar() {
  const { t, label } = useI18n();
  const held = useAppStore((s) => s.held);
  // This machine's clock, as main's hold uses it (the same machine in every mode).
  const [now, setNow] = useState(() => Date.now());
  const [error, setError] = useState<BridgeError | null>(null);
  const waiting = Object.values(held)
    .filter((e) => e.holdUntil && Date.parse(e.holdUntil) > now)
    .sort((a, b) => b.id - a.id);
  useEffect(() => {
    if (waiting.length === 0) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [waiting.length]);
  if (waiting.length === 0 && !error) return null;
  const words = (e: OutboxEntry) => [...new Set(e.draft.items.map((i) => label('decisionType', i.decisionType)))].join(', ');
  return (
    <div className="undo-bar" role="status" aria-live="polite" data-testid="undo-bar">
      {waiting.map((entry) => (
        <div className="undo-entry" key={entry.id} data-testid="undo-entry" data-return-id={entry.returnId}>
          <span className="grow">
            {t('undo.pending', { id: entry.returnId, what: words(entry), left: Math.max(1, Math.ceil((Date.parse(entry.holdUntil!) - now) / 1000)) })}
          </span>
          <button type="button" className="primary" onClick={() => void undoHeld(entry).then(setError)} data-testid="undo">
            {t('undo.cancel')} <kbd>Ctrl+Z</kbd>
          </button>
          <button type="button" onClick={() => void retryOutbox(entry).then(setError)} data-testid="undo-send-now">
            {t('undo.sendNow')}
          </button>
        </div>
      ))}
      {error && (
        <div className="undo-entry field-error" role="alert">
          <span className="grow">{t('undo.failed', { message: error.message })}</span>
          <button type="button" onClick={() => setError(null)}>
            {t('common.dismiss')}
          </button>
        </div>
      )}
    </div>
  );
}
