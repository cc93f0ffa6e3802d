/**
 * The app's SecretStore: Electron safeStorage (macOS Keychain, Windows DPAPI, Linux libsecret /
 * KWallet), ciphertext kept base64 in `<userData>/secrets.enc.json` (0600), never in SQLite.
 * Uses the async API (Electron ≥ 45 has it; the sync one is deprecated). On Linux it refuses to
 * store anything when the backend is `basic_text` (a hard-coded key: effectively plain text).
 */
import type { SafeStorage } from 'electron';
import { AppError } from '../../shared/ipc/result';
import { FileSecretStore, type SecretName, type SecretStore } from './store';

export class SafeStorageSecretStore implements SecretStore {
  private readonly file: FileSecretStore;

  constructor(
    private readonly safeStorage: SafeStorage,
    path: string,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {
    this.file = new FileSecretStore(path);
  }

  get description(): string {
    return this.platform === 'linux' ? `safeStorage (${this.safeStorage.getSelectedStorageBackend()})` : 'safeStorage';
  }

  private async assertUsable(): Promise<void> {
    if (this.platform === 'linux' && this.safeStorage.getSelectedStorageBackend() === 'basic_text') {
      throw new AppError(
        'unsupported',
        'This Linux desktop offers no keyring (Secret Service or KWallet), so the token could only be stored in plain text, and Conversion Desk refuses to. Install and unlock gnome-keyring or KWallet and restart the app, or use the convdesk command line with the token in an environment variable.',
      );
    }
    if (!(await this.safeStorage.isAsyncEncryptionAvailable())) {
      throw new AppError('unsupported', 'The operating system’s secure storage is not available right now (keyring locked?); the token was not stored.');
    }
  }

  async get(name: SecretName): Promise<string | null> {
    const stored = await this.file.get(name);
    if (stored === null) return null;
    try {
      const { result, shouldReEncrypt } = await this.safeStorage.decryptStringAsync(Buffer.from(stored, 'base64'));
      if (shouldReEncrypt) await this.set(name, result);
      return result;
    } catch {
      // Keyring changed or data damaged: treat as not connected (the user pastes the token again).
      return null;
    }
  }

  async set(name: SecretName, value: string): Promise<void> {
    await this.assertUsable();
    const encrypted = await this.safeStorage.encryptStringAsync(value);
    await this.file.set(name, encrypted.toString('base64'));
  }

  delete(name: SecretName): Promise<void> {
    return this.file.delete(name);
  }
}
