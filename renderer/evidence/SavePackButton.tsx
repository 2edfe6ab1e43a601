// Saves one return's evidence pack: a native folder dialog on the desktop; in web mode the data folder, and a ZIP to download.
import { useState } from 'react';
import type { EvidencePack } from '../../preload/contract.ts';
import { useAppStore } from '../state/store.ts';
import { useBridge } from './state.ts';
import { useI18n } from '../i18n/index.ts';

export function SavePackButton({ returnId }: { returnId: number }) {
  const { t } = useI18n();
  const bridge = useBridge();
  const nativeDialogs = useAppStore((s) => s.info?.capabilities.nativeDialogs ?? false);
  const [busy, setBusy] = useState(false);
  const [pack, setPack] = useState<EvidencePack | null>(null);
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    if (!bridge) return;
    setBusy(true);
    setError(null);
    const result = await bridge.evidence.savePack({ returnId, destination: nativeDialogs ? 'choose' : 'dataDir' });
    setBusy(false);
    if (!result.ok) return setError(result.error.message);
    setPack(result.value.saved ? result.value : null);
  };
  return (
    <div className="ev-pack">
      <button type="button" className="ev-button ev-primary" onClick={() => void save()} disabled={busy} data-testid="save-pack">
        {nativeDialogs ? t('evidence:savePack') : t('evidence:savePackHere')}
      </button>
      {busy && <span className="muted"> {t('evidence:loading')}</span>}
      {pack && (
        <p className="muted" role="status" data-testid="pack-result" data-folder={pack.folder ?? ''}>
          {t('evidence:packSaved', { folder: pack.folder ?? '', count: pack.files.length })}
          {pack.missing.length > 0 && <> · {t('evidence:packMissing', { list: pack.missing.join('; ') })}</>}
          {!nativeDialogs && pack.downloadUrl && (
            <>
              {' '}
              <a className="button-link" href={pack.downloadUrl} download data-testid="pack-download">
                {t('evidence:packDownload')}
              </a>
            </>
          )}
        </p>
      )}
      {error && (
        <p className="ev-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
