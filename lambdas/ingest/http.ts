import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  IngestBudgetExceededError,
  InvalidPayloadError,
  PayloadTooLargeError,
  QueueUnavailableError,
  SignatureVerificationError,
  SourceAddressRefusedError,
  StoreUnavailableError,
  UnknownProviderError,
  VerificationUnavailableError,
} from '../shared/errors.js';
import type { IngestOutcome, IngestRequest } from './ingest-webhook.js';

/** An HTTP API (payload v2) response. */
export type HttpResponse = APIGatewayProxyStructuredResultV2 & { statusCode: number; body: string };

const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

const UPPER_CASE = /[A-Z]/;

/** Header names in lower case (HTTP API already lowercases them; other callers may not). */
export const lowerCaseHeaders = (
  headers: APIGatewayProxyEventV2['headers'] | undefined,
): Readonly<Record<string, string | undefined>> => {
  if (headers === undefined) return {};
  // HTTP API delivers them lower-cased already: then they are used as they are, without a copy.
  let lower = true;
  for (const name in headers)
    if (UPPER_CASE.test(name)) {
      lower = false;
      break;
    }
  if (lower) return headers;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined) out[name.toLowerCase()] = value;
  return out;
};

/** The provider segment: the `{provider}` path parameter, or the last segment of `/webhooks/<provider>`. */
export const providerSegment = (event: APIGatewayProxyEventV2): string => {
  const fromPath = event.pathParameters?.provider;
  if (fromPath !== undefined) return fromPath;
  const match = /^\/webhooks\/([^/]+)\/?$/.exec(event.rawPath ?? '');
  return match?.[1] ?? '';
};

/**
 * The raw body bytes. The size limit is checked on the encoded length first, so an oversized body
 * is refused without decoding it.
 */
export const rawBody = (event: APIGatewayProxyEventV2, maxBodyBytes: number): Buffer => {
  const body = event.body ?? '';
  if (event.isBase64Encoded) {
    const decodedSize = Math.floor((body.length * 3) / 4);
    if (decodedSize > maxBodyBytes + 2) throw new PayloadTooLargeError(decodedSize, maxBodyBytes);
    return Buffer.from(body, 'base64');
  }
  if (body.length > maxBodyBytes) throw new PayloadTooLargeError(Buffer.byteLength(body), maxBodyBytes);
  return Buffer.from(body, 'utf8');
};

/** Maps the API Gateway event to the core's input. */
export const toIngestRequest = (event: APIGatewayProxyEventV2, maxBodyBytes: number): IngestRequest => ({
  provider: providerSegment(event),
  headers: lowerCaseHeaders(event.headers),
  body: rawBody(event, maxBodyBytes),
});

/** The 200 answer of a stored webhook. */
export const outcomeResponse = (outcome: IngestOutcome): HttpResponse =>
  json(200, { status: outcome.status, webhookId: outcome.webhookId });

/** 405 for anything but POST. */
export const methodNotAllowed = (method: string): HttpResponse =>
  json(405, { error: `method ${method} not allowed; webhooks are POSTed` }, { allow: 'POST' });

/**
 * The answer for a known error, or `undefined` for an unexpected one. Only 4xx messages reach the
 * caller; 5xx answers are generic and never carry internals.
 */
export const errorResponse = (error: unknown): HttpResponse | undefined => {
  if (error instanceof SignatureVerificationError) return json(401, { error: error.message });
  if (error instanceof InvalidPayloadError) return json(400, { error: error.message });
  if (error instanceof PayloadTooLargeError) return json(413, { error: error.message });
  if (error instanceof UnknownProviderError) return json(404, { error: error.message });
  if (error instanceof SourceAddressRefusedError) return json(403, { error: error.message });
  if (
    error instanceof IngestBudgetExceededError ||
    error instanceof StoreUnavailableError ||
    error instanceof QueueUnavailableError ||
    error instanceof VerificationUnavailableError
  ) {
    return json(503, { error: 'temporarily unavailable; retry later' }, { 'retry-after': '30' });
  }
  return undefined;
};

/** The answer for an unexpected error. */
export const internalError = (): HttpResponse => json(500, { error: 'internal error' });
