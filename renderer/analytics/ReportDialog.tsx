// The united returns report: choose dates, stores, type and shipment statuses; watch it being built; open the file.
import { useEffect, useState } from 'react';
import { useModalDialog } from '../lib/use-modal-dialog.ts';
import { useShallow } from 'zustand/react/shallow';
import type { BridgeError, ReportJob } from '../../preload/contract.ts';
import { MARKET_WORDS } from '../../preload/market-words.ts';
import { DateField } from '../components/DateField.tsx';
import { useBridge } from '../state/bridge.ts';
import { useStores } from '../state/queries.ts';
import { useAppStore } from '../state/store.ts';
import { chooseFolder, openFile, periodProblem, useAnalyticsStore } from './state.ts';
import { useI18n } from '../i18n/index.ts';

const SHIPMENT_STATUSES = Object.keys(MARKET_WORDS.en.shipmentStatus);
const RUNNING = new Set<ReportJob['state']>(['requesting', 'generating', 'downloading']);

export function ReportDialog() {
  const { t, label } = useI18n();
  const { open, period, job, folder, defaultFolder, setDialogOpen } = useAnalyticsStore(
    useShallow((s) => ({ open: s.dialogOpen, period: s.period, job: s.job, folder: s.folder, defaultFolder: s.defaultFolder, setDialogOpen: s.setDialogOpen })),
  );
  const bridge = useBridge();
  const stores = useStores().data;
  const info = useAppStore((s) => s.info);
  const native = info?.capabilities.nativeDialogs ?? false;
  const [from, setFrom] = useState(period.from);
  const [to, setTo] = useState(period.to);
  const [campaignIds, setCampaignIds] = useState<number[]>([]);
  const [returnType, setReturnType] = useState<'' | 'UNREDEEMED' | 'RETURN'>('');
  const [shipment, setShipment] = useState<string[]>([]);
  const [format, setFormat] = useState<'FILE' | 'CSV' | 'JSON'>('FILE');
  const [error, setError] = useState<BridgeError | null>(null);
  const [openError, setOpenError] = useState<BridgeError | null>(null);
  const dialog = useModalDialog(open);
  useEffect(() => {
    if (open && campaignIds.length === 0 && stores?.length)
      setCampaignIds(
        stores
          .filter((s) => s.watched)
          .map((s) => s.campaignId)
          .slice(0, 1),
      );
  }, [open, stores, campaignIds.length]);
  useEffect(() => {
    if (!bridge) return;
    return bridge.on('reports.progress', (next) => {
      const current = useAnalyticsStore.getState().job;
      if (current?.jobId === next.jobId) useAnalyticsStore.setState({ job: next });
    });
  }, [bridge]);

  const problem = periodProblem({ from, to });
  const running = job !== null && RUNNING.has(job.state);
  const start = async () => {
    if (!bridge || problem || campaignIds.length === 0) return;
    setError(null);
    setOpenError(null);
    const answer = await bridge.reports.start({
      request: { from, to, campaignIds, format, folder, ...(returnType ? { returnType } : {}), ...(shipment.length ? { shipmentStatuses: shipment } : {}) },
    });
    if (answer.ok) useAnalyticsStore.setState({ job: answer.value });
    else setError(answer.error);
  };
  const toggle = <T,>(list: T[], value: T): T[] => (list.includes(value) ? list.filter((v) => v !== value) : [...list, value]);

  return (
    <dialog ref={dialog} className="an-dialog" aria-labelledby="an-report-title" onClose={() => setDialogOpen(false)} data-testid="report-dialog">
      <form method="dialog" className="an-dialog-body" onSubmit={(e) => (e.preventDefault(), void start())}>
        <h2 id="an-report-title">{t('analytics:dialog.title')}</h2>
        <p className="an-note">{t('analytics:dialog.intro')}</p>
        <div className="an-dialog-row">
          <DateField
            label={t('analytics:from')}
            value={from || undefined}
            onChange={(day) => setFrom(day ?? '')}
            invalid={problem !== null}
            testId="report-from"
          />
          <DateField label={t('analytics:to')} value={to || undefined} onChange={(day) => setTo(day ?? '')} invalid={problem !== null} testId="report-to" />
          <label>
            {t('analytics:dialog.type')}
            <select value={returnType} onChange={(e) => setReturnType(e.currentTarget.value as typeof returnType)} data-testid="report-type">
              <option value="">{t('analytics:dialog.anyType')}</option>
              <option value="RETURN">{label('returnType', 'RETURN')}</option>
              <option value="UNREDEEMED">{label('returnType', 'UNREDEEMED')}</option>
            </select>
          </label>
          <label>
            {t('analytics:dialog.format')}
            <select value={format} onChange={(e) => setFormat(e.currentTarget.value as typeof format)} data-testid="report-format">
              {(['FILE', 'CSV', 'JSON'] as const).map((f) => (
                <option key={f} value={f}>
                  {t(`analytics:dialog.formats.${f}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
        {problem && (
          <p className="field-error" role="alert" data-testid="report-period-problem">
            {problem === 'reversed' ? t('analytics:reversed') : problem === 'too-long' ? t('analytics:tooLong') : t('analytics:missingDates')}
          </p>
        )}
        <fieldset className="an-checks" data-testid="report-stores">
          <legend>{t('analytics:dialog.stores')}</legend>
          {(stores ?? []).map((s) => (
            <label key={s.campaignId} className="check">
              <input type="checkbox" checked={campaignIds.includes(s.campaignId)} onChange={() => setCampaignIds(toggle(campaignIds, s.campaignId))} />
              {s.name ?? s.campaignId}{' '}
              <span className="an-muted">
                ({s.placementType ?? '—'}, {s.campaignId})
              </span>
            </label>
          ))}
        </fieldset>
        {campaignIds.length === 0 && <p className="field-error">{t('analytics:dialog.noStores')}</p>}
        <fieldset className="an-checks an-checks-grid" data-testid="report-shipment">
          <legend>{t('analytics:dialog.shipment')}</legend>
          {SHIPMENT_STATUSES.map((status) => (
            <label key={status} className="check">
              <input type="checkbox" checked={shipment.includes(status)} onChange={() => setShipment(toggle(shipment, status))} />
              {label('shipmentStatus', status)}
            </label>
          ))}
        </fieldset>
        <p className="an-folder">
          {t('analytics:folder')}: <code>{folder ?? defaultFolder ?? t('analytics:defaultFolder')}</code>{' '}
          {native && (
            <button type="button" className="link" onClick={() => void chooseFolder()}>
              {t('analytics:chooseFolder')}
            </button>
          )}
        </p>

        {error && (
          <p className="field-error" role="alert" data-testid="report-error">
            {error.message}
          </p>
        )}
        {job && (
          <div className={`an-job an-job-${job.state}`} role="status" aria-live="polite" data-testid="report-job">
            <div className="an-job-line">
              <strong data-testid="report-state">{t(`analytics:dialog.states.${job.state}`)}</strong>
              {job.serverStatus && (
                <span className="an-muted">
                  {t('analytics:dialog.serverStatus', {
                    status: [label('reportStatus', job.serverStatus), job.subStatus ? label('reportSubStatus', job.subStatus) : null]
                      .filter(Boolean)
                      .join(', '),
                  })}
                </span>
              )}
              {job.polls > 0 && <span className="an-muted">{t('analytics:dialog.polls', { n: job.polls })}</span>}
            </div>
            <progress max={1} value={job.progress} aria-label={t(`analytics:dialog.states.${job.state}`)} data-testid="report-progress" />
            {job.message && (
              <p className={job.state === 'done' ? 'an-note' : 'field-error'} data-testid="report-message">
                {job.message}
              </p>
            )}
            {job.spreadsheetWarning && (
              <p className="field-error" role="alert" data-testid="report-formula-warning">
                {job.spreadsheetWarning.formulaCells === null
                  ? t('analytics:dialog.formulaWarningArchive')
                  : t('analytics:dialog.formulaWarning', { cells: job.spreadsheetWarning.formulaCells })}
              </p>
            )}
            {job.path && (
              <p className="an-saved" data-testid="report-path">
                {t('analytics:dialog.savedTo')} <code>{job.path}</code>
                {native ? (
                  <button
                    type="button"
                    className="link"
                    onClick={() => void openFile(job.path!, job.spreadsheetWarning !== null).then(setOpenError)}
                    data-testid="report-open"
                  >
                    {job.spreadsheetWarning ? t('analytics:dialog.openAnyway') : t('analytics:open')}
                  </button>
                ) : (
                  <>
                    <span className="an-muted"> — {t('analytics:dialog.webPath')}</span>{' '}
                    {job.downloadUrl && (
                      <a className="button-link" href={job.downloadUrl} download data-testid="report-download">
                        {t('analytics:download')}
                      </a>
                    )}
                  </>
                )}
              </p>
            )}
            {openError && (
              <p className="field-error">
                {t('analytics:openFailed')}: {openError.message}
              </p>
            )}
          </div>
        )}

        <div className="an-dialog-actions">
          {running ? (
            <button
              type="button"
              onClick={() => job && void bridge?.reports.cancel({ jobId: job.jobId }).then((r) => r.ok && useAnalyticsStore.setState({ job: r.value }))}
              data-testid="report-cancel"
            >
              {t('analytics:dialog.cancel')}
            </button>
          ) : (
            <button type="submit" className="primary" disabled={problem !== null || campaignIds.length === 0} data-testid="report-start">
              {t('analytics:dialog.start')}
            </button>
          )}
          <button type="button" onClick={() => setDialogOpen(false)} data-testid="report-close">
            {t('analytics:dialog.close')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
