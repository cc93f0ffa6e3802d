/**
 * The Meta connection: dataset id, test event code and the token's last four characters in the
 * settings table; the access token and the optional app secret in the SecretStore only. The
 * renderer and the CLI's `show` see a MetaConnectionView ("connected as dataset N, token ending …abcd").
 */
import type { Kysely } from 'kysely';
import { MetaConnectionInputSchema, type ConnectionTestResult, type MetaConnectionInput, type MetaConnectionView } from '../../../shared/domain/send';
import { AppError } from '../../../shared/ipc/result';
import type { Sqlite } from '../../db/connection';
import type { DB } from '../../db/schema';
import { formatIssues } from '../../ipc/bind';
import { secretHint, type SecretStore } from '../../secrets/store';
import { getSettings, updateSettings } from '../../settings/service';
import { deleteConnection, readConnection, writeConnection } from '../connections-repo';
import type { MetaCredentials } from './destination';
import { appSecretProof, META_GRAPH_VERSION, metaGraphBase } from './graph';

const KEY = 'connection.meta';
const TOKEN = 'meta.accessToken';
const APP_SECRET = 'meta.appSecret';

interface StoredMeta {
  datasetId: string;
  testEventCode: string | null;
  tokenHint: string;
  hasAppSecret: boolean;
}

export class MetaConnection {
  constructor(
    private readonly db: Sqlite,
    private readonly k: Kysely<DB>,
    private readonly secrets: SecretStore,
  ) {}

  private stored(): StoredMeta | null {
    return readConnection<StoredMeta>(this.db, this.k, KEY);
  }

  view(): MetaConnectionView {
    const stored = this.stored();
    const actionSource = getSettings(this.db).meta.actionSource;
    if (!stored) {
      return { connected: false, datasetId: null, tokenHint: null, hasAppSecret: false, testEventCode: null, actionSource, secretStore: this.secrets.description, summary: 'Not connected' };
    }
    return {
      connected: true,
      datasetId: stored.datasetId,
      tokenHint: stored.tokenHint,
      hasAppSecret: stored.hasAppSecret,
      testEventCode: stored.testEventCode,
      actionSource,
      secretStore: this.secrets.description,
      summary: `connected as dataset ${stored.datasetId}, token ending ${stored.tokenHint}`,
    };
  }

  /** Saves the connection. The token is required the first time; afterwards it is kept unless a new one is given. */
  async set(input: MetaConnectionInput): Promise<MetaConnectionView> {
    const parsed = MetaConnectionInputSchema.safeParse(input);
    if (!parsed.success) throw new AppError('validation', `Invalid Meta connection: ${formatIssues(parsed.error.issues)}`);
    const value = parsed.data;
    const current = this.stored();
    if (!value.accessToken && !current) throw new AppError('validation', 'An access token is needed to connect Meta (Events Manager → your dataset → Settings → Conversions API → Generate access token)');
    // Secrets first: if the store refuses (no keyring), nothing of the connection changes.
    if (value.accessToken) await this.secrets.set(TOKEN, value.accessToken);
    let hasAppSecret = current?.hasAppSecret ?? false;
    if (value.appSecret !== undefined) {
      if (value.appSecret === '') await this.secrets.delete(APP_SECRET);
      else await this.secrets.set(APP_SECRET, value.appSecret);
      hasAppSecret = value.appSecret !== '';
    }
    const tokenHint = value.accessToken ? secretHint(value.accessToken) : current!.tokenHint;
    const testEventCode = value.testEventCode === undefined ? (current?.testEventCode ?? null) : value.testEventCode || null;
    writeConnection(this.db, this.k, KEY, { datasetId: value.datasetId, testEventCode, tokenHint, hasAppSecret } satisfies StoredMeta);
    if (value.actionSource) updateSettings(this.db, { meta: { actionSource: value.actionSource } });
    return this.view();
  }

  async remove(): Promise<MetaConnectionView> {
    await this.secrets.delete(TOKEN);
    await this.secrets.delete(APP_SECRET);
    deleteConnection(this.db, this.k, KEY);
    return this.view();
  }

  /** Everything a send needs; a clear error when Meta is not connected. */
  async credentials(): Promise<MetaCredentials> {
    const stored = this.stored();
    const accessToken = stored ? await this.secrets.get(TOKEN) : null;
    if (!stored || !accessToken) {
      throw new AppError('not_found', 'Meta is not connected: add the dataset id and an access token in Settings → Connections → Meta (or `convdesk connections meta set --dataset-id ID --token-env VAR`).');
    }
    const appSecret = stored.hasAppSecret ? await this.secrets.get(APP_SECRET) : null;
    return { datasetId: stored.datasetId, accessToken, appSecret, testEventCode: stored.testEventCode };
  }

  /**
   * One harmless call: reads the dataset's id and name (GET /{dataset}?fields=id,name), which needs
   * the same token and access as sending, and changes nothing. The token goes in the Authorization
   * header, never in the URL.
   */
  async test(timeoutMs = 15_000): Promise<ConnectionTestResult> {
    const credentials = await this.credentials();
    const query = new URLSearchParams({ fields: 'id,name' });
    if (credentials.appSecret) query.set('appsecret_proof', appSecretProof(credentials.accessToken, credentials.appSecret));
    const url = `${metaGraphBase()}/${META_GRAPH_VERSION}/${encodeURIComponent(credentials.datasetId)}?${query}`;
    let response: Response;
    try {
      response = await fetch(url, { headers: { authorization: `Bearer ${credentials.accessToken}` }, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return { ok: false, message: `Could not reach Meta (${cause ?? ((error as Error).name === 'TimeoutError' ? 'no answer in time' : 'network error')}).`, httpStatus: null, code: null, platformIds: {} };
    }
    let body: { id?: string; name?: string; error?: { code?: number; error_subcode?: number; message?: string; fbtrace_id?: string } } = {};
    try {
      body = (await response.json()) as typeof body;
    } catch {
      /* not JSON */
    }
    const platformIds: Record<string, string> = {};
    const trace = body.error?.fbtrace_id ?? response.headers.get('x-fb-trace-id');
    if (trace) platformIds.fbtrace_id = trace;
    if (response.ok && body.id) {
      return { ok: true, message: `Meta answered: dataset ${body.id}${body.name ? ` (“${body.name}”)` : ''} is reachable with this token.`, httpStatus: response.status, code: null, platformIds };
    }
    const code = body.error?.code;
    const hint =
      code === 190 ? ' The token is expired or invalid: generate a new one.' : code === 100 && body.error?.error_subcode === 33 ? ' Check the dataset id and that the token was generated for it.' : '';
    return {
      ok: false,
      message: `Meta answered HTTP ${response.status}${code !== undefined ? `, code ${code}${body.error?.error_subcode ? `/${body.error.error_subcode}` : ''}` : ''}: ${body.error?.message ?? 'no message'}.${hint}`,
      httpStatus: response.status,
      code: code !== undefined ? String(code) : null,
      platformIds,
    };
  }
}
