import type { OutboxState } from '../../preload/contract.ts';
import { useI18n } from '../i18n/index.ts';

/** The state of a decision in the outbox, as a small coloured label. */
export function OutboxBadge({ state }: { state: OutboxState }) {
  const { t } = useI18n();
  return (
    <span className={`badge outbox-${state}`} data-testid="outbox-badge" data-state={state}>
      {t(`outbox.${state}`)}
    </span>
  );
}
