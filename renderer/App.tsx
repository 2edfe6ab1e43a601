import { lazy, Suspense, useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { BridgeErrorNotice } from './components/BridgeErrorNotice.tsx';
import { ErrorBoundary } from './components/ErrorBoundary.tsx';
import { InboxList } from './components/InboxList.tsx';
import { ReturnPane } from './components/ReturnPane.tsx';
import { ShortcutsDialog } from './components/ShortcutsDialog.tsx';
import { Sidebar } from './components/Sidebar.tsx';
import { StatusBar } from './components/StatusBar.tsx';
import { Toasts } from './components/Toasts.tsx';
import { UndoBar } from './components/UndoBar.tsx';
import { EvidenceLayer } from './evidence/EvidenceLayer.tsx';
import { PhotoViewer } from './evidence/PhotoViewer.tsx';
import { useEvidenceStore } from './evidence/state.ts';
import { applyLocale, useI18n } from './i18n/index.ts';
import { useAlertsStore } from './state/alerts.ts';
import { useShortcuts } from './state/shortcuts.ts';
import { useAppStore } from './state/store.ts';

// Charts (recharts) load when the operator opens analytics, not with the inbox.
// Settings, like analytics, is opened on demand: neither is in the first load.
const SettingsScreen = lazy(() => import('./components/SettingsScreen.tsx').then((m) => ({ default: m.SettingsScreen })));
// The alert history is read when opened; it stays out of the first load.
const AlertHistory = lazy(() => import('./components/AlertHistory.tsx').then((m) => ({ default: m.AlertHistory })));
const AnalyticsScreen = lazy(() => import('./analytics/AnalyticsScreen.tsx').then((m) => ({ default: m.AnalyticsScreen })));

export function App() {
  const { t } = useI18n();
  const historyOpen = useAlertsStore((s) => s.historyOpen);
  const { connection, info, theme, locale, systemLocale, view, lastError, clearError, setView } = useAppStore(
    useShallow((s) => ({
      connection: s.connection,
      info: s.info,
      theme: s.settings?.theme ?? 'system',
      locale: s.settings?.locale ?? null,
      systemLocale: s.info?.systemLocale ?? null,
      view: s.view,
      lastError: s.lastError,
      clearError: s.clearError,
      setView: s.setView,
    })),
  );
  useShortcuts();
  // The viewer docks in the inbox's place, beside the open return's decision.
  const selectedReturnId = useAppStore((s) => s.selectedReturnId);
  const viewerDocked = useEvidenceStore((s) => s.viewer.open && s.viewer.docked && s.viewer.returnId === selectedReturnId);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  useEffect(() => applyLocale(locale, systemLocale), [locale, systemLocale]);

  const blocked = connection === 'refused' || connection === 'no-token';

  return (
    <div className="app">
      {info?.mode === 'demo' && (
        <div className="banner" role="note" data-testid="demo-banner">
          <span>{t('demo.banner')}</span>
          <button type="button" className="link" onClick={() => setView('settings')}>
            {info.transport === 'websocket' ? t('settings.demoHowToKey') : t('demo.openSettings')}
          </button>
        </div>
      )}
      {blocked && (
        <div className="banner banner-error" role="alert">
          {t(`connection.${connection}`)}
        </div>
      )}
      {lastError && (
        <div className="banner banner-error" role="alert">
          <BridgeErrorNotice action={lastError.action} error={lastError.error} onDismiss={clearError} inline />
        </div>
      )}
      <Toasts />
      <div className="panes">
        <ErrorBoundary pane={t('nav.filters')}>
          <Sidebar />
        </ErrorBoundary>
        {view === 'analytics' ? (
          <main className="pane pane-settings" aria-labelledby="analytics-title">
            <ErrorBoundary pane="Analytics">
              <Suspense fallback={null}>
                <AnalyticsScreen />
              </Suspense>
            </ErrorBoundary>
          </main>
        ) : view === 'settings' ? (
          <main className="pane pane-settings" aria-label={t('settings.title')}>
            <ErrorBoundary pane={t('settings.title')}>
              <Suspense fallback={null}>
                <SettingsScreen />
              </Suspense>
            </ErrorBoundary>
          </main>
        ) : (
          <>
            {viewerDocked ? (
              <section className="pane pane-inbox pane-viewer" aria-label={t('inbox.label')}>
                <ErrorBoundary pane={t('inbox.label')}>
                  <PhotoViewer docked />
                </ErrorBoundary>
              </section>
            ) : (
              <main className="pane pane-inbox" aria-label={t('inbox.label')} id="inbox">
                <ErrorBoundary pane={t('inbox.label')}>
                  <InboxList />
                </ErrorBoundary>
              </main>
            )}
            <section className="pane pane-detail" aria-label={t('detail.statusModel')}>
              <ErrorBoundary pane={t('decision.title')}>
                <ReturnPane />
              </ErrorBoundary>
            </section>
          </>
        )}
      </div>
      <ErrorBoundary pane={t('status.stores')}>
        <StatusBar />
      </ErrorBoundary>
      <ShortcutsDialog />
      {historyOpen && (
        <Suspense fallback={null}>
          <AlertHistory />
        </Suspense>
      )}
      <UndoBar />
      <EvidenceLayer />
    </div>
  );
}
