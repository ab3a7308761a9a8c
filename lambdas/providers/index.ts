import type { ProviderName } from '@webhook-pipeline/events/sources';
import { type ArgyleProviderDeps, createArgyleProvider } from './argyle/index.js';
import { createPlaidProvider, type PlaidProviderDeps } from './plaid/index.js';
import type { WebhookProvider } from './provider.js';

/** Collaborators of every provider. */
export interface ProvidersDeps {
  readonly plaid: PlaidProviderDeps;
  readonly argyle: ArgyleProviderDeps;
}

/** The providers the pipeline serves, by route segment. Adding one is a folder and a line here. */
export type ProviderRegistry = Readonly<Record<ProviderName, WebhookProvider>>;

/**
 * Builds every provider with its collaborators. Classification alone, without verification, is
 * `CLASSIFIERS` in classifiers.ts (kept apart so that neither bundle carries what it never runs).
 */
export const createProviders = (deps: ProvidersDeps): ProviderRegistry => ({
  plaid: createPlaidProvider(deps.plaid),
  argyle: createArgyleProvider(deps.argyle),
});
