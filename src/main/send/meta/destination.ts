/**
 * Meta's Conversions API as a destination of the sending engine:
 * `POST https://graph.facebook.com/v26.0/{dataset id}/events` with `data` (≤ 1,000 server events),
 * `access_token` (in the JSON body, so it is never in a URL or a log line), `appsecret_proof` when
 * an app secret is set, and `test_event_code` for a dry run (research/upload-apis.md §4).
 */
import type { AppSettings } from '../../../shared/domain/settings';
import { combine, META_PREFLIGHT_COLUMNS, metaPreflight, platformValue, type ExportRow } from '../../exports/formats';
import { jsonListBody, jsonText } from '../body';
import { createPoster, type PostAnswer } from '../http';
import type { Destination, Prepared, SendAnswer, SendOptions, SendRow } from '../destination';
import { appSecretProof, classifyMetaAnswer, metaEventsUrl, networkFailure } from './graph';

/** user_data keys Meta wants SHA-256 hashed, and the conversion_events column each comes from. */
export const META_HASHED_KEYS = [
  ['em', 'meta_email_hash'],
  ['ph', 'meta_phone_hash'],
  ['fn', 'meta_first_name_hash'],
  ['ln', 'meta_last_name_hash'],
  ['ct', 'meta_city_hash'],
  ['st', 'meta_state_hash'],
  ['zp', 'meta_zip_hash'],
  ['country', 'meta_country_hash'],
  ['db', 'meta_dob_hash'],
  ['ge', 'meta_gender_hash'],
  ['external_id', 'meta_external_id_hash'],
] as const;
/** user_data keys sent as they are (never hashed). */
export const META_PLAIN_KEYS = [
  ['client_ip_address', 'user_ip'],
  ['client_user_agent', 'user_agent'],
  ['fbc', 'fbc'],
  ['fbp', 'fbp'],
] as const;

export const META_MAX_EVENTS = 1000;
/**
 * Requests in flight at once. Meta documents no per-dataset request rate for the Conversions API
 * (UNCONFIRMED, §4.1); two overlap building one request with waiting for the other's answer, and
 * throttling answers (codes 4/17/613) slow the engine down anyway.
 */
export const META_CONCURRENCY = 2;
/**
 * Meta's troubleshooting page suggests 1.5 s for single events; a 1,000-event request takes longer,
 * so 30 s (UNCONFIRMED). A timeout is retried with the same event ids (deduplicated by Meta).
 */
export const META_TIMEOUT_MS = 30_000;

export interface MetaCredentials {
  datasetId: string;
  accessToken: string;
  appSecret: string | null;
  testEventCode: string | null;
}

export interface MetaDestinationOptions {
  credentials: MetaCredentials;
  settings: AppSettings;
  /** The Graph base URL (metaGraphBase()). */
  baseUrl: string;
  timeoutMs?: number;
  maxEventsPerRequest?: number;
  concurrency?: number;
}

/** One server event as Meta's JSON (the string goes into `data` as it is). */
export function buildMetaEvent(row: ExportRow, name: string, ms: number, settings: AppSettings): Record<string, unknown> {
  const userData: Record<string, unknown> = {};
  for (const [key, column] of META_HASHED_KEYS) {
    const value = row[column];
    if (value) userData[key] = [value];
  }
  for (const [key, column] of META_PLAIN_KEYS) {
    const value = row[column];
    if (value) userData[key] = value;
  }
  const customData: Record<string, unknown> = { currency: row.currency };
  if (row.event_value_micros !== null) customData.value = Number(platformValue(row.event_value_micros, row.currency));
  if (row.transaction_id) customData.order_id = row.transaction_id;
  const event: Record<string, unknown> = {
    event_name: name,
    event_time: Math.floor(ms / 1000),
    event_id: row.event_id,
    action_source: settings.meta.actionSource,
    user_data: userData,
    custom_data: customData,
  };
  if (typeof row.data_processing_options === 'string') {
    try {
      event.data_processing_options = JSON.parse(row.data_processing_options);
      if (row.dpo_country !== null && row.dpo_country !== undefined) event.data_processing_options_country = row.dpo_country;
      if (row.dpo_state !== null && row.dpo_state !== undefined) event.data_processing_options_state = row.dpo_state;
    } catch {
      /* json_valid is checked by the table: cannot happen */
    }
  }
  return event;
}

/**
 * The same text as `JSON.stringify(buildMetaEvent(row, name, ms, settings))`, written directly:
 * building the nested objects and stringifying them cost ~3.2 µs per event on the reader thread
 * (JSON.stringify alone ~2.2 µs) against ~1 µs for this. Keys in buildMetaEvent's order; every value
 * goes through JSON.stringify, so escaping and number formatting are JSON.stringify's own.
 * test/send/meta-json.test.ts compares the two on varied rows (every byte).
 */
