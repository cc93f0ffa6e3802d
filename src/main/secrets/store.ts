/**
 * Where secrets (access tokens, app secrets, refresh tokens) live: never in SQLite, logs, error
 * messages, IPC answers or exports. The app uses Electron's safeStorage (electron-store.ts); the CLI
 * and the e2e harness use environment variables over a 0600 file (this file). Only main reads them;
 * the send worker receives them in memory.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';

export type SecretName = 'meta.accessToken' | 'meta.appSecret' | (string & {});

export interface SecretStore {
  /** For the connection screen: where the secrets are kept ("0600 file", "safeStorage (kwallet6)"). */
  readonly description: string;
  get(name: SecretName): Promise<string | null>;
  set(name: SecretName, value: string): Promise<void>;
  delete(name: SecretName): Promise<void>;
}

/** `meta.accessToken` → CONVDESK_SECRET_META_ACCESS_TOKEN. */
export function secretEnvName(name: SecretName): string {
  return `CONVDESK_SECRET_${name.replace(/([a-z])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').toUpperCase()}`;
}

/** A JSON object of name → value in one file, mode 0600, replaced atomically on every change. */
export class FileSecretStore implements SecretStore {
  readonly description = '0600 file';
  constructor(readonly path: string) {}

  private read(): Record<string, string> {
    if (!existsSync(this.path)) return {};
    try {
      const parsed = JSON.parse(readFileSync(this.path, 'utf8')) as unknown;
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
    } catch {
      // A damaged file is treated as empty (the user reconnects); its content is never echoed.
      return {};
    }
  }

  private write(values: Record<string, string>): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(tmp, JSON.stringify(values), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.path);
  }

  async get(name: SecretName): Promise<string | null> {
    return this.read()[name] ?? null;
  }
  async set(name: SecretName, value: string): Promise<void> {
    this.write({ ...this.read(), [name]: value });
  }
  async delete(name: SecretName): Promise<void> {
    const values = this.read();
    if (!(name in values)) return;
    delete values[name];
    if (Object.keys(values).length) this.write(values);
    else rmSync(this.path, { force: true });
  }
}

/**
 * Environment variables (CONVDESK_SECRET_META_ACCESS_TOKEN…) take precedence over the stored value,
 * for scheduled jobs that keep the token in their own secret manager. Writes go to the backing store.
 */
export class EnvOverSecretStore implements SecretStore {
  constructor(
    private readonly backing: SecretStore,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}
  get description(): string {
    return `environment variables, then ${this.backing.description}`;
  }
  async get(name: SecretName): Promise<string | null> {
    const fromEnv = this.env[secretEnvName(name)];
    return fromEnv ? fromEnv : this.backing.get(name);
  }
  set(name: SecretName, value: string): Promise<void> {
    return this.backing.set(name, value);
  }
  delete(name: SecretName): Promise<void> {
    return this.backing.delete(name);
  }
}

/** The CLI's and the harness's store: env vars over `<dataDir>/secrets.json` (0600). */
export function fileSecretStoreFor(dataDir: string): SecretStore {
  return new EnvOverSecretStore(new FileSecretStore(`${dataDir}/secrets.json`));
}

/** Keeps the last 4 characters for "token ending …abcd"; nothing else of a secret is ever shown. */
export function secretHint(secret: string): string {
  return `…${secret.slice(-4)}`;
}
