import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DETAIL_TYPES, type DetailTypeInfo } from '@webhook-pipeline/events';
import { sampleBody } from '../../cli/samples.js';

const entry = (provider: string, detailType: string): DetailTypeInfo => {
  const found = DETAIL_TYPES.find((d) => d.provider === provider && d.detailType === detailType);
  if (!found) throw new Error(`no catalogue entry ${provider} ${detailType}`);
  return found;
};

const PLAID_SAMPLE = entry('plaid', 'TRANSACTIONS.SYNC_UPDATES_AVAILABLE');

/** An event as a rule target receives it, for `events test-pattern --event @file`. */
const EVENT = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': PLAID_SAMPLE.detailType,
  source: 'webhooks.plaid',
  account: '123456789012',
  time: '2026-11-24T08:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: {
    metadata: {
      webhookId: 'wh_docs',
      provider: 'plaid',
      receivedAt: '2026-11-24T08:00:00.000Z',
      replayed: false,
    },
    data: JSON.parse(sampleBody(PLAID_SAMPLE).toString('utf8')) as unknown,
  },
};

/** What a documented command reads, by the option that names the file. */
const CONTENT_BY_OPTION: Readonly<Record<string, (argv: readonly string[]) => string>> = {
  // `send <provider> --file payload.json`: a body as the provider sends it.
  '--file': (argv) => {
    const provider = argv[argv.indexOf('send') + 1] === 'argyle' ? 'argyle' : 'plaid';
    const sample = provider === 'plaid' ? PLAID_SAMPLE : entry('argyle', 'accounts.connected');
    return sampleBody(sample).toString('utf8');
  },
  '--pattern': () =>
    JSON.stringify({ source: ['webhooks.plaid'], 'detail-type': [{ prefix: 'TRANSACTIONS.' }] }),
  '--event': () => JSON.stringify(EVENT),
  // `dev --rules rules.json`: one local subscription, delivering every event to a file.
  '--rules': () =>
    JSON.stringify([
      {
        name: 'everything',
        eventPattern: { source: [{ prefix: 'webhooks.' }] },
        target: 'file:out/events.ndjson',
      },
    ]),
};

/**
 * Writes, under `dir`, the files that documented commands read (`--file captured.json`, `--pattern
 * @pattern.json`, `--rules rules.json`, …), as a user following the doc would have them. Returns
 * the problems: a file named by an option whose content the test does not know.
 */
export const writeDocFixtures = (dir: string, argvs: readonly (readonly string[])[]): string[] => {
  const problems: string[] = [];
  for (const argv of argvs) {
    for (const [i, word] of argv.entries()) {
      const option = argv[i - 1] ?? '';
      // `@file` is how the CLI takes JSON from a file; --file and --rules always name one.
      if (!word.startsWith('@') && !['--file', '--rules'].includes(option)) continue;
      const content = CONTENT_BY_OPTION[option];
      const path = join(dir, word.replace(/^@/, ''));
      if (!content) {
        problems.push(
          `${option} ${word}: the docs test does not know what this file holds (test/docs/doc-fixtures.ts)`,
        );
        continue;
      }
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content(argv));
    }
  }
  return problems;
};
