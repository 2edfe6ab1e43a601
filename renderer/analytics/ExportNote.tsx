// Where the last export went, with Open on the desktop; in a browser, a download (it cannot open the serving machine's files).
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { BridgeError } from '../../preload/contract.ts';
import { openFile, useAnalyticsStore } from './state.ts';
import { useI18n } from '../i18n/index.ts';

export function ExportNote({ native }: { native: boolean }) {
  const { t } = useI18n();
  const { lastExport, exportError } = useAnalyticsStore(useShallow((s) => ({ lastExport: s.lastExport, exportError: s.exportError })));
  const [openError, setOpenError] = useState<BridgeError | null>(null);
  if (exportError) {
    return (
      <p className="field-error" role="alert" data-testid="an-export-error">
        {exportError.message}
      </p>
    );
  }
  if (!lastExport) return null;
  return (
    <p className="an-saved" role="status" data-testid="an-export-saved">
      {t('analytics:saved', { rows: lastExport.rows, path: '' })}
      <code>{lastExport.path}</code>
      {native && (
        <button type="button" className="link" onClick={() => void openFile(lastExport.path).then(setOpenError)}>
          {t('analytics:open')}
        </button>
      )}
      {!native && lastExport.downloadUrl && (
        <a className="button-link" href={lastExport.downloadUrl} download data-testid="an-export-download">
          {t('analytics:download')}
        </a>
      )}
      {openError && (
        <span className="field-error">
          {' '}
          {t('analytics:openFailed')}: {openError.message}
        </span>
      )}
    </p>
  );
}
