// The buyer's return application: shown inside the app with pdf.js, saved natively (desktop) or downloaded (web).
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import type { ApplicationView } from '../../preload/contract.ts';
import { useAppStore } from '../state/store.ts';
import { useBridge } from './state.ts';
import { describeFile, problemKey } from './file-text.ts';
import { useI18n } from '../i18n/index.ts';

// pdf.js is large: loaded when the operator first opens an application.
const PdfView = lazy(() => import('./PdfView.tsx').then((m) => ({ default: m.PdfView })));

export function ApplicationCard({ returnId }: { returnId: number }) {
  const { t, locale } = useI18n();
  const bridge = useBridge();
  const nativeDialogs = useAppStore((s) => s.info?.capabilities.nativeDialogs ?? false);
  const [view, setView] = useState<ApplicationView | null>(null);
  const [shown, setShown] = useState(false);
  const [data, setData] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const load = useCallback(async () => {
    if (!bridge) return;
    setError(null);
    const result = await bridge.application.get({ returnId });
    if (!result.ok) return setError(result.error.message);
    setView(result.value);
    if (result.value.state !== 'cached') return setError(result.value.reason);
  }, [bridge, returnId]);

  useEffect(() => {
    setView(null);
    setShown(false);
    setData(null);
    setError(null);
    setSaved(null);
  }, [returnId]);

  const open = async () => {
    if (!bridge) return;
    setShown(true);
    setData(null);
    await load();
    const bytes = await bridge.application.data({ returnId });
    if (!bytes.ok) return setError(bytes.error.message);
    setData(bytes.value.base64);
  };
  const onPdfError = useCallback((message: string) => setError(message), []);

  const saveAs = async () => {
    if (!bridge) return;
    const result = await bridge.application.saveAs({ returnId });
    if (!result.ok) return setError(result.error.message);
    if (result.value.saved && result.value.path) setSaved(result.value.path);
  };

  return (
    <div className="ev-card" data-testid="application">
      <p className="ev-item-head">
        <span className="ev-item-name">{t('evidence:application')}</span>
        {view?.file && <span className="muted">{describeFile(view.file, t, locale)}</span>}
      </p>
      <div className="ev-actions">
        <button
          type="button"
          className="ev-button"
          onClick={() => (shown ? setShown(false) : void open())}
          aria-expanded={shown}
          data-testid="show-application"
        >
          {shown ? t('evidence:hideApplication') : t('evidence:showApplication')}
        </button>
        {view?.file &&
          (nativeDialogs ? (
            <button type="button" className="ev-button" onClick={() => void saveAs()} data-testid="save-application">
              {t('evidence:saveAs')}
            </button>
          ) : (
            <a
              className="ev-button"
              href={`${view.file.url}&name=${encodeURIComponent(view.fileName)}`}
              download={view.fileName}
              data-testid="download-application"
            >
              {t('evidence:download')}
            </a>
          ))}
      </div>
      {saved && <p className="muted">{t('evidence:saved', { path: saved })}</p>}
      {error && (
        <div className="ev-error" role="alert" data-testid="application-error">
          <span>{t('evidence:pdfFailed', { reason: view?.problem ? `${t(problemKey(view.problem))} — ${error}` : error })}</span>
          <button type="button" className="ev-button" onClick={() => void open()}>
            {t('evidence:retry')}
          </button>
        </div>
      )}
      {shown && data && !error && (
        <Suspense fallback={<p className="muted">{t('evidence:loading')}</p>}>
          <PdfView base64={data} onError={onPdfError} />
        </Suspense>
      )}
    </div>
  );
}
