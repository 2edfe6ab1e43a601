import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useI18n } from '../i18n/index.ts';
import { useBridge } from '../state/bridge.ts';
import { useAppStore } from '../state/store.ts';

/** What this copy of ReturnDesk is and where it runs, and a diagnostics report to copy for support. */
export function Diagnostics() {
  const { t } = useI18n();
  const bridge = useBridge();
  const { info, reportError } = useAppStore(useShallow((s) => ({ info: s.info, reportError: s.reportError })));
  const [report, setReport] = useState<{ text: string; copied: boolean } | null>(null);

  /** Gathers versions, settings (no secrets), status and recent errors; copies them where the system lets us. */
  const copyDiagnostics = async () => {
    if (!bridge) return;
    const result = await bridge.diagnostics.get({ logLines: 50 });
    if (!result.ok) return reportError(t('diag.copy'), result.error);
    let copied = false;
    try {
      await navigator.clipboard.writeText(result.value.text);
      copied = true;
    } catch {
      // No clipboard permission here: the text is shown selected below for Ctrl+C.
    }
    setReport({ text: result.value.text, copied });
  };

  return (
    <section aria-labelledby="diag-title" className="card">
      <h2 id="diag-title">{t('settings.about')}</h2>
      {info ? (
        <dl className="facts" data-testid="app-info">
          <dt>{t('diag.version')}</dt>
          <dd>{info.version}</dd>
          <dt>{t('diag.mode')}</dt>
          <dd data-testid="app-mode">{info.mode === 'demo' ? t('diag.modeDemo') : t('diag.modeLive')}</dd>
          <dt>{t('diag.transport')}</dt>
          <dd data-testid="app-transport">{info.transport === 'ipc' ? t('diag.transportIpc') : t('diag.transportWs')}</dd>
          <dt>{t('diag.api')}</dt>
          <dd>{info.apiHost}</dd>
          <dt>{t('diag.dataDir')}</dt>
          <dd className="mono">{info.dataDir}</dd>
          <dt>{t('diag.runtime')}</dt>
          <dd>
            Node {info.versions.node}
            {info.versions.electron ? `, Electron ${info.versions.electron}` : ''}
          </dd>
        </dl>
      ) : (
        <p>{t('diag.waiting')}</p>
      )}
      <button type="button" onClick={() => void copyDiagnostics()} disabled={!bridge} data-testid="copy-diagnostics">
        {t('diag.copy')}
      </button>
      {report && (
        <>
          <p className="muted" role="status">
            {report.copied ? t('diag.copied') : t('diag.copyManually')}
          </p>
          <textarea
            className="mono diagnostics-text"
            readOnly
            value={report.text}
            rows={10}
            aria-label={t('diag.copy')}
            data-testid="diagnostics-text"
            onFocus={(e) => e.currentTarget.select()}
            autoFocus={!report.copied}
          />
        </>
      )}
    </section>
  );
}
