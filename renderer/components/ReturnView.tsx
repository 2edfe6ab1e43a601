import type { InboxRow, ItemPhotos, ReturnDetail, ReturnItemView } from '../../preload/contract.ts';
import { useI18n } from '../i18n/index.ts';
import { formatMoney } from '../lib/money.ts';
import { DISPUTE_STATUS, refundTimeline, shipmentTimeline, type TimelineStep } from '../lib/status-model.ts';
import { formatCountdown, msUntil, urgencyOf } from '../lib/time.ts';
import { openReturn } from '../state/actions.ts';
import { useNow } from '../state/use-now.ts';
import { DecisionPanel, useDecisionForm } from './DecisionPanel.tsx';
import { ItemEvidence } from './ItemEvidence.tsx';
import { BarcodeIcon, BoltIcon, CheckIcon } from './icons.tsx';
import { OutboxBadge } from './OutboxBadge.tsx';
import { Time } from './Time.tsx';
import { DisputeBanner, EvidenceSection } from '../evidence/EvidenceSection.tsx';
import { useReturnPhotos, type ReturnPhotos } from '../evidence/use-return-photos.ts';
import { useMoneyText } from './money-texts.ts';
import { OrderMoney } from './OrderMoney.tsx';

/**
 * One return, laid out so the evidence and the decision are read together: each item's reasons,
 * comment and photos sit inside its decision; the status, the documents and the order follow.
 */
export function ReturnView({ detail }: { detail: ReturnDetail }) {
  const photos = useReturnPhotos(detail.row.returnId);
  const form = useDecisionForm(detail);
  const photosOf = (item: ReturnItemView): ItemPhotos | undefined => photos.items?.find((p) => p.idx === item.idx);
  const evidenceFor = (returnItemId: number) => {
    const item = detail.items.find((i) => i.returnItemId === returnItemId);
    return item ? <ItemEvidence item={item} photos={photosOf(item)} returnPhotos={photos} /> : null;
  };
  const rest = detail.items.filter((i) => i.returnItemId === null || !form.itemIds.has(i.returnItemId));
  return (
    <article className="detail" data-testid="detail" data-return-id={detail.row.returnId} aria-labelledby="detail-title">
      <DetailHeader row={detail.row} />
      <DisputeBanner detail={detail} />
      {!form.shown && <ItemsSection items={rest} photosOf={photosOf} photos={photos} />}
      <DecisionPanel detail={detail} evidenceFor={evidenceFor} />
      {form.shown && rest.length > 0 && <ItemsSection items={rest} photosOf={photosOf} photos={photos} />}
      <StatusTimelines row={detail.row} />
      <EvidenceSection detail={detail} />
      <OrderSection detail={detail} />
      <Siblings siblings={detail.siblings} />
      <Pickup detail={detail} />
    </article>
  );
}

