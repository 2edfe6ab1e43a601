import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DEFAULT_SETTINGS, Settings, SettingsPatch } from '../../preload/contract.ts';
import type { Logger } from '../log.ts';

/** Where operator preferences live: a JSON file in web/CLI mode, electron-store in the desktop app. */
export interface SettingsStore {
  get(): Settings;
  /** Applies a validated patch and returns the whole new settings; throws naming the bad field. */
  set(patch: SettingsPatch): Settings;
}

/** Key/value persistence that a SettingsStore is built on (electron-store fits this shape). */
export interface KeyValueBackend {
  read(): unknown;
  write(value: Settings): void;
}

/** Merges stored values over the defaults field by field, so one bad field never loses the rest. */
export function readSettings(raw: unknown, logger: Logger): Settings {
  const result: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  if (raw && typeof raw === 'object') {
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
      const field = Settings.shape[key as keyof Settings];
      if (!field) continue; // a setting from a newer or older version: ignored, not fatal
      const parsed = field.safeParse(value);
      if (parsed.success) result[key] = parsed.data;
      else logger.warn('settings: stored value ignored', { key, reason: parsed.error.issues[0]?.message });
    }
  }
  return Settings.parse(result);
}

export function createSettingsStore(backend: KeyValueBackend, logger: Logger): SettingsStore {
  let current = readSettings(backend.read(), logger);
  return {
    get: () => current,
    set(patch) {
      const valid = SettingsPatch.parse(patch);
      // A key present with the value undefined means "not given", not "erase": keep what is stored.
      const given = Object.fromEntries(Object.entries(valid).filter(([, value]) => value !== undefined));
      const next = Settings.parse({ ...current, ...given });
      backend.write(next);
      current = next;
      return current;
    },
  };
}

/** A JSON file backend; an unreadable file is kept aside as `.corrupt` rather than overwritten. */
export function jsonFileBackend(file: string, logger: Logger): KeyValueBackend {
  return {
    read() {
      if (!existsSync(file)) return {};
      try {
        return JSON.parse(readFileSync(file, 'utf8')) as unknown;
      } catch (error) {
        const aside = `${file}.corrupt-${Date.now()}`;
        renameSync(file, aside);
        logger.warn('settings: unreadable file set aside, defaults used', { file: aside, error: String(error) });
        return {};
      }
    },
    write(value) {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      const temp = `${file}.tmp`;
      writeFileSync(temp, JSON.stringify(value, null, 2), { mode: 0o600 });
      renameSync(temp, file); // atomic replace: a crash leaves the old file or the new one
    },
  };
}
