/**
 * Google's endpoints and the only way to point them elsewhere: three environment variables, for
 * tests and the browser harness, accepted only when they name a loopback address (so a stray
 * variable can never redirect tokens or personal data to another host).
 *
 * Sources: ../shared/research/upload-apis.md §1.11 (Google Ads API), §2.2 (Data Manager), §3.1 (OAuth).
 */
import { AppError } from '../../shared/ipc/result';

export const GOOGLE_OAUTH_BASE = 'https://accounts.google.com';
export const GOOGLE_TOKEN_BASE = 'https://oauth2.googleapis.com';
export const GOOGLE_ADS_BASE = 'https://googleads.googleapis.com';
export const DATAMANAGER_BASE = 'https://datamanager.googleapis.com';

/** The Google Ads API version used to list conversion actions (v25 protos; v26 has the same fields). */
export const GOOGLE_ADS_VERSION = 'v25';

/** Data Manager (ingestion, diagnostics) and Google Ads (listing conversion actions); §2.8. */
export const GOOGLE_SCOPES = ['https://www.googleapis.com/auth/datamanager', 'https://www.googleapis.com/auth/adwords'] as const;

/** The host of the consent page: the only Google host the app opens in the user's browser for sign-in. */
export const GOOGLE_CONSENT_HOST = new URL(GOOGLE_OAUTH_BASE).hostname;

export interface GoogleEndpoints {
  authorize: string;
  token: string;
  revoke: string;
  /** Base for `/v25/customers/{cid}/googleAds:search`. */
  ads: string;
  /** Base for `/v1/events:ingest` and `/v1/requestStatus:retrieve`. */
  dataManager: string;
  /** True when any of them is an override (tests, harness). */
  overridden: boolean;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** Parses an override; only http(s)://127.0.0.1|[::1]|localhost[:port] with no path beyond "/" is accepted. */
export function loopbackBase(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AppError('validation', `${name} is not a URL: "${value}"`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !LOOPBACK_HOSTS.has(url.hostname) || url.username || url.password) {
    throw new AppError('validation', `${name} may only point at a loopback address (http://127.0.0.1:PORT, http://[::1]:PORT or http://localhost:PORT), not "${value}"`);
  }
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/** Google's real endpoints, or the loopback overrides from the environment. */
export function googleEndpoints(env: NodeJS.ProcessEnv = process.env): GoogleEndpoints {
  const oauth = env.CONVDESK_GOOGLE_OAUTH_URL ? loopbackBase('CONVDESK_GOOGLE_OAUTH_URL', env.CONVDESK_GOOGLE_OAUTH_URL) : null;
  const ads = env.CONVDESK_GOOGLE_ADS_URL ? loopbackBase('CONVDESK_GOOGLE_ADS_URL', env.CONVDESK_GOOGLE_ADS_URL) : null;
  const dm = env.CONVDESK_DATAMANAGER_URL ? loopbackBase('CONVDESK_DATAMANAGER_URL', env.CONVDESK_DATAMANAGER_URL) : null;
  return {
    authorize: `${oauth ?? GOOGLE_OAUTH_BASE}/o/oauth2/v2/auth`,
    token: `${oauth ?? GOOGLE_TOKEN_BASE}/token`,
    revoke: `${oauth ?? GOOGLE_TOKEN_BASE}/revoke`,
    ads: ads ?? GOOGLE_ADS_BASE,
    dataManager: dm ?? DATAMANAGER_BASE,
    overridden: Boolean(oauth || ads || dm),
  };
}
