import Store from 'electron-store';
import type { Settings } from '../../../preload/contract.ts';
import type { KeyValueBackend } from '../../settings/settings-store.ts';

/** electron-store behind the KeyValueBackend interface, so core code never sees electron. */
export function electronStoreBackend(): KeyValueBackend {
  const store = new Store<Record<string, unknown>>({ name: 'settings', clearInvalidConfig: false });
  return {
    read: () => store.store,
    write: (value: Settings) => {
      store.store = value as unknown as Record<string, unknown>;
    },
  };
}
