import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { SettingsPatch } from '../../preload/contract.ts';
import { useAppStore } from '../state/store.ts';

/** Operator preferences, saved in main through the contract. */
export function SettingsPanel() {
  const { bridge, settings, reportError } = useAppStore(
    useShallow((s) => ({ bridge: s.bridge, settings: s.settings, reportError: s.reportError })),
  );
  const [fieldError, setFieldError] = useState<string | null>(null);
  if (!settings) return null;

  const save = async (patch: SettingsPatch) => {
    if (!bridge) return;
    const result = await bridge.settings.set(patch);
    if (result.ok) setFieldError(null);
    else if (result.error.code === 'INVALID_ARGUMENTS') setFieldError(result.error.message);
    else reportError('Saving settings', result.error);
  };

  return (
    <section aria-labelledby="settings-title" className="card">
      <h2 id="settings-title">Settings</h2>
      <label>
        Operator name
        <input
          defaultValue={settings.operatorName}
          maxLength={100}
          onBlur={(e) => void save({ operatorName: e.currentTarget.value })}
          data-testid="operator-name"
        />
      </label>
      <label>
        Theme
        <select value={settings.theme} onChange={(e) => void save({ theme: e.currentTarget.value as SettingsPatch['theme'] })} data-testid="theme">
          <option value="system">Follow the system</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
      </label>
      {fieldError && (
        <p role="alert" className="field-error">
          {fieldError}
        </p>
      )}
    </section>
  );
}
