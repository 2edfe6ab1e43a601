import { join } from 'node:path';
import { DEFAULT_SETTINGS } from '../../preload/contract.ts';
import { buildDiagnostics } from '../diagnostics/diagnostics.ts';
import type { HandlerDeps } from './handlers.ts';
import type { Handler } from './router.ts';

/** The `diagnostics.get` channel: text for the "copy diagnostics" button. */
export function createDiagnosticsHandlers(deps: Pick<HandlerDeps, 'info' | 'settings' | 'status' | 'storeViews' | 'apiKey'>): {
  'diagnostics.get': Handler<'diagnostics.get'>;
} {
  return {
    'diagnostics.get': (args, { sender }) => {
      const info = deps.info(sender);
      return buildDiagnostics({
        info,
        settings: { ...DEFAULT_SETTINGS, ...deps.settings.get() },
        status: deps.status(),
        stores: deps.storeViews(),
        apiKey: deps.apiKey.status(),
        logDir: join(info.dataDir, 'logs'),
        logLines: args?.logLines ?? 50,
      });
    },
  };
}
