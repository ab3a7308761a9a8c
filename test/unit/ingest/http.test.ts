import { describe, expect, it } from 'vitest';
import { lowerCaseHeaders } from '../../../lambdas/ingest/http.js';

describe('lowerCaseHeaders', () => {
  it('gives HTTP API headers (already lower case) back as they are', () => {
    const headers = { 'content-type': 'application/json', 'x-argyle-signature': 'ab' };
    expect(lowerCaseHeaders(headers)).toBe(headers);
  });

  it('lower-cases the names of any other caller, dropping undefined values', () => {
    expect(
      lowerCaseHeaders({
        'Content-Type': 'application/json',
        'X-Argyle-Signature': 'ab',
        'plaid-verification': 'jwt',
        'X-Empty': undefined,
      }),
    ).toEqual({
      'content-type': 'application/json',
      'x-argyle-signature': 'ab',
      'plaid-verification': 'jwt',
    });
  });

  it('reads no headers as none', () => {
    expect(lowerCaseHeaders(undefined)).toEqual({});
  });
});
