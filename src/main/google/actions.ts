/**
 * The account's conversion actions, listed through the Google Ads API (Data Manager has no listing
 * RPC; research/upload-apis.md §1.11, §2.8): `POST /v25/customers/{cid}/googleAds:search` with GAQL.
 */
import { GOOGLE_ADS_VERSION, type GoogleEndpoints } from './config';
import { googleJson } from './http';

export interface ConversionAction {
  /** Numeric id (int64 as a string), what Data Manager takes as productDestinationId. */
  id: string;
  name: string;
  /** ConversionActionType: UPLOAD_CLICKS, WEBPAGE, … */
  type: string;
  /** ENABLED | REMOVED | HIDDEN */
  status: string;
}

/**
 * Conversion actions that accept imported offline conversions: "Import from clicks" (UPLOAD_CLICKS),
 * which also takes enhanced conversions for leads (§3.2). UNCONFIRMED whether Data Manager accepts
 * other import types for offline conversions; refusing them locally is the safe side.
 */
export const IMPORTABLE_ACTION_TYPES: ReadonlySet<string> = new Set(['UPLOAD_CLICKS']);

export function isImportable(action: ConversionAction): boolean {
  return IMPORTABLE_ACTION_TYPES.has(action.type);
}

/** Every action except removed ones, so Settings can say why a disabled or wrong-typed one is refused. */
export const CONVERSION_ACTIONS_QUERY =
  "SELECT conversion_action.id, conversion_action.name, conversion_action.type, conversion_action.status FROM conversion_action WHERE conversion_action.status != 'REMOVED' ORDER BY conversion_action.name";

interface SearchAnswer {
  results?: { conversionAction?: Partial<ConversionAction> }[];
  nextPageToken?: string;
}

/** All pages of the listing. `loginCustomerId` is sent as the login-customer-id header when the account is reached through a manager. */
export async function listConversionActions(
  endpoints: GoogleEndpoints,
  accessToken: string,
  account: { customerId: string; loginCustomerId: string | null },
  signal?: AbortSignal,
): Promise<ConversionAction[]> {
  const url = `${endpoints.ads}/${GOOGLE_ADS_VERSION}/customers/${account.customerId}/googleAds:search`;
  const actions: ConversionAction[] = [];
  let pageToken: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const { body } = await googleJson<SearchAnswer>(
      url,
      { method: 'POST', accessToken, body: { query: CONVERSION_ACTIONS_QUERY, ...(pageToken ? { pageToken } : {}) }, headers: account.loginCustomerId ? { 'login-customer-id': account.loginCustomerId } : undefined, signal },
      'Google Ads (listing conversion actions)',
    );
    for (const row of body.results ?? []) {
      const a = row.conversionAction;
      if (a?.id && a.name && a.type && a.status) actions.push({ id: String(a.id), name: a.name, type: a.type, status: a.status });
    }
    pageToken = body.nextPageToken || undefined;
    if (!pageToken) break;
  }
  return actions;
}

/** Name → action, for the enabled ones first (two actions may share a name only if one is not enabled). */
export function actionsByName(actions: readonly ConversionAction[]): Map<string, ConversionAction> {
  const map = new Map<string, ConversionAction>();
  for (const action of actions) {
    const existing = map.get(action.name);
    if (!existing || (existing.status !== 'ENABLED' && action.status === 'ENABLED')) map.set(action.name, action);
  }
  return map;
}
