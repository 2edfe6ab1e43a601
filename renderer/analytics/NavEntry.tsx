// The sidebar's way to the analytics screen.
import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../state/store.ts';
import { useI18n } from '../i18n/index.ts';

export function AnalyticsNavEntry() {
  const { t } = useI18n();
  const { view, setView } = useAppStore(useShallow((s) => ({ view: s.view, setView: s.setView })));
  const active = view === 'analytics';
  return (
    <button
      type="button"
      className={`view-button${active ? ' active' : ''}`}
      onClick={() => setView(active ? 'inbox' : 'analytics')}
      aria-current={active ? 'page' : undefined}
      data-testid="open-analytics"
    >
      <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false" className="an-nav-icon">
        <path d="M2 14h12M4 12V8M8 12V3M12 12V6" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" fill="none" />
      </svg>
      <span className="grow">{t('analytics:nav')}</span>
    </button>
  );
}
