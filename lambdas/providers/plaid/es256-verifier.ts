import { createVerifier } from 'fast-jwt';

// The key client imports this module on the first key rather than `fast-jwt` itself: fast-jwt is
// CommonJS, and a dynamic import of a CommonJS package gives only its `default` export once the
// bundle is split (lib/constructs/function-bundle.ts); a static import gives its named exports.

/** A verifier pinned to ES256 for a PEM public key: checks a compact JWS and returns its claims. */
export const es256Verifier = (pem: string): ((token: string) => Record<string, unknown>) =>
  createVerifier({ key: pem, algorithms: ['ES256'] }) as (token: string) => Record<string, unknown>;
