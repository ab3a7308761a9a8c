import type * as z from 'zod';
import { ARGYLE_CATALOG, ARGYLE_EVENT_NAMES, type ArgyleEventName } from './argyle/catalog.js';
import type { CatalogEntry } from './catalog-entry.js';
import { type EventMetadata, eventDetailSchema } from './envelope.js';
import { UnknownDetailTypeError } from './errors.js';
import { PLAID_CATALOG, PLAID_DETAIL_TYPES, type PlaidDetailType } from './plaid/catalog.js';
import { EVENT_SOURCES, type ProviderName } from './sources.js';

/** Every detail-type the catalogue defines, by provider. */
export type DetailTypeOf<P extends ProviderName> = P extends 'plaid' ? PlaidDetailType : ArgyleEventName;
/** Every detail-type the catalogue defines. */
export type DetailType = PlaidDetailType | ArgyleEventName;

type CatalogOf<T extends DetailType> = T extends PlaidDetailType
  ? (typeof PLAID_CATALOG)[T]
  : T extends ArgyleEventName
    ? (typeof ARGYLE_CATALOG)[T]
    : never;

/** The provider payload (`detail.data`) of a detail-type. */
export type WebhookData<T extends DetailType> = z.infer<CatalogOf<T>['schema']>;

/** The provider whose events carry a detail-type. */
export type ProviderOf<T extends DetailType> = T extends PlaidDetailType ? 'plaid' : 'argyle';

/** The `detail` of an event of type `T`. */
export interface WebhookEventDetail<T extends DetailType> {
  readonly metadata: EventMetadata & { readonly provider: ProviderOf<T> };
  readonly data: WebhookData<T>;
}

/** An event as a rule target receives it, narrowed to one detail-type. */
export interface WebhookEvent<T extends DetailType = DetailType> {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': T;
  readonly source: (typeof EVENT_SOURCES)[ProviderOf<T>];
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: WebhookEventDetail<T>;
}

/**
 * Any event of the catalogue, a union discriminated by `detail-type`:
 * `if (e['detail-type'] === 'TRANSACTIONS.SYNC_UPDATES_AVAILABLE') e.detail.data.item_id` is typed.
 */
export type AnyWebhookEvent = { [T in DetailType]: WebhookEvent<T> }[DetailType];

/** One catalogue entry with its provider, for tooling (docs, CLI, schema generation). */
export interface DetailTypeInfo {
  readonly provider: ProviderName;
  readonly source: string;
  readonly detailType: DetailType;
  readonly entry: CatalogEntry;
}

/** Every detail-type with its catalogue entry, Plaid first. */
export const DETAIL_TYPES: readonly DetailTypeInfo[] = [
  ...PLAID_DETAIL_TYPES.map((detailType) => ({
    provider: 'plaid' as const,
    source: EVENT_SOURCES.plaid,
    detailType,
    entry: PLAID_CATALOG[detailType] as CatalogEntry,
  })),
  ...ARGYLE_EVENT_NAMES.map((detailType) => ({
    provider: 'argyle' as const,
    source: EVENT_SOURCES.argyle,
    detailType,
    entry: ARGYLE_CATALOG[detailType] as CatalogEntry,
  })),
];

const byDetailType = new Map(DETAIL_TYPES.map((info) => [info.detailType as string, info]));

/** True for a detail-type of the catalogue. */
export const isDetailType = (value: string): value is DetailType => byDetailType.has(value);

/** The catalogue entry of a detail-type, with its provider and source; `undefined` for any other string. */
export const detailTypeInfo = (detailType: string): DetailTypeInfo | undefined =>
  byDetailType.get(detailType);

/**
 * The zod schema of the `detail` of a detail-type (metadata + the provider payload schema).
 * @throws {UnknownDetailTypeError} for a name outside the catalogue (possible from untyped callers)
 */
export const detailSchemaFor = <T extends DetailType>(detailType: T) => {
  const info = byDetailType.get(detailType);
  if (!info) throw new UnknownDetailTypeError(detailType, undefined);
  return eventDetailSchema(info.entry.schema, info.provider) as unknown as z.ZodType<WebhookEventDetail<T>>;
};
