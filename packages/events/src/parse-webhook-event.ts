import * as z from 'zod';
import { type AnyWebhookEvent, type DetailTypeInfo, detailTypeInfo } from './detail-types.js';
import { eventDetailSchema } from './envelope.js';
import { InvalidWebhookEventError, UnknownDetailTypeError, type WebhookEventIssue } from './errors.js';

/**
 * The schema of a whole event of one detail-type, as a rule target receives it: EventBridge's
 * envelope, the detail-type's `source`, and the `detail` (metadata + payload). Loose at the top,
 * so that what EventBridge adds (`replay-name` on an archive replay) passes through.
 */
const eventSchemaOf = ({ detailType, source, provider, entry }: DetailTypeInfo) =>
  z.looseObject({
    version: z.literal('0'),
    id: z.string().min(1),
    'detail-type': z.literal(detailType as string),
    source: z.literal(source),
    account: z.string(),
    time: z.string(),
    region: z.string(),
    resources: z.array(z.string()),
    detail: eventDetailSchema(entry.schema, provider),
  });

// Built on first use of each detail-type: a consumer that sees three detail-types builds three.
const schemas = new Map<string, ReturnType<typeof eventSchemaOf>>();

const pathOf = (path: readonly PropertyKey[]): string =>
  path.reduce<string>(
    (text, key) =>
      typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key),
    '',
  );

/**
 * Checks an incoming EventBridge event (as a rule target receives it: a Lambda function's `event`, or
 * `JSON.parse` of an SQS message body) against its detail-type's schema, and returns it typed: a
 * union narrowed by `detail-type`, so `switch (event['detail-type'])` types `event.detail.data`.
 * The payload's unknown fields are kept, as the provider sent them.
 *
 * @throws {UnknownDetailTypeError} when the detail-type is not in this version of the catalogue
 *   (a code the provider added since, or not our event): catch it to ignore new codes.
 * @throws {InvalidWebhookEventError} when fields fail the schema; its message and `issues` name the
 *   detail-type and every failing field (`detail.data.item_id: Invalid input: expected string…`).
 * @example
 * export const handler = async (input: unknown) => {
 *   const event = parseWebhookEvent(input);
 *   if (event['detail-type'] === 'ITEM.ERROR') await flagItem(event.detail.data.item_id);
 * };
 */
export const parseWebhookEvent = (event: unknown): AnyWebhookEvent => {
  const fields = (event !== null && typeof event === 'object' ? event : {}) as Record<string, unknown>;
  const detailType = typeof fields['detail-type'] === 'string' ? fields['detail-type'] : undefined;
  const source = typeof fields.source === 'string' ? fields.source : undefined;
  const info = detailType === undefined ? undefined : detailTypeInfo(detailType);
  if (!info) throw new UnknownDetailTypeError(detailType, source);
  let schema = schemas.get(info.detailType);
  if (!schema) {
    schema = eventSchemaOf(info);
    schemas.set(info.detailType, schema);
  }
  const parsed = schema.safeParse(event);
  if (!parsed.success) {
    const issues: WebhookEventIssue[] = parsed.error.issues.map((issue) => ({
      path: pathOf(issue.path),
      message: issue.message,
    }));
    throw new InvalidWebhookEventError(info.detailType, issues);
  }
  return parsed.data as unknown as AnyWebhookEvent;
};
