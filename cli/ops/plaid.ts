import { Configuration, PlaidApi, PlaidEnvironments } from 'plaid';
import { UsageError } from '../cli-error.js';
import { type RetryDecision, retryAfterMs } from './concurrency.js';
import type { PlaidCredentials } from './credentials.js';

/**
 * The Plaid API base URL: `PLAID_BASE_URL` (a stub, a proxy), else the environment named by
 * `PLAID_ENV` (`sandbox`, `production`). `fallbackEnv` applies when neither is set.
 */
export const plaidBasePath = (
  env: NodeJS.ProcessEnv,
  fallbackEnv?: string,
): { basePath: string; label: string } => {
  if (env.PLAID_BASE_URL)
    return { basePath: env.PLAID_BASE_URL.replace(/\/+$/, ''), label: env.PLAID_BASE_URL };
  const name = env.PLAID_ENV ?? fallbackEnv;
  if (!name) {
    throw new UsageError(
      `set PLAID_ENV (${Object.keys(PlaidEnvironments).join(' or ')}) or PLAID_BASE_URL to say which Plaid API to call`,
    );
  }
  const basePath = PlaidEnvironments[name];
  if (!basePath) {
    throw new UsageError(
      `PLAID_ENV "${name}" is not a Plaid environment (${Object.keys(PlaidEnvironments).join(', ')})`,
    );
  }
  return { basePath, label: `Plaid ${name}` };
};

/** The official SDK client, credentials in the `PLAID-CLIENT-ID` / `PLAID-SECRET` headers. */
export const createPlaidApi = (
  basePath: string,
  credentials: PlaidCredentials,
  timeoutMs = 30_000,
): PlaidApi =>
  new PlaidApi(
    new Configuration({
      basePath,
      baseOptions: {
        timeout: timeoutMs,
        headers: { 'PLAID-CLIENT-ID': credentials.clientId, 'PLAID-SECRET': credentials.secret },
      },
    }),
  );

/** A failed Plaid call, reduced to the fields of Plaid's error object (never the request). */
export interface PlaidCallError {
  /** HTTP status; 0 when no answer came (network, timeout). */
  readonly status: number;
  readonly error_type: string;
  readonly error_code: string;
  readonly error_message: string;
  readonly display_message?: string | null;
  readonly request_id?: string;
  readonly retryAfterMs?: number;
}

interface AxiosLikeError {
  readonly code?: string;
  readonly message?: string;
  readonly response?: {
    readonly status: number;
    readonly data?: unknown;
    readonly headers?: Record<string, unknown>;
  };
}

/** Plaid's error object from an SDK failure (axios), or a synthetic one for network failures. */
export const plaidErrorOf = (error: unknown): PlaidCallError => {
  const e = error as AxiosLikeError;
  if (e?.response) {
    const data = (typeof e.response.data === 'object' && e.response.data ? e.response.data : {}) as Record<
      string,
      unknown
    >;
    const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const status = e.response.status;
    const header = e.response.headers?.['retry-after'];
    const after = retryAfterMs(typeof header === 'string' ? header : undefined);
    return {
      status,
      error_type: text(data.error_type) ?? (status >= 500 ? 'API_ERROR' : 'UNKNOWN'),
      error_code: text(data.error_code) ?? `HTTP_${status}`,
      error_message: text(data.error_message) ?? `HTTP ${status} without a Plaid error body`,
      ...(data.display_message !== undefined ? { display_message: text(data.display_message) ?? null } : {}),
      ...(text(data.request_id) ? { request_id: text(data.request_id) } : {}),
      ...(after !== undefined ? { retryAfterMs: after } : {}),
    };
  }
  return {
    status: 0,
    error_type: 'NETWORK',
    error_code: e?.code ?? 'NETWORK_ERROR',
    error_message: e?.message ?? String(error),
  };
};

/**
 * Retry policy for Plaid calls: rate limits (429 / `RATE_LIMIT_EXCEEDED`) pause every worker and
 * retry; Plaid-side failures (5xx, no answer) retry; every other error is final for that item.
 */
export const plaidRetryDecision = (error: unknown): RetryDecision => {
  const e = plaidErrorOf(error);
  if (e.status === 429 || e.error_type === 'RATE_LIMIT_EXCEEDED') {
    return {
      retry: true,
      rateLimited: true,
      ...(e.retryAfterMs !== undefined ? { afterMs: e.retryAfterMs } : {}),
    };
  }
  if (e.status >= 500 || e.status === 0) return { retry: true };
  return { retry: false };
};

