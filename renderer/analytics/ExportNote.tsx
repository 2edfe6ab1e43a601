// Where the last export went, with Open on the desktop; in a browser, a download (it cannot open the serving machine's files).
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { BridgeError } from '../../preload/contract.ts';
import { openFile, useAnalyticsStore } from './state.ts';
import { fill, useAnalyticsText } from './text.ts';

export function ExportNote({ native }: { native: boolean }) {
  const { x } = useAnalyticsText();
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
      {fill(x.saved, { rows: lastExport.rows, path: '' })}
      <code>{lastExport.path}</code>
      {native && (
        <button type="button" className="link" onClick={() => void openFile(lastExport.path).then(setOpenError)}>
          {x.open}
        </button>
      )}
      {!native && lastExport.downloadUrl && (
        <a className="button-link" href={lastExport.downloadUrl} download data-testid="an-export-download">
          {x.download}
        </a>
      )}
      {openError && (
        <span className="field-error">
          {' '}
          {x.openFailed}: {openError.message}
        </span>
      )}
    </p>
  );
}
