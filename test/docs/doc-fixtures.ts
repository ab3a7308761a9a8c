import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DETAIL_TYPES, type DetailTypeInfo } from '@webhook-pipeline/events';
import { marked, type Token } from 'marked';
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
 * The JSON files the docs show: a `json` block right after a paragraph that names the file in code
 * (`` `rules.json` is a JSON array…``, `` `--event-pattern file://pattern.json` ``). The docs test
 * writes these, so that the documented example is what the commands read. A block that is not JSON
 * is a problem of its doc.
 */
export const documentedJsonFiles = (
  root: string,
  files: readonly string[],
): { contents: Map<string, string>; problems: string[] } => {
  const contents = new Map<string, string>();
  const problems: string[] = [];
  for (const file of files) {
    let previous: Token | undefined;
    for (const token of marked.lexer(readFileSync(join(root, file), 'utf8'))) {
      if (token.type === 'code' && token.lang === 'json' && previous?.type === 'paragraph') {
        const names = [...previous.raw.matchAll(/`[^`]*?([\w.-]+\.json)`/g)].map((m) => basename(m[1] ?? ''));
        for (const name of names) {
          try {
            JSON.parse(token.text);
            if (!contents.has(name)) contents.set(name, token.text);
          } catch (error) {
            problems.push(`${file}: the example of ${name} is not JSON (${(error as Error).message})`);
          }
        }
      }
      if (token.type !== 'space') previous = token;
    }
  }
  return { contents, problems };
};

/**
 * Writes, under `dir`, the files that documented commands read (`--file captured.json`, `--pattern
 * @pattern.json`, `--rules rules.json`, …), as a user following the doc would have them: the docs'
 * own example where one shows the file (`documented`), else a catalogue sample, pattern or event.
 * Returns the problems: a file named by an option whose content the test does not know.
 */
export const writeDocFixtures = (
  dir: string,
  argvs: readonly (readonly string[])[],
  documented: ReadonlyMap<string, string> = new Map(),
): string[] => {
  const problems: string[] = [];
  for (const argv of argvs) {
    for (const [i, word] of argv.entries()) {
      const option = argv[i - 1] ?? '';
      // `@file` is how the CLI takes JSON from a file; --file and --rules always name one.
      if (!word.startsWith('@') && !['--file', '--rules'].includes(option)) continue;
      const name = word.replace(/^@/, '');
      const shown = documented.get(name);
      const content = shown === undefined ? CONTENT_BY_OPTION[option] : () => shown;
      const path = join(dir, name);
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