/** A webhook `/sandbox/item/fire_webhook` can fire, and the Item product it needs (seed rules). */
export interface SandboxFireRule {
  readonly type: string;
  readonly code: string;
  /** The product the Item must have, or undefined when any Item will do. */
  readonly product?: string;
  readonly note: string;
}

/**
 * What Plaid's sandbox fires (the seed `plaid-sandbox-fire-webhook.txt`): `DEFAULT_UPDATE` for
 * AUTH, IDENTITY, TRANSACTIONS, INVESTMENTS_TRANSACTIONS, LIABILITIES and HOLDINGS, and one type
 * for each other code. `AUTHORIZATION_GRANTED` is in the SDK's enum but the seed documents no type
 * for it, so it is not offered. Firing for an Item without the product fails with
 * `SANDBOX_PRODUCT_NOT_ENABLED`.
 */
export const SANDBOX_FIRE_RULES: readonly SandboxFireRule[] = [
  { type: 'AUTH', code: 'DEFAULT_UPDATE', product: 'auth', note: 'Auth data changed' },
  { type: 'IDENTITY', code: 'DEFAULT_UPDATE', product: 'identity', note: 'Identity data changed' },
  { type: 'TRANSACTIONS', code: 'DEFAULT_UPDATE', product: 'transactions', note: 'new transactions' },
  {
    type: 'INVESTMENTS_TRANSACTIONS',
    code: 'DEFAULT_UPDATE',
    product: 'investments',
    note: 'new investment transactions',
  },
  { type: 'LIABILITIES', code: 'DEFAULT_UPDATE', product: 'liabilities', note: 'liabilities changed' },
  { type: 'HOLDINGS', code: 'DEFAULT_UPDATE', product: 'investments', note: 'holdings changed' },
  { type: 'ITEM', code: 'NEW_ACCOUNTS_AVAILABLE', note: 'a new account is available' },
  {
    type: 'AUTH',
    code: 'SMS_MICRODEPOSITS_VERIFICATION',
    product: 'auth',
    note: 'a same-day micro-deposit Item verified by SMS',
  },
  { type: 'ITEM', code: 'LOGIN_REPAIRED', note: 'the Item left ITEM_LOGIN_REQUIRED' },
  { type: 'ITEM', code: 'PENDING_DISCONNECT', note: 'the Item will stop working soon' },
  {
    type: 'TRANSACTIONS',
    code: 'RECURRING_TRANSACTIONS_UPDATE',
    product: 'transactions (Recurring Transactions)',
    note: 'recurring streams updated',
  },
  {
    type: 'TRANSACTIONS',
    code: 'SYNC_UPDATES_AVAILABLE',
    product: 'transactions',
    note: '/transactions/sync has updates',
  },
  { type: 'ASSETS', code: 'PRODUCT_READY', product: 'assets', note: 'an Asset Report is ready' },
  { type: 'ASSETS', code: 'ERROR', product: 'assets', note: 'Asset Report generation failed' },
  { type: 'ITEM', code: 'USER_PERMISSION_REVOKED', note: 'the user revoked access' },
  { type: 'ITEM', code: 'USER_ACCOUNT_REVOKED', note: "access revoked at the institution's portal" },
];

/** The rule for a (type, code) pair, or a usage error saying what the sandbox can fire instead. */
export const sandboxFireRule = (type: string, code: string): SandboxFireRule => {
  const t = type.toUpperCase();
  const c = code.toUpperCase();
  const rule = SANDBOX_FIRE_RULES.find((r) => r.type === t && r.code === c);
  if (rule) return rule;
  const sameCode = SANDBOX_FIRE_RULES.filter((r) => r.code === c);
  if (sameCode.length) {
    throw new UsageError(
      `Plaid's sandbox fires ${c} only as ${sameCode.map((r) => `${r.type} ${r.code}`).join(', ')}, not with type ${t}`,
    );
  }
  throw new UsageError(
    `Plaid's /sandbox/item/fire_webhook does not fire ${t} ${c}; it fires: ${[
      ...new Set(SANDBOX_FIRE_RULES.map((r) => r.code)),
    ].join(', ')} (see fire --help)`,
  );
};
