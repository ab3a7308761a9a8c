import type { WebhookProvider } from './provider.js';

type Classify = WebhookProvider['classify'];

/**
 * A provider's classification, loaded on first use instead of at import: the catalogue builds its
 * 51 or 83 zod schemas when its module is evaluated, which was most of the ingest cold start. The
 * provider's `verify()` awaits {@link LazyClassifier.ready} (verification always precedes parsing),
 * so `classify()` is synchronous as the cores expect.
 */
export interface LazyClassifier {
  /** Resolves once the classifier is loaded; immediately after the first time. */
  ready(): Promise<void> | undefined;
  readonly classify: Classify;
}

/** Wraps a loader (a dynamic `import()`, which the bundler turns into a deferred module). */
export const lazyClassifier = (load: () => Promise<Classify>): LazyClassifier => {
  let loaded: Classify | undefined;
  let loading: Promise<void> | undefined;
  return {
    ready() {
      if (loaded !== undefined) return undefined;
      loading ??= load().then(
        (classify) => {
          loaded = classify;
        },
        (error: unknown) => {
          loading = undefined;
          throw error;
        },
      );
      return loading;
    },
    classify(payload) {
      if (loaded === undefined)
        throw new Error('the catalogue is not loaded: verify() comes before classify()');
      return loaded(payload);
    },
  };
};
