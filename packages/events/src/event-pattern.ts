import type { DetailTypeOf } from './detail-types.js';
import { EVENT_SOURCES, type ProviderName } from './sources.js';

/** Options of {@link eventPattern}. */
export interface EventPatternOptions<P extends ProviderName> {
  readonly provider: P;
  /** Detail-types to match; all of the provider's when omitted. Unknown names do not compile. */
  readonly types?: readonly DetailTypeOf<P>[];
}

/** An EventBridge rule pattern (as `events.EventPattern` or JSON). */
export interface WebhookEventPattern {
  readonly source: string[];
  readonly 'detail-type'?: string[];
}

/**
 * Builds the rule pattern for some of our events.
 * @example
 * new events.Rule(this, 'Sync', {
 *   eventBus,
 *   eventPattern: eventPattern({ provider: 'plaid', types: ['TRANSACTIONS.SYNC_UPDATES_AVAILABLE'] }),
 * });
 */
export const eventPattern = <P extends ProviderName>({
  provider,
  types,
}: EventPatternOptions<P>): WebhookEventPattern => ({
  source: [EVENT_SOURCES[provider]],
  ...(types?.length ? { 'detail-type': [...types] } : {}),
});
