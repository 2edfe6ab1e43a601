import { requireChromium } from '../../scripts/chromium.ts';
import { startWebProcess } from '../helpers/web-process.ts';

/**
 * Starts web mode exactly as `npm run web` does (demo mode, its own sandbox) in a fresh data folder,
 * and hands its printed URL to the tests through RETURNDESK_E2E_URL.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  // One clear line instead of one "executable doesn't exist" trace per test.
  requireChromium();
  const web = await startWebProcess({ RETURNDESK_API_KEY: '', RETURNDESK_BASE_URL: '' });
  process.env.RETURNDESK_E2E_URL = web.url;
  process.env.RETURNDESK_E2E_DATA_DIR = web.dataDir;
  return () => web.stop();
}
