import { createHash } from 'node:crypto';
import { parseWebhookEvent } from '@webhook-pipeline/events';
import { describe, expect, it } from 'vitest';
import { findEntry, sampleBody } from '../../../cli/samples.js';
import { runCli } from '../../ops/stubs/run-cli.js';

const sample = async (...args: string[]) => runCli(['events', 'sample', ...args], {});

describe('webhook-pipeline events sample', () => {
  it('prints the event a rule target receives, with --set applied to the payload as fire applies it', async () => {
    // Act
    const run = await sample('accounts.connected', '--set', 'data.account=acc_123', '--set', 'data.user=u-1');
    // Assert: a complete event that parseWebhookEvent accepts, and the payload fire --exact would send
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const event = JSON.parse(run.stdout);
    expect(parseWebhookEvent(event)['detail-type']).toBe('accounts.connected');
    expect(event).toMatchObject({
      version: '0',
      'detail-type': 'accounts.connected',
      source: 'webhooks.argyle',
      account: '123456789012',
      region: 'us-east-1',
      time: '2026-01-01T12:00:00Z',
      resources: [],
      detail: { metadata: { provider: 'argyle', schemaVersion: 1, replayed: false } },
    });
    expect(event.detail.data.data).toMatchObject({ account: 'acc_123', user: 'u-1' });
    const body = sampleBody(findEntry('argyle', ['accounts.connected']), [
      'data.account=acc_123',
      'data.user=u-1',
    ]);
    expect(event.detail.data).toEqual(JSON.parse(body.toString('utf8')));
    // The dedupe key the pipeline computes for those bytes.
    expect(event.detail.metadata.dedupeKey).toBe(`argyle#${createHash('sha256').update(body).digest('hex')}`);
  });

  it('prints the same event for the same arguments, and a new webhook for another --set', async () => {
    const first = JSON.parse((await sample('ITEM.ERROR')).stdout);
    const again = JSON.parse((await sample('item.error')).stdout);
    const other = JSON.parse((await sample('ITEM.ERROR', '--set', 'item_id=item-2')).stdout);
    expect(again).toEqual(first);
    expect(first.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(other.id).not.toBe(first.id);
    expect(other.detail.metadata.webhookId).not.toBe(first.detail.metadata.webhookId);
    expect(other.detail.metadata.dedupeKey).not.toBe(first.detail.metadata.dedupeKey);
  });

  it('takes --time for the receipt time, and --compact for one line', async () => {
    const run = await sample('ITEM.ERROR', '--time', '2026-05-06T07:08:09.123Z', '--compact');
    expect(run.stdout.split('\n')).toHaveLength(1);
    const event = JSON.parse(run.stdout);
    expect(event.time).toBe('2026-05-06T07:08:09Z');
    expect(event.detail.metadata.receivedAt).toBe('2026-05-06T07:08:09.123Z');
    expect((await sample('ITEM.ERROR', '--time', 'yesterday')).code).toBe(2);
  });

  it('refuses an unknown detail-type with exit 2 and the nearest names', async () => {
    expect(await sample('ITEM.EROR')).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'webhook-pipeline events sample: no detail-type "ITEM.EROR" in the catalogue; did you mean ITEM.ERROR? (see fire --list)\nRun \'webhook-pipeline events sample --help\' for usage.',
    });
    expect((await sample('accounts.conected')).stderr).toContain('did you mean accounts.connected?');
    expect((await sample('SYNC_UPDATES_AVAILABLE')).stderr).toContain(
      'did you mean TRANSACTIONS.SYNC_UPDATES_AVAILABLE?',
    );
  });
});