function DetailHeader({ row }: { row: InboxRow }) {
  const { t, label, locale } = useI18n();
  const { mt } = useMoneyText();
  const now = useNow(1000);
  const left = msUntil(row.decisionDeadline, now);
  const urgency = left === null ? null : urgencyOf(left);
  return (
    <header className="detail-head">
      <div className="detail-title-row">
        <h1 id="detail-title" className="detail-title">
          {row.returnType === 'UNREDEEMED' ? t('detail.unredeemedTitle', { id: row.returnId }) : t('detail.returnTitle', { id: row.returnId })}
        </h1>
        {row.outboxState && <OutboxBadge state={row.outboxState} />}
      </div>
      <p className="detail-meta">
        <span>{row.campaignName ?? row.campaignId}</span>
        {row.placementType && <span className="pill">{label('placement', row.placementType)}</span>}
        <span>
          {t('inbox.order')} <span className="mono">{row.orderId}</span>
        </span>
        {row.fastReturn && (
          <span className="flag flag-fast">
            <BoltIcon size={13} /> {t('inbox.fast')}
          </span>
        )}
        {row.hasMarkedGoods && (
          <span className="flag">
            <BarcodeIcon size={13} /> {t('inbox.marked')}
          </span>
        )}
      </p>
      <dl className="facts facts-inline">
        {left !== null && urgency ? (
          <>
            <dt>{t('detail.deadline')}</dt>
            <dd>
              <Time at={row.decisionDeadline} testId="detail-deadline" />
            </dd>
            <dt>{t('detail.timeLeft')}</dt>
            <dd>
              <span
                className={`countdown u-${urgency}`}
                data-testid="detail-countdown"
                role="timer"
                aria-label={`${t('detail.timeLeft')}: ${formatCountdown(left, locale)}`}
              >
                {formatCountdown(left, locale, { seconds: true })}
              </span>
            </dd>
          </>
        ) : (
          <>
            <dt>{t('detail.deadline')}</dt>
            <dd>{t('detail.noDecisionNeeded')}</dd>
          </>
        )}
        <dt>{t('detail.created')}</dt>
        <dd>
          <Time at={row.createdAt} testId="detail-created" />
        </dd>
        <dt>{t('detail.updated')}</dt>
        <dd>
          <Time at={row.updatedAt} />
        </dd>
        <dt>{mt('refund')}</dt>
        <dd data-testid="detail-refund">{formatMoney(row.amount, locale)}</dd>
      </dl>
    </header>
  );
}

function StatusTimelines({ row }: { row: InboxRow }) {
  const { t } = useI18n();
  return (
    <section className="section" aria-label={t('detail.statusModel')}>
      {row.returnType !== 'UNREDEEMED' && (
        <Timeline
          title={t('detail.statusModel')}
          steps={refundTimeline(row.placementType, row.refundStatus)}
          group="refundStatus"
          testId="refund-timeline"
          dispute={row.refundStatus === DISPUTE_STATUS}
        />
      )}
      {(row.shipmentStatus || row.returnType === 'UNREDEEMED') && (
        <Timeline title={t('detail.shipment')} steps={shipmentTimeline(row.shipmentStatus)} group="shipmentStatus" testId="shipment-timeline" />
      )}
    </section>
  );
}

