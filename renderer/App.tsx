import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Diagnostics } from './components/Diagnostics.tsx';
import { ErrorBoundary } from './components/ErrorBoundary.tsx';
import { SettingsPanel } from './components/SettingsPanel.tsx';
import { useAppStore } from './state/store.ts';

const CONNECTION_WORDS = {
  connecting: 'Connecting…',
  open: 'Connected',
  closed: 'Connection lost — reconnecting',
  refused: 'ReturnDesk refused this page: open the address that "npm run web" printed.',
  'no-token': 'Open the address that "npm run web" printed (it carries this launch\'s secret token).',
} as const;

export function App() {
  const { connection, info, theme, lastError, clearError } = useAppStore(
    useShallow((s) => ({ connection: s.connection, info: s.info, theme: s.settings?.theme ?? 'system', lastError: s.lastError, clearError: s.clearError })),
  );

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  return (
    <div className="app">
      <header className="topbar">
        <h1>ReturnDesk</h1>
        <span className={`status status-${connection}`} role="status" data-testid="connection">
          {CONNECTION_WORDS[connection]}
        </span>
      </header>
      {info?.mode === 'demo' && (
        <div className="banner" role="note" data-testid="demo-banner">
          Demo mode: no API key is set, so ReturnDesk shows data from its built-in Market sandbox.
        </div>
      )}
      {lastError && (
        <div className="banner banner-error" role="alert">
          {lastError.action} failed: {lastError.error.message}{' '}
          <button type="button" onClick={clearError}>
            Dismiss
          </button>
        </div>
      )}
      <main className="content">
        <ErrorBoundary pane="Connection">
          <Diagnostics />
        </ErrorBoundary>
        <ErrorBoundary pane="Settings">
          <SettingsPanel />
        </ErrorBoundary>
      </main>
    </div>
  );
}
