/**
 * The providers and the EventBridge sources of their events. No zod here: the functions read these
 * at start-up, before any schema is loaded.
 */

/** The providers the pipeline serves; also the path segment of their route. */
export const ProviderName = { Plaid: 'plaid', Argyle: 'argyle' } as const;
export type ProviderName = (typeof ProviderName)[keyof typeof ProviderName];

export const PROVIDER_NAMES: readonly ProviderName[] = Object.values(ProviderName);

/** Narrows a path segment to a provider name. */
export const isProviderName = (value: string): value is ProviderName =>
  (PROVIDER_NAMES as readonly string[]).includes(value);

/** The EventBridge `source` of each provider's events. */
export const EVENT_SOURCES = { plaid: 'webhooks.plaid', argyle: 'webhooks.argyle' } as const satisfies Record<
  ProviderName,
  string
>;
export type EventSource = (typeof EVENT_SOURCES)[ProviderName];

/** Version of the `detail` envelope. A breaking change is a new version, never an edit. */
export const SCHEMA_VERSION = 1;
