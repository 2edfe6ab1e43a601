import { useState, type InputHTMLAttributes, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { BridgeError, Settings, SettingsPatch } from '../../preload/contract.ts';
import { useI18n } from '../i18n/index.ts';
import { removeApiKey, saveSettings, setApiKey, setWatched } from '../state/actions.ts';
import { queryClient, useApiKey, useStores } from '../state/queries.ts';
import { focusInboxList } from '../state/shortcuts.ts';
import { useAppStore } from '../state/store.ts';
import { useSyncedDraft } from '../state/use-synced-draft.ts';
import { BridgeErrorNotice } from './BridgeErrorNotice.tsx';
import { TimeField } from './DateField.tsx';
import { Diagnostics } from './Diagnostics.tsx';
import { KeyIcon } from './icons.tsx';
import { formatMsk } from '../../preload/moscow-time.ts';
import { NotificationsNotice } from './NotificationsNotice.tsx';
import { PushCard } from './PushCard.tsx';

type FieldErrors = Record<string, string>;

/** Maps main's INVALID_ARGUMENTS issues to the fields they name (top-level setting names). */
function fieldErrorsOf(error: BridgeError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues ?? []) {
    const field = issue.path.split('.').filter((p) => p !== 'args' && p !== 'patch')[0] ?? '_';
    out[field] = out[field] ? `${out[field]}; ${issue.message}` : issue.message;
  }
  if (Object.keys(out).length === 0) out._ = error.message;
  return out;
}

/** Every preference, the API key, the watched stores, and the connection diagnostics. */
export function SettingsScreen() {
  const { t } = useI18n();
  const { settings, setView } = useAppStore(useShallow((s) => ({ settings: s.settings, setView: s.setView })));
  const [errors, setErrors] = useState<FieldErrors>({});

  const save = async (patch: SettingsPatch) => {
    const error = await saveSettings(patch);
    setErrors((prev) => {
      const next = { ...prev };
      for (const key of Object.keys(patch)) delete next[key];
      delete next._;
      return error && error.code === 'INVALID_ARGUMENTS' ? { ...next, ...fieldErrorsOf(error) } : next;
    });
  };

  return (
    <div className="settings" data-testid="settings">
      <div className="settings-head">
        <h1>{t('settings.title')}</h1>
        <button
          type="button"
          onClick={() => {
            setView('inbox');
            focusInboxList();
          }}
        >
          {t('settings.back')}
        </button>
      </div>
      {errors._ && (
        <p className="field-error" role="alert">
          {errors._}
        </p>
      )}
      <div className="settings-grid">
        <ApiKeyCard />
        <StoresCard />
        {settings && <PreferencesCards settings={settings} errors={errors} save={save} />}
        <Diagnostics />
      </div>
    </div>
  );
}

