import { type ArgyleProviderDeps, classifyArgyleWebhook, createArgyleProvider } from './argyle/index.js';
import { classifyPlaidWebhook, createPlaidProvider, type PlaidProviderDeps } from './plaid/index.js';
import type { ProviderName, WebhookProvider } from './provider.js';

/** Collaborators of every provider. */
export interface ProvidersDeps {
  readonly plaid: PlaidProviderDeps;
  readonly argyle: ArgyleProviderDeps;
}

/** The providers the pipeline serves, by route segment. Adding one is a folder and a line here. */
export type ProviderRegistry = Readonly<Record<ProviderName, WebhookProvider>>;

/** Builds every provider with its collaborators. */
export const createProviders = (deps: ProvidersDeps): ProviderRegistry => ({
  plaid: createPlaidProvider(deps.plaid),
  argyle: createArgyleProvider(deps.argyle),
});

/** Classification without verification, for code that handles bodies already verified at ingest. */
export const CLASSIFIERS: Readonly<Record<ProviderName, WebhookProvider['classify']>> = {
  plaid: classifyPlaidWebhook,
  argyle: classifyArgyleWebhook,
};
