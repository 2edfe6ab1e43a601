import type { BridgeError } from '../../preload/contract.ts';
import { useI18n } from '../i18n/index.ts';
import { AlertIcon } from './icons.tsx';

/**
 * A bridge error in the operator's words, with a retry: never a blank pane. A failed Market call is
 * named by what happened (unreachable, key refused, limit…); main's technical text (methods, server
 * words) stays one click away for support.
 */
export function BridgeErrorNotice({
  action,
  error,
  onRetry,
  onDismiss,
  inline,
  channel,
}: {
  action: string;
  error: BridgeError;
  onRetry?: () => void;
  onDismiss?: () => void;
  inline?: boolean;
  channel?: string;
}) {
  const { t } = useI18n();
  const plain = error.marketKind
    ? t(`marketError.${error.marketKind}`)
    : error.code === 'UNKNOWN_CHANNEL' && channel
      ? t('common.notAvailableYet', { channel })
      : error.code === 'TRANSPORT'
        ? t('marketError.transport')
        : null;
  return (
    <div className={inline ? 'notice-inline' : 'notice notice-error'} role={inline ? undefined : 'alert'} data-testid="bridge-error">
      <AlertIcon />
      <span>{t('common.failed', { action, message: plain ?? error.message })}</span>
      {plain && error.message && (
        <details className="error-details">
          <summary>{t('common.details')}</summary>
          <span className="mono">{error.message}</span>
        </details>
      )}
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
