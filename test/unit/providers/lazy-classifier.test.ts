import { describe, expect, it } from 'vitest';
import { createProviders } from '../../../lambdas/providers/index.js';
import { lazyClassifier } from '../../../lambdas/providers/lazy-classifier.js';
import type { Classification } from '../../../lambdas/providers/provider.js';
import { SignatureVerificationError } from '../../../lambdas/shared/errors.js';
import { signArgyleBody } from '../../../local/signing.js';
import { inMemoryKeyCache } from '../../helpers/plaid.js';

const SECRET = 'whsec_lazy';
const providers = () =>
  createProviders({
    plaid: { keys: inMemoryKeyCache([], Date.now).cache, now: Date.now },
    argyle: { secrets: async () => [SECRET] },
  });
const request = (body: Buffer, signature: string) => ({
  headers: { 'x-argyle-signature': signature },
  body,
  bodySha256: '',
});

describe('catalogues loaded on first use (lazy-classifier.ts)', () => {
  it('classifies once the provider has verified a request, even one it refused', async () => {
    // Prepare
    const { argyle } = providers();
    const body = Buffer.from('{"event":"brand_new.event","name":"n","data":{}}');
    // Act
    const refused = argyle.verify(request(body, 'f'.repeat(128)));
    // Assess
    await expect(refused).rejects.toBeInstanceOf(SignatureVerificationError);
    expect(argyle.classify({ event: 'brand_new.event', name: 'n', data: {} })).toEqual({
      kind: 'unknown',
      detailType: 'brand_new.event',
    });
    await argyle.verify(request(body, signArgyleBody(body, SECRET)));
    expect(argyle.classify({ event: 'accounts.connected', name: 'n', data: { account: 1 } })).toMatchObject({
      kind: 'invalid',
      detailType: 'accounts.connected',
    });
  });

  it('refuses to classify before anything was loaded, rather than guess', () => {
    // Prepare
    const { plaid } = providers();
    // Act
    const classify = () => plaid.classify({ webhook_type: 'ITEM', webhook_code: 'ERROR' });
    // Assess
    expect(classify).toThrow(/verify\(\) comes before classify\(\)/);
  });

  it('loads once for concurrent first requests, and tries again after a failed load', async () => {
    // Prepare
    let loads = 0;
    const classification: Classification = { kind: 'unknown', detailType: 'x' };
    const lazy = lazyClassifier(async () => {
      loads += 1;
      if (loads === 1) throw new Error('disk hiccup');
      return () => classification;
    });
    // Act
    const first = lazy.ready();
    const firstAgain = lazy.ready();
    // Assess
    await expect(first).rejects.toThrow('disk hiccup');
    await expect(firstAgain).rejects.toThrow('disk hiccup');
    await Promise.all([lazy.ready(), lazy.ready()]);
    expect(loads).toBe(2);
    expect(lazy.ready()).toBeUndefined();
    expect(lazy.classify({})).toBe(classification);
  });
});
