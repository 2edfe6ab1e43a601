import { safeStorage } from 'electron';
import type { SecretStore } from '../../credentials/vault.ts';

/** Electron safeStorage (Keychain, DPAPI, libsecret/kwallet) behind the vault's SecretStore interface. */
export function electronSecretStore(): SecretStore {
  return {
    // On Linux without a keyring safeStorage falls back to a hard-coded password: treat that as unavailable.
    isEncryptionAvailable: () =>
      safeStorage.isEncryptionAvailable() && (process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text'),
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (encrypted) => safeStorage.decryptString(encrypted),
  };
}
