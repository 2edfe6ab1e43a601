import { lazy, Suspense } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useI18n } from '../i18n/index.ts';
import { loadDetail } from '../state/actions.ts';
import { useAppStore } from '../state/store.ts';
import { BridgeErrorNotice } from './BridgeErrorNotice.tsx';

// The open return (decision form, evidence, order) is not on the first inbox screen: it loads with the
// first return opened, or when the browser is idle after the inbox shows, so the first load stays small.
const loadReturnView = () => import('./ReturnView.tsx').then((m) => ({ default: m.ReturnView }));
const ReturnView = lazy(loadReturnView);

let preloaded = false;
/** Reads the open return's code ahead when the browser is next idle (after the inbox's first rows). */
export function preloadReturnView(): void {
  if (preloaded) return;
  preloaded = true;
  requestIdleCallback(() => void loadReturnView());
}

/** The right pane: the open return with its order, and the decision panel. */
export function ReturnPane() {
  const { t } = useI18n();
  const { selectedReturnId, detail } = useAppStore(useShallow((s) => ({ selectedReturnId: s.selectedReturnId, detail: s.detail })));
  if (selectedReturnId === null) return <p className="empty detail-empty">{t('detail.empty')}</p>;
  const data = detail.returnId === selectedReturnId ? detail.data : null;
  if (detail.error && detail.returnId === selectedReturnId && !data) {
    return (
      <BridgeErrorNotice
        action={t('detail.returnTitle', { id: selectedReturnId })}
        error={detail.error}
        channel="returns.get"
        onRetry={() => void loadDetail(selectedReturnId)}
      />
    );
  }
  const loading = <p className="empty">{t('common.loading')}</p>;
  if (!data) return loading;
  return (
    <Suspense fallback={loading}>
      <ReturnView key={data.row.returnId} detail={data} />
    </Suspense>
  );
}
