import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DETAIL_TYPES } from '@webhook-pipeline/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDevKeys } from '../../local/dev-keys.js';
import { signArgyleBody, signPlaidBody } from '../../local/signing.js';
import { type DevProcess, startDevProcess, waitFor } from '../helpers/dev-process.js';

// Issue 14 #9: whatever the provider sent reaches the event and the store unchanged. The bus is a
// stand-in of this test that keeps every PutEvents request as sent, so the check is on the router's
// own output (not on how a bus re-serialises it).

interface CapturedEntry {
  readonly DetailType: string;
  readonly Detail: string;
}

const captured: CapturedEntry[] = [];
let bus: Server;
let dev: DevProcess;

const readAll = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

beforeAll(async () => {
  bus = createServer((req, res) => {
    void readAll(req).then((text) => {
      const { Entries } = JSON.parse(text) as { Entries: CapturedEntry[] };
      captured.push(...Entries);
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(
        JSON.stringify({ FailedEntryCount: 0, Entries: Entries.map((_, i) => ({ EventId: `e-${i}` })) }),
      );
    });
  });
  await new Promise<void>((r) => bus.listen(0, '127.0.0.1', () => r()));
  dev = await startDevProcess({
    EVENTBRIDGE_ENDPOINT: `http://127.0.0.1:${(bus.address() as AddressInfo).port}`,
  });
}, 60_000);

afterAll(async () => {
  await dev?.stop();
  await new Promise((r) => bus?.close(r));
});

/** A catalogue sample's JSON text with extra top-level members spliced in as raw text. */
const withRawMembers = (detailType: string, members: string): string => {
  const info = DETAIL_TYPES.find((d) => d.detailType === detailType);
  if (!info) throw new Error(`no ${detailType}`);
  const text = JSON.stringify(info.entry.sample, null, 2);
  return `${text.slice(0, text.lastIndexOf('}'))},${members}\n}`;
};

// Integers above 2^53 (the largest int64, the most PutEvents takes), a U+FFFF and U+FFFE (which SQS
// refuses raw), and a lone surrogate (a JSON escape: it cannot be UTF-8).
const ODD_MEMBERS = [
  '"big": 9223372036854775807',
  '"precise": 9007199254740993',
  '"noncharacter": "a\uffffb\ufffec"',
  '"lone": "x\\ud800y"',
].join(',\n  ');

/** Signs the bytes with the dev process's own keys and posts them. */
const deliver = async (provider: 'plaid' | 'argyle', body: Buffer) => {
  const keys = await readDevKeys(join(String(dev.env.LOCAL_DIR), 'dev-keys.json'));
  if (!keys) throw new Error('no dev keys');
  const headers: Record<string, string> =
    provider === 'plaid'
      ? { 'plaid-verification': signPlaidBody(body, keys.plaid) }
      : { 'x-argyle-signature': signArgyleBody(body, keys.argyleSecret) };
  return fetch(`${dev.url}/webhooks/${provider}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
};

/** The stored item of a webhook, read from the dev process's table. */
const storedItem = async (webhookId: string) => {
  const local = (await (await fetch(`${dev.url}/_local`)).json()) as {
    dynamoEndpoint: string;
    tableName: string;
  };
  const client = new DynamoDBClient({
    endpoint: local.dynamoEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });
  const scan = await client.send(new ScanCommand({ TableName: local.tableName }));
  client.destroy();
  return (scan.Items ?? []).find((i) => i.webhookId?.S === webhookId);
};

describe('data kept whole through webhook-pipeline dev (issue 14 #9)', { timeout: 60_000 }, () => {
  it.each([
    ['argyle', 'accounts.connected'],
    ['plaid', 'TRANSACTIONS.SYNC_UPDATES_AVAILABLE'],
  ] as const)(
    'a %s body with big integers, U+FFFF and a lone surrogate reaches its event and the table byte for byte',
    async (provider, detailType) => {
      // Prepare
      const raw = withRawMembers(detailType, `\n  ${ODD_MEMBERS}`);
      const body = Buffer.from(raw, 'utf8');
      // Act
      const response = await deliver(provider, body);
      const answer = (await response.json()) as { status: string; webhookId: string };
      // Assess: accepted (queued), not a 503
      expect(response.status).toBe(200);
      expect(answer.status).toBe('accepted');
      const entry = await waitFor(
        () => captured.find((e) => e.Detail.includes(answer.webhookId)),
        20_000,
        'the event',
      );
      expect(entry.DetailType).toBe(detailType);
      // The data is the body's own text, spliced unchanged after the metadata.
      expect(entry.Detail.endsWith(`"data":${raw}}`)).toBe(true);
      expect(JSON.parse(entry.Detail).metadata.webhookId).toBe(answer.webhookId);
      // The table keeps the same bytes.
      const item = await storedItem(answer.webhookId);
      expect(Buffer.from(item?.rawBody?.S ?? '', 'utf8').equals(body)).toBe(true);
    },
  );

  it('a body with an integer outside int64 (PutEvents refuses it on every attempt) is quarantined with the reason, kept unchanged', async () => {
    // Prepare
    const raw = withRawMembers('accounts.connected', '\n  "big": 9223372036854775808');
    const body = Buffer.from(raw, 'utf8');
    const before = captured.length;
    // Act
    const response = await deliver('argyle', body);
    const answer = (await response.json()) as { status: string; webhookId: string };
    // Assess: kept, not queued for an event that would fail forever
    expect(response.status).toBe(200);
    expect(answer.status).toBe('quarantined');
    const item = await storedItem(answer.webhookId);
    expect(item?.status?.S).toBe('quarantined');
    expect(item?.issues?.L?.map((v) => v.S)).toEqual([
      '(body): an integer outside the 64-bit range, which EventBridge refuses',
    ]);
    expect(Buffer.from(item?.rawBody?.S ?? '', 'utf8').equals(body)).toBe(true);
    expect(captured.slice(before).some((e) => e.Detail.includes(answer.webhookId))).toBe(false);
  });
});
