import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiKeyVault, VAULT_FILE, VaultError, type SecretStore } from '../../../main/credentials/vault.ts';

const KEY = 'ACMA:0123456789abcdef0123456789abcdef:cafe';

/** Fake OS encryption: XOR with a machine secret, so the file never holds the key as-is. */
function fakeSecrets(available = true): SecretStore & { available: boolean } {
  const pad = (b: Buffer) => Buffer.from(b.map((x, i) => x ^ (0x5a + (i % 7))));
  return {
    available,
    isEncryptionAvailable() {
      return this.available;
    },
    encrypt: (plain) => pad(Buffer.from(plain, 'utf8')),
    decrypt: (buf) => pad(buf).toString('utf8'),
  };
}

describe('ApiKeyVault', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rd-vault-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stores the key encrypted with mode 0600 and reports only last4 and source', () => {
    const vault = new ApiKeyVault({ dataDir: dir, secretStore: fakeSecrets(), env: {} });
    expect(vault.status()).toEqual({ set: false, last4: null, source: 'none' });
    expect(vault.set(`  ${KEY} `)).toEqual({ set: true, last4: 'cafe', source: 'vault' });
    const file = join(dir, VAULT_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file).includes(Buffer.from(KEY))).toBe(false);
    expect(vault.get()).toBe(KEY);
    expect(JSON.stringify(vault.status())).not.toContain(KEY.slice(0, -4));
    expect(new ApiKeyVault({ dataDir: dir, secretStore: fakeSecrets(), env: {} }).get()).toBe(KEY);
    expect(vault.clear()).toEqual({ set: false, last4: null, source: 'none' });
    expect(vault.get()).toBeUndefined();
  });

  it('refuses to store when the OS cannot encrypt, and writes nothing', () => {
    const vault = new ApiKeyVault({ dataDir: dir, secretStore: fakeSecrets(false), env: {} });
    let error: unknown;
    try {
      vault.set(KEY);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VaultError);
    expect((error as VaultError).code).toBe('encryption-unavailable');
    expect((error as VaultError).message).toMatch(/not saved.*plain text/);
    expect((error as VaultError).message).not.toContain(KEY);
    expect(() => statSync(join(dir, VAULT_FILE))).toThrow();
  });

  it('refuses a "encryption" that returns the key unchanged', () => {
    const identity: SecretStore = { isEncryptionAvailable: () => true, encrypt: (p) => Buffer.from(p), decrypt: (b) => b.toString() };
    expect(() => new ApiKeyVault({ dataDir: dir, secretStore: identity, env: {} }).set(KEY)).toThrow(VaultError);
  });

  it('prefers RETURNDESK_API_KEY from the environment and never writes it', () => {
    const vault = new ApiKeyVault({ dataDir: dir, secretStore: fakeSecrets(), env: { RETURNDESK_API_KEY: 'env-key-12345678' } });
    expect(vault.status()).toEqual({ set: true, last4: '5678', source: 'env' });
    expect(vault.get()).toBe('env-key-12345678');
    expect(() => statSync(join(dir, VAULT_FILE))).toThrow();
  });

  it('rejects invalid keys and reports an unreadable file clearly', () => {
    const vault = new ApiKeyVault({ dataDir: dir, secretStore: fakeSecrets(), env: {} });
    expect(() => vault.set('short')).toThrow(/apiKey must be 8 to 512 characters/);
    expect(() => vault.set('has space inside')).toThrow(VaultError);
    writeFileSync(join(dir, VAULT_FILE), 'garbage');
    expect(() => vault.get()).toThrow(/not in a format this app wrote/);
    expect(vault.status()).toEqual({ set: false, last4: null, source: 'none' });
  });
});
