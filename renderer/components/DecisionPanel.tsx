import { useState, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { AvailableDecision, AvailableDecisions, BridgeError, DraftIssue, OutboxEntry, ReturnDetail } from '../../preload/contract.ts';
import { useI18n } from '../i18n/index.ts';
import { compensationMax } from '../lib/check-draft.ts';
import { EMPTY_ITEM_FORM, fieldsFor, type ItemForm } from '../lib/draft-form.ts';
import { formatMoney } from '../lib/money.ts';
import { formatMsk } from '../../preload/moscow-time.ts';
import { cancelQueued, currentIssues, editQueued, latestEntry, loadAvailable, newDecision, retryOutbox, submitDecision } from '../state/actions.ts';
import { useAppStore, type DecisionForm } from '../state/store.ts';
import { BridgeErrorNotice } from './BridgeErrorNotice.tsx';
import { SendIcon } from './icons.tsx';
import { OutboxBadge } from './OutboxBadge.tsx';
import { PositionAmount } from './OrderMoney.tsx';
import { Time } from './Time.tsx';

/** Live and pending states: while one of these exists, a new decision is not offered. */
const ACTIVE_STATES = new Set(['queued', 'sending', 'delivered']);

/** Whether the decision form is on screen for this return, and the items it decides (by returnItemId). */
export function useDecisionForm(detail: ReturnDetail): { shown: boolean; itemIds: Set<number> } {
  const { available, outbox, form } = useAppStore(useShallow((s) => ({ available: s.available, outbox: s.outbox, form: s.form })));
  const returnId = detail.row.returnId;
  const entry = latestEntry(outbox);
  const allowed = available.returnId === returnId ? available.data : null;
  const editing = form?.returnId === returnId && form.editingOutboxId !== null;
  const shown = !!allowed && form?.returnId === returnId && (editing || !entry || !ACTIVE_STATES.has(entry.state)) && (detail.row.awaitingDecision || editing);
  return { shown, itemIds: new Set(shown && allowed ? allowed.items.map((i) => i.returnItemId) : []) };
}

/** Per-item decisions offered by the Market, validated as typed, sent through the outbox; each item shows its evidence. */
export function DecisionPanel({ detail, evidenceFor }: { detail: ReturnDetail; evidenceFor?: (returnItemId: number) => ReactNode }) {
  const { t, locale } = useI18n();
  const { available, outbox, form } = useAppStore(useShallow((s) => ({ available: s.available, outbox: s.outbox, form: s.form })));
  const returnId = detail.row.returnId;
  const entry = latestEntry(outbox);
  const allowed = available.returnId === returnId ? available.data : null;
  const editing = form?.returnId === returnId && form.editingOutboxId !== null;
  const showForm = useDecisionForm(detail).shown;

  return (
    <section className="section decision" aria-labelledby="decision-title" data-testid="decision-panel">
      <h2 className="section-title" id="decision-title">
        {t('decision.title')}
      </h2>
      {entry && <OutboxCard entry={entry} awaiting={detail.row.awaitingDecision} editing={editing} formOpen={showForm} />}
      {!detail.row.awaitingDecision && !entry && !editing && <p className="muted">{t('decision.notAwaiting')}</p>}
      {detail.row.awaitingDecision && available.returnId === returnId && available.error && !allowed && (
        <BridgeErrorNotice action={t('decision.title')} error={available.error} channel="decisions.available" onRetry={() => void loadAvailable(returnId)} />
      )}
      {detail.row.awaitingDecision && !allowed && !available.error && <p className="muted">{t('decision.loading')}</p>}
      {allowed?.source === 'cache' && showForm && <p className="note">{t('decision.fromCache', { at: formatMsk(allowed.fetchedAt, locale) })}</p>}
      {showForm && form && allowed && <DecisionForm form={form} allowed={allowed} evidenceFor={evidenceFor} />}
    </section>
  );
}

function OutboxCard({ entry, awaiting, editing, formOpen }: { entry: OutboxEntry; awaiting: boolean; editing: boolean; formOpen: boolean }) {
  const { t, label, locale } = useI18n();
  const [error, setError] = useState<BridgeError | null>(null);
  const explain = {
    queued: 'explainQueued',
    sending: 'explainSending',
    delivered: 'explainDelivered',
    failed: 'explainFailed',
    conflict: 'explainConflict',
    cancelled: 'explainCancelled',
  }[entry.state];
  return (
    <div className={`outbox-card outbox-card-${entry.state}`} data-testid="outbox-card" data-state={entry.state} aria-live="polite">
      <div className="outbox-card-head">
        <OutboxBadge state={entry.state} />
        <span className="muted">
          <Time at={entry.updatedAt} short />
          {entry.operator && ` · ${t('decision.byOperator', { name: entry.operator })}`}
          {entry.attempts > 0 && ` · ${t('decision.attempts', { count: entry.attempts })}`}
          {entry.nextAttemptAt &&
            (entry.state === 'queued' || entry.state === 'failed') &&
            ` · ${t('decision.nextAttempt', { at: formatMsk(entry.nextAttemptAt, locale, { seconds: true }) })}`}
        </span>
      </div>
      <p data-testid="outbox-explanation">{entry.explanation ?? t(`outbox.${explain}`)}</p>
      {entry.serverMessage && (
        <p className="server-message" data-testid="outbox-server-message">
          <span className="muted">{t('decision.serverSaid')}: </span>
          {entry.serverMessage}
        </p>
      )}
      <ul className="draft-summary">
        {entry.draft.items.map((item) => (
          <li key={item.returnItemId}>
            <span className="mono muted">{item.returnItemId}</span> {label('decisionType', item.decisionType)}
            {item.reasonType && ` — ${label('declineReason', item.reasonType)}`}
            {item.compensation !== undefined && ` — ${formatMoney({ value: item.compensation, currencyId: 'RUR' }, locale)}`}
            {item.comment && <span className="muted"> «{item.comment}»</span>}
          </li>
        ))}
      </ul>
      {error && <BridgeErrorNotice action={t('decision.title')} error={error} onDismiss={() => setError(null)} />}
      <div className="actions">
        {entry.state === 'queued' && !editing && (
          <>
            <button type="button" onClick={() => editQueued(entry)} data-testid="outbox-edit">
              {t('decision.edit')}
            </button>
            <button type="button" onClick={() => void cancelQueued(entry).then(setError)} data-testid="outbox-cancel">
              {t('decision.cancelQueued')}
            </button>
          </>
        )}
        {entry.state === 'failed' && (
          <button type="button" onClick={() => void retryOutbox(entry).then(setError)} data-testid="outbox-retry">
            {t('decision.retry')}
          </button>
        )}
        {(entry.state === 'failed' || entry.state === 'conflict' || entry.state === 'cancelled') && awaiting && !editing && !formOpen && (
          <button type="button" onClick={() => newDecision(entry.returnId)}>
            {t('decision.newDecision')}
          </button>
        )}
      </div>
    </div>
  );
}

function DecisionForm({ form, allowed, evidenceFor }: { form: DecisionForm; allowed: AvailableDecisions; evidenceFor?: (returnItemId: number) => ReactNode }) {
  const { t } = useI18n();
  const { setItemForm, setActiveItem, clearForm } = useAppStore(
    useShallow((s) => ({ setItemForm: s.setItemForm, setActiveItem: s.setActiveItem, clearForm: s.clearForm })),
  );
  const checked = currentIssues();
  const attempted = form.submitError !== null;
  // Before a submit, only speak about items the operator has started on.
  const issues = (checked?.issues ?? []).filter((i) => attempted || (i.returnItemId !== null && form.items[i.returnItemId]?.decisionType));
  const serverIssues = form.submitError?.code === 'INVALID_ARGUMENTS' ? (form.submitError.issues ?? []) : [];

  return (
    <form
      className="decision-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submitDecision();
      }}
      noValidate
      data-testid="decision-form"
    >
      <p className="muted small">{t('decision.keyHint')}</p>
      {allowed.items.map((item, index) => (
        <ItemDecision
          key={item.returnItemId}
          index={index}
          active={index === form.activeItem}
          item={item}
          value={form.items[item.returnItemId] ?? EMPTY_ITEM_FORM}
          decisions={allowed.decisions}
          issues={issues.filter((i) => i.returnItemId === item.returnItemId)}
          onChange={(patch) => setItemForm(item.returnItemId, patch)}
          onFocus={() => setActiveItem(index)}
          allowed={allowed}
          evidence={evidenceFor?.(item.returnItemId)}
        />
      ))}
      {issues
        .filter((i) => i.returnItemId === null)
        .map((i, k) => (
          <p key={k} className="field-error" role="alert">
            {i.message}
          </p>
        ))}
      {form.submitError && form.submitError.code !== 'INVALID_ARGUMENTS' && <BridgeErrorNotice action={t('decision.submit')} error={form.submitError} />}
      {serverIssues.length > 0 && (
        <ul className="field-error" role="alert" data-testid="server-issues">
          {serverIssues.map((i, k) => (
            <li key={k}>
              {i.path}: {i.message}
            </li>
          ))}
        </ul>
      )}
      <div className="actions">
        {form.editingOutboxId ? (
          <button type="submit" className="primary" disabled={form.submitting} data-testid="decision-submit">
            <SendIcon /> {t('decision.saveEdit')}
          </button>
        ) : (
          <>
            <button
              type="button"
              className="primary"
              disabled={form.submitting}
              onClick={() => void submitDecision({ next: true })}
              data-testid="decision-submit-next"
            >
              <SendIcon /> {t('decision.submitNext')}
              <kbd>{t('decision.submitHint')}</kbd>
            </button>
            <button type="submit" disabled={form.submitting} data-testid="decision-submit">
              {t('decision.submit')}
            </button>
          </>
        )}
        {form.editingOutboxId && (
          <button type="button" onClick={clearForm}>
            {t('common.cancel')}
          </button>
        )}
        {attempted && (checked?.issues.length ?? 0) > 0 && (
          <span className="field-error" data-testid="decision-problems">
            {t('decision.fixFirst', { count: checked?.issues.length ?? 0 })}
          </span>
        )}
      </div>
    </form>
  );
}

