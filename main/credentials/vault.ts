import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The OS's secret encryption (Electron safeStorage in the desktop app; a fake in tests). */
export interface SecretStore {
  isEncryptionAvailable(): boolean;
  encrypt(plain: string): Buffer;
  decrypt(encrypted: Buffer): string;
}

export type KeySource = 'vault' | 'env' | 'none';

/** All the renderer may learn about the key. */
export interface ApiKeyStatus {
  set: boolean;
  /** At most the last four characters; null when no key is set (matches preload/contract.ts). */
  last4: string | null;
  source: KeySource;
}

export type VaultErrorCode = 'encryption-unavailable' | 'invalid-key' | 'unreadable';

/** A vault failure; its message never contains the key. */
export class VaultError extends Error {
  readonly code: VaultErrorCode;
  constructor(code: VaultErrorCode, message: string) {
    super(message);
    this.name = 'VaultError';
    this.code = code;
  }
}

export const VAULT_FILE = 'api-key.enc';
const MAGIC = Buffer.from('RDK1');

export interface ApiKeyVaultOptions {
  dataDir: string;
  secretStore: SecretStore;
  /** The environment to read RETURNDESK_API_KEY from; process.env by default. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Keeps the Market API key encrypted by the OS in `<dataDir>/api-key.enc` (mode 0600). An
 * RETURNDESK_API_KEY in the environment takes precedence and is never written to disk.
 */
export class ApiKeyVault {
  readonly file: string;
  private readonly dataDir: string;
  private readonly secrets: SecretStore;
  private readonly env: NodeJS.ProcessEnv;

  constructor(options: ApiKeyVaultOptions) {
    this.dataDir = options.dataDir;
    this.file = join(options.dataDir, VAULT_FILE);
    this.secrets = options.secretStore;
    this.env = options.env ?? process.env;
  }

  private envKey(): string | undefined {
    return this.env.RETURNDESK_API_KEY?.trim() || undefined;
  }

  /** The key to use, or undefined. Throws VaultError('unreadable') if the stored file cannot be decrypted. */
  get(): string | undefined {
    const fromEnv = this.envKey();
    if (fromEnv) return fromEnv;
    let data: Buffer;
    try {
      data = readFileSync(this.file);
    } catch {
      return undefined;
    }
    if (data.length <= MAGIC.length || !data.subarray(0, MAGIC.length).equals(MAGIC)) {
      throw new VaultError('unreadable', `The stored API key in ${this.file} is not in a format this app wrote; enter the key again.`);
    }
    if (!this.secrets.isEncryptionAvailable()) {
      throw new VaultError('encryption-unavailable', 'The system keychain is not available, so the stored API key cannot be decrypted.');
    }
    try {
      const key = this.secrets.decrypt(data.subarray(MAGIC.length));
      if (!key) throw new Error('empty');
      return key;
    } catch {
      throw new VaultError('unreadable', 'The stored API key could not be decrypted (another user or machine?); enter the key again.');
    }
  }

  /** Encrypts and stores `apiKey`; refuses when the OS cannot encrypt (never writes plaintext). */
  set(apiKey: string): ApiKeyStatus {
    const key = apiKey.trim();
    if (key.length < 8 || key.length > 512 || /\s/.test(key)) {
      throw new VaultError('invalid-key', 'apiKey must be 8 to 512 characters without spaces.');
    }
    if (!this.secrets.isEncryptionAvailable()) {
      throw new VaultError(
        'encryption-unavailable',
        'The API key was not saved: this system offers no encrypted storage (keychain / secret service), and the app does not keep keys in plain text. Set RETURNDESK_API_KEY in the environment instead.',
      );
    }
    const encrypted = this.secrets.encrypt(key);
    if (encrypted.includes(Buffer.from(key))) {
      throw new VaultError('encryption-unavailable', 'The API key was not saved: the system encryption returned the key unencrypted.');
    }
    mkdirSync(this.dataDir, { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.concat([MAGIC, encrypted]), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.file);
    return this.status();
  }

  /** Deletes the stored key (the environment's key, if any, stays in effect). */
  clear(): ApiKeyStatus {
    rmSync(this.file, { force: true });
    return this.status();
  }

  /** Whether a key is set, its last four characters and where it comes from — never the key. */
  status(): ApiKeyStatus {
    const fromEnv = this.envKey();
    if (fromEnv) return { set: true, last4: fromEnv.slice(-4), source: 'env' };
    let key: string | undefined;
    try {
      key = this.get();
    } catch {
      key = undefined;
    }
    return key ? { set: true, last4: key.slice(-4), source: 'vault' } : { set: false, last4: null, source: 'none' };
  }
}
