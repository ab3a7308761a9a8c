import { randomBytes } from 'node:crypto';
import { type HttpStub, type RecordedRequest, type StubReply, startHttpStub } from './http-stub.js';

/**
 * A stand-in for Plaid's API that follows its documented requests and answers: credentials in the
 * PLAID-CLIENT-ID / PLAID-SECRET headers, JSON bodies, `ItemWebhookUpdateResponse` and
 * `SandboxItemFireWebhookResponse`, and Plaid's error object on failures (HTTP status + error_type,
 * error_code, error_message, display_message, request_id…).
 */
export interface PlaidStubOptions {
  readonly clientId: string;
  readonly secret: string;
  /** Known access tokens and their item_id. */
  readonly items: Readonly<Record<string, string>>;
  /** Answers to play first for a token, one per call (rate limits, 5xx), before the normal answer. */
  readonly script?: Record<string, StubReply[]>;
  /** Products of each token's Item, for /sandbox/item/fire_webhook. */
  readonly products?: Readonly<Record<string, readonly string[]>>;
  /** Called after a successful /item/webhook/update (e.g. to deliver WEBHOOK_UPDATE_ACKNOWLEDGED). */
  readonly onWebhookUpdated?: (update: {
    accessToken: string;
    itemId: string;
    webhook: string;
  }) => Promise<void>;
  readonly delayMs?: number;
  /** What /item/get answers for a token's Item beyond its id (ItemGetResponse fields). */
  readonly itemGet?: Readonly<Record<string, PlaidItemState>>;
}

/** An Item's state at Plaid, as /item/get reports it. */
export interface PlaidItemState {
  readonly webhook?: string | null;
  readonly products?: readonly string[];
  /** Plaid's error object of the Item (e.g. ITEM_LOGIN_REQUIRED), or null: /item/get is the one answer that carries it. */
  readonly error?: { error_type: string; error_code: string; error_message: string } | null;
  readonly lastWebhook?: { sent_at: string; code_sent: string } | null;
  readonly transactions?: { last_successful_update: string | null; last_failed_update: string | null } | null;
}

const requestId = () => randomBytes(8).toString('base64url').slice(0, 15);

/** Plaid's error object with its HTTP status. */
export const plaidError = (
  status: number,
  errorType: string,
  errorCode: string,
  errorMessage: string,
): StubReply => ({
  status,
  body: {
    display_message: null,
    documentation_url: `https://plaid.com/docs/errors/${errorType.toLowerCase().replace(/_/g, '-')}/#${errorCode.toLowerCase()}`,
    error_code: errorCode,
    error_code_reason: null,
    error_message: errorMessage,
    error_type: errorType,
    request_id: requestId(),
    suggested_action: null,
  },
});

export const RATE_LIMITED = (): StubReply =>
  plaidError(
    429,
    'RATE_LIMIT_EXCEEDED',
    'RATE_LIMIT',
    'rate limit exceeded for attempts to access this item. please try again later',
  );
export const INTERNAL_ERROR = (): StubReply =>
  plaidError(500, 'API_ERROR', 'INTERNAL_SERVER_ERROR', 'an unexpected error occurred');

const PRODUCT_OF: Record<string, string> = {
  'AUTH.DEFAULT_UPDATE': 'auth',
  'IDENTITY.DEFAULT_UPDATE': 'identity',
  'TRANSACTIONS.DEFAULT_UPDATE': 'transactions',
  'INVESTMENTS_TRANSACTIONS.DEFAULT_UPDATE': 'investments',
  'LIABILITIES.DEFAULT_UPDATE': 'liabilities',
  'HOLDINGS.DEFAULT_UPDATE': 'investments',
  'AUTH.SMS_MICRODEPOSITS_VERIFICATION': 'auth',
  'TRANSACTIONS.RECURRING_TRANSACTIONS_UPDATE': 'transactions',
  'TRANSACTIONS.SYNC_UPDATES_AVAILABLE': 'transactions',
  'ASSETS.PRODUCT_READY': 'assets',
  'ASSETS.ERROR': 'assets',
};

