import type { BridgeError } from '../../preload/contract.ts';
import { useI18n } from '../i18n/index.ts';
import { AlertIcon } from './icons.tsx';

/** A bridge error in words, with a retry: never a blank pane. */
export function BridgeErrorNotice({ action, error, onRetry, onDismiss, inline, channel }: { action: string; error: BridgeError; onRetry?: () => void; onDismiss?: () => void; inline?: boolean; channel?: string }) {
  const { t } = useI18n();
  const message = error.code === 'UNKNOWN_CHANNEL' && channel ? t('common.notAvailableYet', { channel }) : error.message;
  return (
    <div className={inline ? 'notice-inline' : 'notice notice-error'} role={inline ? undefined : 'alert'}>
      <AlertIcon />
      <span>{t('common.failed', { action, message })}</span>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
      {onDismiss && (
        <button type="button" onClick={onDismiss}>
          {t('common.dismiss')}
        </button>
      )}
    </div>
  );
}
