// Every return in dispute in one view: its arbitrage chat state and a one-click evidence pack.
import { useEffect, useState } from 'react';
import type { BridgeError, DisputeView } from '../../preload/contract.ts';
import { openReturn } from '../state/actions.ts';
import { SavePackButton } from './SavePackButton.tsx';
import { useBridge, useEvidenceStore } from './state.ts';
import { codeLabel } from '../../preload/market-words.ts';
import { formatMsk } from '../../preload/moscow-time.ts';
import { useI18n } from '../i18n/index.ts';

export function DisputeWorkspace() {
  const { t, locale } = useI18n();
  const bridge = useBridge();
  const open = useEvidenceStore((s) => s.disputesOpen);
  const setOpen = useEvidenceStore((s) => s.setDisputesOpen);
  const [disputes, setDisputes] = useState<DisputeView[] | null>(null);
  const [error, setError] = useState<BridgeError | null>(null);

  useEffect(() => {
    if (!open || !bridge) return;
    setDisputes(null);
    void bridge.disputes.list().then((r) => (r.ok ? setDisputes(r.value) : setError(r.error)));
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        setOpen(false);
      }
    };
    window.addEventListener('keydown', onKey, { capture: true });
    return () => window.removeEventListener('keydown', onKey, { capture: true });
  }, [open, bridge, setOpen]);

  if (!open) return null;
  return (
    <div className="ev-workspace" role="dialog" aria-modal="true" aria-labelledby="ev-disputes-title" data-testid="disputes">
      <div className="ev-workspace-head">
        <h2 id="ev-disputes-title">{t('evidence:disputes')}</h2>
        <button type="button" className="ev-button ev-close" onClick={() => setOpen(false)}>
          {t('evidence:close')}
        </button>
      </div>
      {error && (
        <p className="ev-error" role="alert">
          {error.message}
        </p>
      )}
      {disputes === null && !error ? (
        <p className="muted">{t('evidence:loading')}</p>
      ) : disputes?.length === 0 ? (
        <p className="muted">{t('evidence:noDisputes')}</p>
      ) : (
        <ul className="ev-dispute-list">
          {disputes?.map((d) => (
            <li key={d.row.returnId} className="ev-card" data-testid="dispute" data-return-id={d.row.returnId}>
              <p className="ev-item-head">
                <span className="ev-item-name">{t('evidence:returnN', { id: d.row.returnId })}</span>
                <span className="muted">
                  {d.row.campaignName ?? d.row.campaignId} · {d.row.skus.join(', ')} · {d.row.updatedAt ? formatMsk(d.row.updatedAt, locale) : ''}
                </span>
              </p>
              <p className={d.arbitrageChat ? 'ev-arbitrage-line' : 'muted'} data-testid="dispute-chat">
                {d.arbitrageChat ? `${t('evidence:arbitrage')}: ${codeLabel('chatStatus', d.arbitrageChat.status, locale)}` : '—'}
              </p>
              <div className="ev-actions">
                <button
                  type="button"
                  className="ev-button"
                  onClick={() => {
                    setOpen(false);
                    openReturn(d.row.returnId);
                  }}
                >
                  {t('evidence:openReturn')}
                </button>
              </div>
              <SavePackButton returnId={d.row.returnId} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
