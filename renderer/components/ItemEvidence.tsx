import type { ItemPhotos, ReturnItemView } from '../../preload/contract.ts';
import { Filmstrip } from '../evidence/Filmstrip.tsx';
import type { ReturnPhotos } from '../evidence/use-return-photos.ts';
import { useI18n } from '../i18n/index.ts';
import { formatMoney } from '../lib/money.ts';
import { BarcodeIcon } from './icons.tsx';
import { useMoneyText } from './money-texts.ts';
import { PositionAmount } from './OrderMoney.tsx';

/**
 * What the buyer says about one item — reason, details, comment, photos — and what the Market
 * already decided, compact enough to sit inside the item's decision.
 */
export function ItemEvidence({
  item,
  photos,
  returnPhotos,
  withHead,
}: {
  item: ReturnItemView;
  photos: ItemPhotos | undefined;
  returnPhotos: ReturnPhotos;
  withHead?: boolean;
}) {
  const { t, label, locale } = useI18n();
  const { mt } = useMoneyText();
  const reasons = item.decisions.filter((d) => d.reasonType || d.subreasonType || d.comment);
  const decided = item.decisions.filter((d) => d.decisionType);
  const codes = item.instances.filter((i) => i.cis || i.imei);
  return (
    <div className="item-evidence" data-testid="item-evidence">
      {withHead && (
        <div className="item-head">
          <span className="item-name">{item.name ?? item.shopSku}</span>
          <span className="muted">
            {t('detail.sku')} <span className="mono">{item.shopSku}</span> · ×{item.count}
          </span>
        </div>
      )}
      {withHead && item.position && (
        <p className="item-position small">
          {mt('position')}: <PositionAmount position={item.position} count={item.count} />
        </p>
      )}
      {reasons.map((d, i) => (
        <div className="reason" key={i} data-testid="item-reason">
          {(d.reasonType || d.subreasonType) && (
            <p className="reason-line">
              <span className="reason-main">{d.reasonType ? label('returnReason', d.reasonType) : t('detail.reason')}</span>
              {d.subreasonType && <span className="muted"> · {label('returnSubreason', d.subreasonType)}</span>}
              {d.amount && (
                <span className="muted" data-testid="item-refund">
                  {' · '}
                  {mt('refund')} {formatMoney(d.amount, locale)}
                </span>
              )}
            </p>
          )}
          {d.comment && (
            <blockquote className="quote buyer-comment" aria-label={t('detail.buyerComment')} data-testid="buyer-comment">
              {d.comment}
            </blockquote>
          )}
        </div>
      ))}
      {photos ? (
        <Filmstrip item={photos} onOpen={(i) => returnPhotos.open(photos.idx, i)} onCompare={() => returnPhotos.open(photos.idx, 0, { compare: true })} />
      ) : (
        <p className="muted small" data-testid="photo-count">
          {t('inbox.photos', { count: item.photos.length })}
        </p>
      )}
      {decided.length > 0 && (
        <p className="muted small">
          {t('detail.previousDecisions')}: {decided.map((d) => label('decisionType', d.decisionType)).join(', ')}
          {decided.some((d) => d.partnerCompensation) &&
            ` (${mt('shippingCompensation')}: ${decided
              .filter((d) => d.partnerCompensation)
              .map((d) => formatMoney(d.partnerCompensation, locale))
              .join(', ')})`}
        </p>
      )}
      {codes.length > 0 && (
        <div className="marked" data-testid="marked-codes">
          <p className="marked-note">
            <BarcodeIcon /> {t('detail.marked')}
          </p>
          <ul className="codes mono">
            {codes.map((c, i) => (
              <li key={i}>
                {c.cis && `${t('detail.cis')}: ${c.cis}`}
                {c.cis && c.imei && ' · '}
                {c.imei && `${t('detail.imei')}: ${c.imei}`}
              </li>
            ))}
          </ul>
        </div>
      )}
      {item.tracks.length > 0 && (
        <p className="muted small">
          {t('detail.tracks')}: <span className="mono">{item.tracks.join(', ')}</span>
        </p>
      )}
    </div>
  );
}
