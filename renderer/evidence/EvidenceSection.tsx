// The open return's documents: the application PDF, chats, the dispute workspace and the evidence pack.
// The buyer's photos sit with each item, beside the decision (ItemEvidence).
import type { ReturnDetail } from '../../preload/contract.ts';
import { ApplicationCard } from './ApplicationCard.tsx';
import { ChatPanel } from './ChatPanel.tsx';
import { SavePackButton } from './SavePackButton.tsx';
import { useEvidenceStore } from './state.ts';
import { useI18n } from '../i18n/index.ts';
import './evidence.css';

const DISPUTE = 'PREMODERATION_DISPUTE';

export function EvidenceSection({ detail }: { detail: ReturnDetail }) {
  const { t } = useI18n();
  const setDisputesOpen = useEvidenceStore((s) => s.setDisputesOpen);
  const returnId = detail.row.returnId;
  const inDispute = detail.row.refundStatus === DISPUTE;
  return (
    <section className="section ev-section" aria-labelledby="ev-title" data-testid="evidence">
      <h2 className="section-title ev-title" id="ev-title">
        {t('evidence:documents')}
        <span className="ev-head-actions">
          <button type="button" className="ev-button" onClick={() => setDisputesOpen(true)} data-testid="open-disputes">
            {t('evidence:disputeWorkspace')}
          </button>
        </span>
      </h2>
      {detail.row.returnType !== 'UNREDEEMED' && <ApplicationCard returnId={returnId} />}
      <ChatPanel detail={detail} prominentArbitrage={inDispute} />
      <SavePackButton returnId={returnId} />
    </section>
  );
}

/** A return in dispute says so at the top: the arbiter decides, not the seller. */
export function DisputeBanner({ detail }: { detail: ReturnDetail }) {
  const { t } = useI18n();
  if (detail.row.refundStatus !== DISPUTE) return null;
  return (
    <p className="ev-dispute-banner" role="note" data-testid="dispute-banner">
      {t('evidence:disputeBanner')}
    </p>
  );
}
