import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATALOGUE_VERSION } from '../../../lambdas/providers/catalogue-version.js';
import { buildQueueMessage, escapeForSqs } from '../../../lambdas/shared/queue-message.js';
import { QueueMessageSchema } from '../../../lambdas/shared/queue-message-schema.js';

/** SQS's documented character set of a message body (built from code points: tab, LF and CR are in it). */
const SQS_ALLOWED = new RegExp(
  `^[${String.fromCharCode(9, 10, 13)}\\u0020-\\uD7FF\\uE000-\\uFFFD\\u{10000}-\\u{10FFFF}]*$`,
  'u',
);

const fields = {
  webhookId: 'w-1',
  provider: 'argyle' as const,
  dedupeKey: 'argyle#x',
  receivedAt: '2026-12-02T04:00:00.000Z',
};

describe('queue message', () => {
  it('escapes U+FFFE, U+FFFF and lone surrogates, which SQS refuses, and parses back to the same body', () => {
    const rawBody = `{"a":"x\uffffy\ufffez","b":"\ud800","c":"\udc00!","d":"😀","n":123456789012345678901}`;
    const message = buildQueueMessage(fields, rawBody);
    expect(message).toMatch(SQS_ALLOWED);
    expect(message).toContain('\\uffff');
    expect(QueueMessageSchema.parse(JSON.parse(message)).rawBody).toBe(rawBody);
  });

  it('keeps every string SQS-valid and round-trips it (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        const message = buildQueueMessage(fields, text);
        expect(message).toMatch(SQS_ALLOWED);
        expect(JSON.parse(message).rawBody).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it('carries a classification with its catalogue version, and leaves both out without one', () => {
    const classified = QueueMessageSchema.parse(
      JSON.parse(
        buildQueueMessage({ ...fields, detailType: 'accounts.added', catalogue: CATALOGUE_VERSION }, '{}'),
      ),
    );
    expect(classified).toMatchObject({ detailType: 'accounts.added', catalogue: CATALOGUE_VERSION });
    const plain = QueueMessageSchema.parse(JSON.parse(buildQueueMessage(fields, '{}')));
    expect(plain).not.toHaveProperty('detailType');
    expect(plain).not.toHaveProperty('catalogue');
  });

  it('leaves a message without refused characters as JSON.stringify wrote it', () => {
    const json = JSON.stringify({ rawBody: 'plain é 😀' });
    expect(escapeForSqs(json)).toBe(json);
  });
});