function Timeline({
  title,
  steps,
  group,
  testId,
  dispute,
}: {
  title: string;
  steps: TimelineStep[];
  group: 'refundStatus' | 'shipmentStatus';
  testId: string;
  dispute?: boolean;
}) {
  const { label } = useI18n();
  return (
    <div className="timeline-block">
      <h2 className="section-title">{title}</h2>
      <ol className="timeline" data-testid={testId}>
        {steps.map((step, i) => (
          <li
            key={i}
            className={`step step-${step.state}${dispute && step.state === 'current' ? ' step-dispute' : ''}`}
            aria-current={step.state === 'current' ? 'step' : undefined}
          >
            <span className="step-dot" aria-hidden="true">
              {step.state === 'done' ? <CheckIcon size={10} /> : null}
            </span>
            <span className="step-label">
              {step.state === 'current' || step.statuses.length === 1 ? label(group, step.shown) : step.statuses.map((s) => label(group, s)).join(' / ')}
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}

function ItemsSection({
  items,
  photosOf,
  photos,
}: {
  items: ReturnItemView[];
  photosOf: (item: ReturnItemView) => ItemPhotos | undefined;
  photos: ReturnPhotos;
}) {
  const { t } = useI18n();
  if (items.length === 0) return null;
  return (
    <section className="section" aria-labelledby="items-title">
      <h2 className="section-title" id="items-title">
        {t('detail.items')}
      </h2>
      <ul className="items">
        {items.map((item) => (
          <li key={`${item.idx}-${item.shopSku}`} className="item-card" data-testid="return-item">
            <ItemEvidence item={item} photos={photosOf(item)} returnPhotos={photos} withHead />
          </li>
        ))}
      </ul>
    </section>
  );
}

function OrderSection({ detail }: { detail: ReturnDetail }) {
  const { t, label, locale } = useI18n();
  const order = detail.order;
  if (!order) {
    return (
      <section className="section">
        <h2 className="section-title">{t('detail.order', { id: detail.row.orderId })}</h2>
        <p className="muted">{t('detail.notInOrder')}</p>
      </section>
    );
  }
  const returnedBySku = new Map<string, number>();
  for (const item of detail.items) returnedBySku.set(item.shopSku, (returnedBySku.get(item.shopSku) ?? 0) + item.count);
  const liveUnits = order.items.reduce((sum, i) => sum + (i.count ?? 0), 0);
  const returnedUnits = detail.items.reduce((sum, i) => sum + i.count, 0);
  const partial = detail.row.returnType === 'UNREDEEMED' && returnedUnits < liveUnits;
  return (
    <section className="section" aria-labelledby="order-title" data-testid="order">
      <h2 className="section-title" id="order-title">
        {t('detail.order', { id: order.id })}
        {order.status && <span className="pill">{label('orderStatus', order.status)}</span>}
      </h2>
      {partial && (
        <p className="note" data-testid="partial-note">
          {t('detail.partial')}
        </p>
      )}
      <table className="order-table">
        <thead>
          <tr>
            <th scope="col">{t('detail.items')}</th>
            <th scope="col" className="num">
              {t('detail.ordered')}
            </th>
            <th scope="col" className="num">
              {t('detail.inThisReturn')}
            </th>
            <th scope="col" className="num">
              {t('detail.amount')}
            </th>
          </tr>
        </thead>
        <tbody>
          {order.items.map((item) => {
            const removed = item.count === 0 && item.initialCount !== null && item.initialCount > 0;
            const returned = returnedBySku.get(item.offerId) ?? 0;
            return (
              <tr key={item.itemId} className={removed ? 'removed' : returned > 0 ? 'returned' : ''} data-testid="order-item" data-sku={item.offerId}>
                <td>
                  <div>{item.offerName ?? item.offerId}</div>
                  <div className="muted mono">{item.offerId}</div>
                  {removed && <div className="muted">{t('detail.removed', { initial: item.initialCount })}</div>}
                </td>
                <td className="num">{item.count ?? '—'}</td>
                <td className="num" data-testid="order-item-returned">
                  {returned || '—'}
                </td>
                <td className="num" data-testid="order-item-amount">
                  {formatMoney(item.money.total, locale)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <OrderMoney detail={detail} />
    </section>
  );
}

function Siblings({ siblings }: { siblings: InboxRow[] }) {
  const { t, label } = useI18n();
  if (siblings.length === 0) return null;
  return (
    <section className="section" aria-labelledby="siblings-title">
      <h2 className="section-title" id="siblings-title">
        {t('detail.siblings')}
      </h2>
      <ul className="siblings">
        {siblings.map((s) => (
          <li key={s.returnId}>
            <button type="button" className="link" onClick={() => openReturn(s.returnId)} data-testid="sibling">
              {label('returnType', s.returnType)} <span className="mono">{s.returnId}</span>
            </button>
            <span className="muted"> · {s.refundStatus ? label('refundStatus', s.refundStatus) : label('shipmentStatus', s.shipmentStatus)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Pickup({ detail }: { detail: ReturnDetail }) {
  const { t } = useI18n();
  const point = detail.pickupPoint;
  if (!point && !detail.row.pickupTill) return null;
  return (
    <section className="section" aria-labelledby="pickup-title">
      <h2 className="section-title" id="pickup-title">
        {t('detail.pickup')}
      </h2>
      <dl className="facts">
        {(point?.name || point?.address) && (
          <>
            <dt>{t('detail.pickup')}</dt>
            <dd>
              {point?.name}
              {point?.name && point?.address && <br />}
              {point?.address}
            </dd>
          </>
        )}
        {point?.instruction && (
          <>
            <dt>{t('detail.pickupInstruction')}</dt>
            <dd>{point.instruction}</dd>
          </>
        )}
        {detail.row.pickupTill && (
          <>
            <dt>{t('detail.pickupTill')}</dt>
            <dd>
              <Time at={detail.row.pickupTill} />
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}
