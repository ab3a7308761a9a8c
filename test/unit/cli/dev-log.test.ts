import { describe, expect, it } from 'vitest';
import { readableChunk, readableFunctionLine } from '../../../cli/dev-log.js';
import { describeFailures } from '../../../local/dev-pipeline.js';

describe('the dev log', () => {
  it("turns a function's Powertools JSON line into one entry of the dev log's layout", () => {
    const line = JSON.stringify({
      level: 'WARN',
      message: 'webhook quarantined',
      timestamp: '2026-12-07T21:28:47.451Z',
      service: 'webhook-ingest',
      cold_start: false,
      function_arn: 'arn:aws:lambda:us-east-1:000000000000:function:webhook-ingest',
      function_memory_size: '256',
      function_name: 'webhook-ingest',
      function_request_id: '4b6f71a1',
      sampling_rate: 0,
      provider: 'plaid',
      webhookId: 'w-1',
      latencyMs: 10.39,
      issues: ['item_id: Invalid input'],
    });
    expect(readableFunctionLine(line)).toBe(
      '21:28:47.451  ingest   WARN webhook quarantined: provider=plaid webhookId=w-1 latencyMs=10.39 issues=["item_id: Invalid input"]',
    );
    expect(
      readableFunctionLine(
        '{"level":"ERROR","message":"webhook failed","timestamp":"2026-12-07T21:28:47.279Z","service":"webhook-router","reason":"EventPublishError: PutEvents failed"}',
      ),
    ).toBe('21:28:47.279  router   ERROR webhook failed: reason="EventPublishError: PutEvents failed"');
  });

  it('leaves every other line as it is: its own entries, EMF metric lines (read by tools), other JSON', () => {
    const emf = JSON.stringify({
      _aws: {
        Timestamp: Date.parse('2026-12-07T21:28:47.568Z'),
        CloudWatchMetrics: [
          {
            Namespace: 'WebhookPipeline',
            Dimensions: [['service', 'provider', 'reason']],
            Metrics: [{ Name: 'SignatureFailure', Unit: 'Count' }],
          },
        ],
      },
      service: 'webhook-ingest',
      provider: 'argyle',
      reason: 'missing_signature',
      SignatureFailure: 1,
    });
    expect(readableFunctionLine(emf)).toBeUndefined();
    const own = '21:28:47.570  ingest   argyle  -   401 missing X-Argyle-Signature header  3.0 ms';
    expect(readableFunctionLine(own)).toBeUndefined();
    expect(readableFunctionLine('{"not":"a log line"}')).toBeUndefined();
    expect(readableFunctionLine('{ broken')).toBeUndefined();
    expect(
      readableChunk(
        `${own}\n{"level":"WARN","message":"m","timestamp":"2026-12-07T00:00:00.000Z","service":"webhook-router"}\n`,
      ),
    ).toBe(`${own}\n00:00:00.000  router   WARN m\n`);
  });

  it("says what SQS does next with a batch's failed records: retry, or (last receive) the DLQ", () => {
    expect(describeFailures({ received: 5, failed: 1, lastReceive: 0 })).toBe(
      '1 of 5 records failed; SQS will retry them',
    );
    expect(describeFailures({ received: 1, failed: 1, lastReceive: 1 })).toBe(
      '1 of 1 records failed on their last receive: marked failed, SQS moves it to the DLQ',
    );
    expect(describeFailures({ received: 10, failed: 3, lastReceive: 2 })).toBe(
      '3 of 10 records failed; SQS will retry 1; 2 on their last receive: marked failed, SQS moves them to the DLQ',
    );
  });
});
