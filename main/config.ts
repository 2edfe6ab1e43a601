import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/** Production address of the Yandex Market Partner API. */
export const PRODUCTION_BASE_URL = 'https://api.partner.market.yandex.ru';

/** The one configuration surface shared by desktop, web and CLI modes. */
export interface RuntimeConfig {
  /** Folder for the database, caches, logs and settings. */
  dataDir: string;
  /** API key from the environment (web/CLI); the desktop app keeps its own, encrypted. */
  apiKey: string | undefined;
  /** Explicit API base URL; undefined means production with a key, the built-in sandbox without. */
  baseUrl: string | undefined;
}

/** The Market API base URL: http or https only (a file: or bare word would be sent the API key). */
const BaseUrl = z.url({ protocol: /^https?$/ });

const envSchema = z.object({
  RETURNDESK_DATA_DIR: z.string().min(1).optional(),
  RETURNDESK_API_KEY: z.string().min(1).optional(),
  RETURNDESK_BASE_URL: BaseUrl.optional(),
});

/** A base URL without its trailing slashes, or why it cannot be one (the rule RETURNDESK_BASE_URL follows). */
export function parseBaseUrl(text: string): { url: string } | { problem: string } {
  const parsed = BaseUrl.safeParse(text.trim());
  if (!parsed.success) return { problem: 'must be an http:// or https:// URL' };
  return { url: parsed.data.replace(/\/+$/, '') };
}

/** Default data folder: the same place Electron's userData would be for "ReturnDesk". */
export function defaultDataDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'ReturnDesk');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'ReturnDesk');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'ReturnDesk');
}

/** Reads RETURNDESK_* variables; throws an Error naming the variable that is wrong. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  const picked = {
    RETURNDESK_DATA_DIR: env.RETURNDESK_DATA_DIR || undefined,
    RETURNDESK_API_KEY: env.RETURNDESK_API_KEY?.trim() || undefined,
    RETURNDESK_BASE_URL: env.RETURNDESK_BASE_URL || undefined,
  };
  const parsed = envSchema.safeParse(picked);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    throw new Error(`${name} is invalid: ${issue?.message ?? 'unreadable value'}`);
  }
  return {
    dataDir: parsed.data.RETURNDESK_DATA_DIR ?? defaultDataDir(),
    apiKey: parsed.data.RETURNDESK_API_KEY,
    baseUrl: parsed.data.RETURNDESK_BASE_URL?.replace(/\/+$/, ''),
  };
}
