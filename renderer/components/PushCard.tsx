import { useEffect, useRef } from 'react';
import type { Settings, SettingsPatch } from '../../preload/contract.ts';
import { useI18n } from '../i18n/index.ts';
import { useStatus } from '../state/queries.ts';
import { useSyncedDraft } from '../state/use-synced-draft.ts';

/**
 * The Market's push notifications, off by default: where main listens and what it is doing. With it on,
 * a notification about a return or a chat syncs its store at once instead of at the next poll.
 */
export function PushCard({ settings, error, save }: { settings: Settings; error: string | undefined; save: (patch: SettingsPatch) => Promise<void> }) {
  const { t } = useI18n();
  const push = useStatus().data?.push ?? null;
  // What the operator set here, ahead of main's answer: two quick changes must not undo each other.
  const draft = useRef(settings.pushReceiver);
  const [current, setCurrent] = useSyncedDraft(settings.pushReceiver, (r) => JSON.stringify(r));
  useEffect(() => {
    draft.current = current;
  }, [current]);
  const [port, setPort] = useSyncedDraft(String(settings.pushReceiver.port));
  const [path, setPath] = useSyncedDraft(settings.pushReceiver.path);
  const commit = (patch: Partial<Settings['pushReceiver']>) => {
    draft.current = { ...draft.current, ...patch };
    setCurrent(draft.current);
    void save({ pushReceiver: draft.current });
  };
  const invalid = error ? { 'aria-invalid': true as const, 'aria-describedby': 'err-pushReceiver' } : {};
  const titleId = 'card-push-notifications';
  return (
    <section className="card" aria-labelledby={titleId} data-testid="push-card">
      <h2 id={titleId}>{t('push.title')}</h2>
      <p className="muted">{t('push.explain')}</p>
      <label className="check">
        <input type="checkbox" checked={current.enabled} onChange={(e) => commit({ enabled: e.currentTarget.checked })} data-testid="push-enabled" />
        {t('push.enabled')}
      </label>
      <div className="row-form">
        <label>
          {t('push.port')}
          <input
            type="number"
            min={1024}
            max={65535}
            value={port}
            onChange={(e) => setPort(e.currentTarget.value)}
            onBlur={() => commit({ port: port.trim() === '' ? Number.NaN : Number(port) })}
            {...invalid}
            data-testid="push-port"
          />
        </label>
        <label>
          {t('push.path')}
          <input
            value={path}
            maxLength={200}
            onChange={(e) => setPath(e.currentTarget.value)}
            onBlur={() => commit({ path })}
            {...invalid}
            data-testid="push-path"
          />
        </label>
      </div>
      <label className="check">
        <input type="checkbox" checked={current.allInterfaces} onChange={(e) => commit({ allInterfaces: e.currentTarget.checked })} data-testid="push-all" />
        {t('push.allInterfaces')}
      </label>
      {error && (
        <span className="field-error" id="err-pushReceiver" role="alert" data-testid="error-pushReceiver">
          {error}
        </span>
      )}
      <p className={push?.state === 'failed' ? 'field-error' : 'muted'} role="status" data-testid="push-state" data-state={push?.state ?? 'unknown'}>
        {push?.state === 'listening'
          ? t('push.listening', { url: push.url ?? '' })
          : push?.state === 'failed'
            ? t('push.failed', { error: push.error ?? '' })
            : t('push.off', { seconds: settings.pollFastSeconds })}
      </p>
    </section>
  );
}