interface ItemProps {
  index: number;
  active: boolean;
  item: AvailableDecisions['items'][number];
  value: ItemForm;
  decisions: AvailableDecision[];
  issues: DraftIssue[];
  onChange(patch: Partial<ItemForm>): void;
  onFocus(): void;
  allowed: AvailableDecisions;
  /** The item's reasons, comment and photos, shown above its choices. */
  evidence?: ReactNode;
}

function ItemDecision({ index, active, item, value, decisions, issues, onChange, onFocus, allowed, evidence }: ItemProps) {
  const { t, label, locale } = useI18n();
  const need = fieldsFor(value.decisionType);
  const chosen = decisions.find((d) => d.decisionType === value.decisionType);
  const maxCompensation = need.compensation ? compensationMax(allowed, item.returnItemId) : null;
  const issueOf = (field: DraftIssue['field']) => issues.find((i) => i.field === field);
  const id = `item-${item.returnItemId}`;
  const commentLabel = need.comment ? t(`decision.comment${need.comment[0]!.toUpperCase()}${need.comment.slice(1)}`) : '';
  const fieldProps = (field: DraftIssue['field']) => {
    const problem = issueOf(field);
    return { 'aria-invalid': problem ? true : undefined, 'aria-describedby': problem ? `${id}-${field}-error` : undefined };
  };
  const problemText = (field: DraftIssue['field']) => {
    const problem = issueOf(field);
    return problem ? (
      <span className="field-error" id={`${id}-${field}-error`} data-testid={`issue-${field}`}>
        {problem.message}
      </span>
    ) : null;
  };
  return (
    <fieldset
      className={`item-decision${active ? ' active' : ''}`}
      onFocus={onFocus}
      onClick={onFocus}
      data-testid="item-decision"
      data-active={active || undefined}
    >
      <legend>
        <span className="item-index">{index + 1}</span> {item.name ?? item.shopSku} <span className="muted mono">{item.shopSku}</span>{' '}
        <span className="muted">×{item.count}</span>
        {item.position?.total && (
          <span className="muted">
            {' · '}
            <PositionAmount position={item.position} count={item.count} />
          </span>
        )}
      </legend>
      {evidence}
      <div className="choices" role="radiogroup" aria-label={t('decision.pick')} aria-invalid={issueOf('decisionType') ? true : undefined}>
        {decisions.map((d, n) => (
          <label key={d.decisionType} className={`choice${value.decisionType === d.decisionType ? ' chosen' : ''}`}>
            <input
              type="radio"
              name={`${id}-type`}
              value={d.decisionType}
              checked={value.decisionType === d.decisionType}
              onChange={() => onChange({ decisionType: d.decisionType })}
              data-testid={`choice-${d.decisionType}`}
            />
            {n < 9 && <kbd aria-hidden="true">{n + 1}</kbd>}
            <span>{label('decisionType', d.decisionType)}</span>
          </label>
        ))}
      </div>
      {problemText('decisionType')}
      {need.reason && (
        <label>
          {t('decision.reasonType')}
          <select
            value={value.reasonType}
            onChange={(e) => onChange({ reasonType: e.currentTarget.value })}
            {...fieldProps('reasonType')}
            data-testid="decision-reason"
          >
            <option value="">{t('decision.chooseReason')}</option>
            {(chosen?.reasonTypes ?? []).map((r) => (
              <option key={r} value={r}>
                {label('declineReason', r)}
              </option>
            ))}
          </select>
          {problemText('reasonType')}
        </label>
      )}
      {need.comment && (
        <label>
          {commentLabel}
          <textarea
            value={value.comment}
            maxLength={2000}
            rows={2}
            onChange={(e) => onChange({ comment: e.currentTarget.value })}
            {...fieldProps('comment')}
            data-testid="decision-comment"
          />
          {problemText('comment')}
        </label>
      )}
      {need.compensation && (
        <label>
          {t('decision.compensation')}
          <input
            inputMode="decimal"
            value={value.compensation}
            maxLength={20}
            onChange={(e) => onChange({ compensation: e.currentTarget.value })}
            {...fieldProps('compensation')}
            data-testid="decision-compensation"
          />
          {chosen?.compensationBounds && (
            <span className="hint" data-testid="compensation-bounds">
              {t('decision.compensationBounds', {
                min: formatMoney(chosen.compensationBounds.min, locale),
                max: formatMoney(
                  { value: maxCompensation ?? chosen.compensationBounds.max.value, currencyId: chosen.compensationBounds.max.currencyId },
                  locale,
                ),
                percent: chosen.compensationBounds.maxPercent,
              })}
            </span>
          )}
          {problemText('compensation')}
        </label>
      )}
    </fieldset>
  );
}