export function metaEventJson(row: ExportRow, name: string, ms: number, settings: AppSettings): string {
  let userData = '';
  for (const [key, column] of META_HASHED_KEYS) {
    const value = row[column];
    if (value) userData += `${userData ? ',' : ''}"${key}":[${jsonText(value) ?? 'null'}]`;
  }
  for (const [key, column] of META_PLAIN_KEYS) {
    const value = row[column];
    const text = value ? jsonText(value) : undefined;
    if (text !== undefined) userData += `${userData ? ',' : ''}"${key}":${text}`;
  }
  const currency = jsonText(row.currency);
  let customData = currency === undefined ? '' : `"currency":${currency}`;
  if (row.event_value_micros !== null) customData += `${customData ? ',' : ''}"value":${jsonText(Number(platformValue(row.event_value_micros, row.currency)))}`;
  if (row.transaction_id) {
    const orderId = jsonText(row.transaction_id);
    if (orderId !== undefined) customData += `${customData ? ',' : ''}"order_id":${orderId}`;
  }
  const eventName = jsonText(name);
  let event = `{${eventName === undefined ? '' : `"event_name":${eventName},`}"event_time":${jsonText(Math.floor(ms / 1000))},`;
  const eventId = jsonText(row.event_id);
  if (eventId !== undefined) event += `"event_id":${eventId},`;
  const actionSource = jsonText(settings.meta.actionSource);
  if (actionSource !== undefined) event += `"action_source":${actionSource},`;
  event += `"user_data":{${userData}},"custom_data":{${customData}}`;
  if (typeof row.data_processing_options === 'string') {
    try {
      event += `,"data_processing_options":${jsonText(JSON.parse(row.data_processing_options)) ?? ''}`;
      if (row.dpo_country !== null && row.dpo_country !== undefined) event += `,"data_processing_options_country":${jsonText(row.dpo_country)}`;
      if (row.dpo_state !== null && row.dpo_state !== undefined) event += `,"data_processing_options_state":${jsonText(row.dpo_state)}`;
    } catch {
      /* json_valid is checked by the table: cannot happen */
    }
  }
  return `${event}}`;
}

export function createMetaDestination(options: MetaDestinationOptions): Destination<string> {
  const { credentials, settings } = options;
  const url = metaEventsUrl(options.baseUrl, credentials.datasetId);
  const timeoutMs = options.timeoutMs ?? META_TIMEOUT_MS;
  const poster = createPoster();
  // The request's fixed part, after `data`: the token (and its proof) travel in the body.
  let tail = `,"access_token":${JSON.stringify(credentials.accessToken)}`;
  if (credentials.appSecret) tail += `,"appsecret_proof":"${appSecretProof(credentials.accessToken, credentials.appSecret)}"`;
  // The Meta file's pre-flight, exactly (exports/formats.ts), rebuilt when "now" moves.
  let checkNow = Date.now();
  let checkAt = metaPreflight({ settings, nowMs: checkNow });
  const dryTail = credentials.testEventCode ? `${tail},"test_event_code":${JSON.stringify(credentials.testEventCode)}` : tail;

  return {
    name: 'meta',
    label: 'Meta Conversions API',
    maxEventsPerRequest: Math.min(options.maxEventsPerRequest ?? META_MAX_EVENTS, META_MAX_EVENTS),
    concurrency: options.concurrency ?? META_CONCURRENCY,
    columns: META_PREFLIGHT_COLUMNS,
    dryRunReachesPlatform: credentials.testEventCode !== null,

    prepare(row: SendRow, nowMs: number): Prepared<string> {
      if (nowMs !== checkNow) {
        checkNow = nowMs;
        checkAt = metaPreflight({ settings, nowMs });
      }
      const exportRow = row as unknown as ExportRow;
      const { problems, name, ms } = checkAt(exportRow);
      if (problems.length) {
        const exclusion = combine(problems);
        return { ok: false, code: exclusion.code, reason: exclusion.reason };
      }
      return { ok: true, event: metaEventJson(exportRow, name!, ms, settings) };
    },

    async send(events: readonly string[], sendOptions: SendOptions): Promise<SendAnswer> {
      const body = jsonListBody('{"data":[', events, `]${sendOptions.dryRun ? dryTail : tail}}`);
      let response: PostAnswer;
      try {
        response = await poster.post(url, body, { 'content-type': 'application/json' }, { timeoutMs, signal: sendOptions.signal });
      } catch (error) {
        return networkFailure(error);
      }
      const ok = response.status >= 200 && response.status < 300;
      let parsed: unknown = null;
      try {
        if (response.bodyError !== undefined) throw response.bodyError;
        parsed = response.text ? JSON.parse(response.text) : null;
      } catch (error) {
        // A body cut off mid-answer: the request may have been processed; resend (same event ids).
        if (ok) return networkFailure(error);
      }
      return classifyMetaAnswer(response.status, response.headers, parsed, events.length);
    },
  };
}