/** Starts the Plaid stub. */
export const startPlaidStub = async (options: PlaidStubOptions): Promise<HttpStub> => {
  const script = new Map(Object.entries(options.script ?? {}).map(([k, v]) => [k, [...v]]));
  const handle = async (request: RecordedRequest): Promise<StubReply> => {
    if (request.method !== 'POST') return { status: 405, body: { error: 'POST only' } };
    if (
      request.headers['plaid-client-id'] !== options.clientId ||
      request.headers['plaid-secret'] !== options.secret
    ) {
      return plaidError(400, 'INVALID_INPUT', 'INVALID_API_KEYS', 'invalid client_id or secret provided');
    }
    const body = request.body as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object') {
      return plaidError(400, 'INVALID_REQUEST', 'INVALID_BODY', 'body could not be parsed as JSON');
    }
    const token = body.access_token;
    if (typeof token !== 'string' || token === '') {
      return plaidError(
        400,
        'INVALID_REQUEST',
        'MISSING_FIELDS',
        'the following required fields are missing: access_token',
      );
    }
    const queued = script.get(token)?.shift();
    if (queued) return queued;
    if (!/^access-(sandbox|production)-[\w-]+$/.test(token)) {
      return plaidError(
        400,
        'INVALID_INPUT',
        'INVALID_ACCESS_TOKEN',
        'provided access token is in an invalid format. expected format: access-<environment>-<identifier>',
      );
    }
    const itemId = options.items[token];
    if (!itemId) {
      return plaidError(400, 'INVALID_INPUT', 'INVALID_ACCESS_TOKEN', 'could not find matching access token');
    }
    if (request.path === '/item/webhook/update') {
      if (typeof body.webhook !== 'string') {
        return plaidError(
          400,
          'INVALID_REQUEST',
          'INVALID_FIELD',
          'webhook must be a properly formatted, non-localhost https URL',
        );
      }
      await options.onWebhookUpdated?.({ accessToken: token, itemId, webhook: body.webhook });
      return {
        status: 200,
        body: {
          item: {
            item_id: itemId,
            institution_id: 'ins_109508',
            institution_name: 'First Platypus Bank',
            webhook: body.webhook,
            auth_method: null,
            error: null,
            available_products: ['balance', 'identity'],
            billed_products: ['transactions'],
            products: ['transactions'],
            consented_products: ['transactions'],
            consent_expiration_time: null,
            update_type: 'background',
          },
          request_id: requestId(),
        },
      };
    }
    if (request.path === '/item/get') {
      const state = options.itemGet?.[token] ?? {};
      const products = [...(state.products ?? ['transactions'])];
      return {
        status: 200,
        body: {
          item: {
            item_id: itemId,
            institution_id: 'ins_109508',
            institution_name: 'First Platypus Bank',
            webhook: state.webhook ?? null,
            auth_method: null,
            error: state.error
              ? { ...state.error, display_message: null, request_id: requestId(), causes: [], status: null }
              : null,
            available_products: ['balance', 'identity'],
            billed_products: products,
            products,
            consented_products: products,
            consent_expiration_time: null,
            update_type: 'background',
          },
          status: {
            investments: null,
            transactions: state.transactions ?? null,
            last_webhook: state.lastWebhook ?? null,
          },
          request_id: requestId(),
        },
      };
    }
    if (request.path === '/sandbox/item/fire_webhook') {
      const product = PRODUCT_OF[`${String(body.webhook_type)}.${String(body.webhook_code)}`];
      if (product && !(options.products?.[token] ?? []).includes(product)) {
        return plaidError(
          400,
          'SANDBOX_ERROR',
          'SANDBOX_PRODUCT_NOT_ENABLED',
          `the ${product} product is not enabled on this item`,
        );
      }
      return { status: 200, body: { webhook_fired: true, request_id: requestId() } };
    }
    return plaidError(404, 'INVALID_REQUEST', 'UNKNOWN_ROUTE', `no route ${request.path}`);
  };
  return startHttpStub(handle, options.delayMs ?? 0);
};
