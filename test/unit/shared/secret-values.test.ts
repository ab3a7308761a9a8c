import { describe, expect, it } from 'vitest';
import { parseArgyleSecrets, parsePlaidSecret } from '../../../lambdas/shared/adapters/secret-values.js';
import { VerificationUnavailableError } from '../../../lambdas/shared/errors.js';

describe('secret values read from Secrets Manager', () => {
  it('reads the Plaid secret as JSON client_id and secret, and refuses anything else as unavailable', () => {
    // Act / Assess
    expect(parsePlaidSecret('{"client_id":"c","secret":"s"}')).toEqual({ clientId: 'c', secret: 's' });
    for (const bad of ['', 'c:s', '{"client_id":"c"}', '{"client_id":"","secret":"s"}']) {
      expect(() => parsePlaidSecret(bad)).toThrow(VerificationUnavailableError);
    }
  });

  it('reads Argyle secrets as a JSON array, {"secrets": […]} or a comma list, dropping blanks', () => {
    // Act / Assess
    expect(parseArgyleSecrets('["a", "", "b"]')).toEqual(['a', 'b']);
    expect(parseArgyleSecrets(' {"secrets": ["a"]} ')).toEqual(['a']);
    expect(parseArgyleSecrets('a, b,,')).toEqual(['a', 'b']);
    expect(() => parseArgyleSecrets('{"secrets": "a"}')).toThrow(VerificationUnavailableError);
  });
});