function Card({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  const id = `card-${title.replace(/\W+/g, '-')}`;
  return (
    <section className="card" aria-labelledby={id} data-testid={testId}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

function ApiKeyCard() {
  const { t } = useI18n();
  const apiKey = useApiKey();
  // A browser tab: the key is the serving process's, given in its environment; nothing is stored.
  const webMode = useAppStore((s) => s.info?.transport === 'websocket');
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<BridgeError | null>(null);
  const [busy, setBusy] = useState(false);
  const status = apiKey.data;
  const run = async (fn: () => Promise<BridgeError | null>) => {
    setBusy(true);
    const e = await fn();
    setBusy(false);
    setError(e);
    if (!e) setDraft('');
  };
  const keyProblem = error?.code === 'INVALID_ARGUMENTS' ? (error.issues?.map((i) => i.message).join('; ') ?? error.message) : null;
  return (
    <Card title={t('settings.apiKey')} testId="settings-apikey">
      {apiKey.error && !status && (
        <BridgeErrorNotice
          action={t('settings.apiKey')}
          error={apiKey.error}
          channel="apiKey.status"
          onRetry={() => void queryClient.refetchQueries({ queryKey: ['apiKey'] })}
        />
      )}
      {status && (
        <p data-testid="apikey-status">
          <KeyIcon /> {status.set ? (status.last4 ? t('settings.keySet', { last4: status.last4 }) : t('settings.keySetNoDigits')) : t('settings.keyNone')}
        </p>
      )}
      {status?.source === 'env' && <p className="muted">{t('settings.keyFromEnv')}</p>}
      {status && !status.encryptionAvailable && status.source !== 'env' && (
        <div className="note" role="note" data-testid="apikey-no-encryption">
          {webMode ? (
            <>
              <p className="note-line">{t('settings.keyWebMode')}</p>
              <code className="command" data-testid="apikey-web-command">
                RETURNDESK_API_KEY=… npm run web
              </code>
              <p className="note-line muted small">{t('settings.keyWebModeWhy')}</p>
            </>
          ) : (
            t('settings.keyNoEncryption')
          )}
        </div>
      )}
      {!(webMode && status && !status.encryptionAvailable && status.source !== 'env') && (
        <form
          className="row-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (draft.trim()) void run(() => setApiKey(draft.trim()));
          }}
        >
          <label className="grow">
            {t('settings.keyNew')}
            <input
              type="password"
              autoComplete="off"
              value={draft}
              maxLength={512}
              onChange={(e) => setDraft(e.currentTarget.value)}
              aria-invalid={keyProblem ? true : undefined}
              aria-describedby={keyProblem ? 'apikey-error' : undefined}
              disabled={status?.encryptionAvailable === false && status.source !== 'env'}
              data-testid="apikey-input"
            />
          </label>
          <button type="submit" disabled={busy || !draft.trim()} data-testid="apikey-save">
            {status?.set ? t('settings.keyReplace') : t('settings.keySave')}
          </button>
          {status?.set && status.source === 'vault' && (
            <button type="button" disabled={busy} onClick={() => void run(removeApiKey)} data-testid="apikey-remove">
              {t('settings.keyRemove')}
            </button>
          )}
        </form>
      )}
      {keyProblem && (
        <p className="field-error" id="apikey-error" role="alert">
          {keyProblem}
        </p>
      )}
      {error && !keyProblem && <BridgeErrorNotice action={t('settings.apiKey')} error={error} channel="apiKey.set" />}
    </Card>
  );
}

function StoresCard() {
  const { t, label, locale, syncError } = useI18n();
  const stores = useStores({ fresh: true });
  const [error, setError] = useState<BridgeError | null>(null);
  return (
    <Card title={t('settings.stores')} testId="settings-stores">
      {stores.error && !stores.data && (
        <BridgeErrorNotice
          action={t('settings.stores')}
          error={stores.error}
          channel="stores.list"
          onRetry={() => void queryClient.refetchQueries({ queryKey: ['stores'] })}
        />
      )}
      {stores.data?.length === 0 && <p className="muted">{t('settings.noStores')}</p>}
      <ul className="store-list">
        {(stores.data ?? []).map((s) => (
          <li key={s.campaignId}>
            <label className="check">
              <input
                type="checkbox"
                checked={s.watched}
                onChange={(e) => void setWatched(s.campaignId, e.currentTarget.checked).then(setError)}
                data-testid={`store-${s.campaignId}`}
              />
              <span className="grow">
                {s.name ?? s.campaignId} {s.placementType && <span className="pill">{label('placement', s.placementType)}</span>}
              </span>
            </label>
            <span className="muted small">
              {t('settings.returnsKnown', { count: s.returnsKnown })} ·{' '}
              {s.lastError ? (
                <span className="field-error" title={s.lastError}>
                  {t('status.storeError', { message: syncError(s.lastError) })}
                </span>
              ) : s.lastSuccess ? (
                t('status.lastSync', { at: formatMsk(s.lastSuccess, locale) })
              ) : (
                t('status.neverSynced')
              )}
            </span>
          </li>
        ))}
      </ul>
      {error && <BridgeErrorNotice action={t('settings.stores')} error={error} onDismiss={() => setError(null)} />}
    </Card>
  );
}

/** A text setting saved when the field is left; shows main's value again whenever that changes. */
function SettingInput({
  saved,
  onCommit,
  ...input
}: { saved: string; onCommit: (text: string) => void } & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'defaultValue' | 'onChange' | 'onBlur'>) {
  const [text, setText] = useSyncedDraft(saved);
  return <input {...input} value={text} onChange={(e) => setText(e.currentTarget.value)} onBlur={() => onCommit(text)} />;
}

function FieldError({ errors, field }: { errors: FieldErrors; field: string }) {
  return errors[field] ? (
    <span className="field-error" id={`err-${field}`} role="alert" data-testid={`error-${field}`}>
      {errors[field]}
    </span>
  ) : null;
}

const invalid = (errors: FieldErrors, field: string) => (errors[field] ? { 'aria-invalid': true as const, 'aria-describedby': `err-${field}` } : {});

/** Parses "24, 6, 1" into hours; null when any part is not a number in range. */
function parseThresholds(text: string): number[] | null {
  const parts = text.split(/[,;\s]+/).filter(Boolean);
  const hours = parts.map((p) => Number(p.replace(',', '.')));
  return hours.every((h) => Number.isFinite(h) && h > 0 && h <= 48) && hours.length <= 8 ? hours : null;
}

function PreferencesCards({ settings, errors, save }: { settings: Settings; errors: FieldErrors; save: (patch: SettingsPatch) => Promise<void> }) {
  const { t } = useI18n();
  const [thresholds, setThresholds] = useSyncedDraft(settings.alertThresholdsHours.join(', '));
  const [thresholdsError, setThresholdsError] = useState<string | null>(null);
  const number = (field: 'pollFastSeconds' | 'pollSlowSeconds' | 'backfillDays' | 'decisionHoldSeconds', text: string) => {
    const value = Number(text);
    void save({ [field]: Number.isFinite(value) && text.trim() !== '' ? value : (text as unknown as number) });
  };
  return (
    <>
      <Card title={t('settings.operator')}>
        <label>
          {t('settings.operatorName')}
          <SettingInput
            saved={String(settings.operatorName)}
            maxLength={100}
            onCommit={(text) => void save({ operatorName: text })}
            {...invalid(errors, 'operatorName')}
            data-testid="operator-name"
          />
          <FieldError errors={errors} field="operatorName" />
        </label>
        <label>
          {t('settings.language')}
          <select
            value={settings.locale ?? ''}
            onChange={(e) => void save({ locale: (e.currentTarget.value || null) as Settings['locale'] })}
            data-testid="language"
          >
            <option value="">{t('settings.languageSystem')}</option>
            <option value="ru">Русский</option>
            <option value="en">English</option>
          </select>
        </label>
        <label>
          {t('settings.decisionHold')}
          <SettingInput
            type="number"
            min={0}
            max={30}
            saved={String(settings.decisionHoldSeconds)}
            onCommit={(text) => number('decisionHoldSeconds', text)}
            {...invalid(errors, 'decisionHoldSeconds')}
            data-testid="decision-hold"
          />
          <FieldError errors={errors} field="decisionHoldSeconds" />
        </label>
        <label>
          {t('settings.theme')}
          <select value={settings.theme} onChange={(e) => void save({ theme: e.currentTarget.value as Settings['theme'] })} data-testid="theme">
            <option value="system">{t('settings.themeSystem')}</option>
            <option value="light">{t('settings.themeLight')}</option>
            <option value="dark">{t('settings.themeDark')}</option>
          </select>
        </label>
      </Card>
      <Card title={t('settings.sync')}>
        <label>
          {t('settings.pollFast')}
          <SettingInput
            type="number"
            min={15}
            max={3600}
            saved={String(settings.pollFastSeconds)}
            onCommit={(text) => number('pollFastSeconds', text)}
            {...invalid(errors, 'pollFastSeconds')}
            data-testid="poll-fast"
          />
          <FieldError errors={errors} field="pollFastSeconds" />
        </label>
        <label>
          {t('settings.pollSlow')}
          <SettingInput
            type="number"
            min={60}
            max={86400}
            saved={String(settings.pollSlowSeconds)}
            onCommit={(text) => number('pollSlowSeconds', text)}
            {...invalid(errors, 'pollSlowSeconds')}
            data-testid="poll-slow"
          />
          <FieldError errors={errors} field="pollSlowSeconds" />
        </label>
        <label>
          {t('settings.backfill')}
          <SettingInput
            type="number"
            min={1}
            max={180}
            saved={String(settings.backfillDays)}
            onCommit={(text) => number('backfillDays', text)}
            {...invalid(errors, 'backfillDays')}
            data-testid="backfill"
          />
          <FieldError errors={errors} field="backfillDays" />
        </label>
      </Card>
      <Card title={t('settings.alerts')}>
        <NotificationsNotice />
        <label>
          {t('settings.thresholds')}
          <input
            value={thresholds}
            maxLength={60}
            onChange={(e) => setThresholds(e.currentTarget.value)}
            onBlur={() => {
              const hours = parseThresholds(thresholds);
              setThresholdsError(hours ? null : t('settings.thresholdsInvalid'));
              if (hours) void save({ alertThresholdsHours: hours });
            }}
            aria-invalid={thresholdsError || errors.alertThresholdsHours ? true : undefined}
            aria-describedby={thresholdsError ? 'err-thresholds-local' : errors.alertThresholdsHours ? 'err-alertThresholdsHours' : undefined}
            data-testid="thresholds"
          />
          {thresholdsError && (
            <span className="field-error" id="err-thresholds-local" role="alert">
              {thresholdsError}
            </span>
          )}
          <FieldError errors={errors} field="alertThresholdsHours" />
        </label>
        <fieldset className="plain">
          <legend>{t('settings.quietHours')}</legend>
          <label className="check">
            <input
              type="checkbox"
              checked={settings.quietHours.enabled}
              onChange={(e) => void save({ quietHours: { ...settings.quietHours, enabled: e.currentTarget.checked } })}
              data-testid="quiet-enabled"
            />
            {t('settings.quietEnabled')}
          </label>
          <div className="date-row">
            <TimeField
              label={t('settings.quietFrom')}
              value={settings.quietHours.start}
              onCommit={(start) => void save({ quietHours: { ...settings.quietHours, start } })}
              invalid={!!errors.quietHours}
              testId="quiet-start"
            />
            <TimeField
              label={t('settings.quietTo')}
              value={settings.quietHours.end}
              onCommit={(end) => void save({ quietHours: { ...settings.quietHours, end } })}
              invalid={!!errors.quietHours}
              testId="quiet-end"
            />
          </div>
          <FieldError errors={errors} field="quietHours" />
        </fieldset>
      </Card>
      <PushCard settings={settings} error={errors.pushReceiver} save={save} />
    </>
  );
}
