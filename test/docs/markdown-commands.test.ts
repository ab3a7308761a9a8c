import { describe, expect, it } from 'vitest';
import { type DocCommand, markdownCommands } from './markdown-commands.js';

const shape = (c: DocCommand) => ({
  line: c.line,
  program: c.program,
  args: c.args,
  env: c.env,
  ...(c.needs ? { needs: c.needs } : {}),
  inline: c.inline,
  placeholder: c.placeholder,
});

describe('the commands of a markdown text', () => {
  it('reads each line of a shell block as a shell would: continuations, quotes over lines, variables, &&, pipes', () => {
    const md = [
      '# Title',
      '',
      '```sh',
      "PLAID_ENV=sandbox npx webhook-pipeline replay --type 'TRANSACTIONS.*' \\",
      "  --from 2h   # the reader's comment, apostrophe and all",
      "curl -s https://example.com -d '{",
      '  "a": "$NOT_EXPANDED"',
      "}'",
      'npm install && npm run dev',
      'npx webhook-pipeline events tail --json | head -1 > first.json 2>&1',
      '```',
    ].join('\n');
    expect(markdownCommands('x.md', md).map(shape)).toEqual([
      {
        line: 4,
        program: 'npx',
        args: ['webhook-pipeline', 'replay', '--type', 'TRANSACTIONS.*', '--from', '2h'],
        env: { PLAID_ENV: 'sandbox' },
        inline: false,
        placeholder: false,
      },
      {
        line: 6,
        program: 'curl',
        args: ['-s', 'https://example.com', '-d', '{\n  "a": "$NOT_EXPANDED"\n}'],
        env: {},
        inline: false,
        placeholder: false,
      },
      { line: 9, program: 'npm', args: ['install'], env: {}, inline: false, placeholder: false },
      { line: 9, program: 'npm', args: ['run', 'dev'], env: {}, inline: false, placeholder: false },
      {
        line: 10,
        program: 'npx',
        args: ['webhook-pipeline', 'events', 'tail', '--json'],
        env: {},
        inline: false,
        placeholder: false,
      },
      { line: 10, program: 'head', args: ['-1'], env: {}, inline: false, placeholder: false },
    ]);
  });

  it('takes the "# needs" marker of a line, or of a comment line for the rest of its block', () => {
    const md = [
      '```bash',
      'npx webhook-pipeline redrive-dlq --local --dry-run',
      'npx webhook-pipeline redrive-dlq --stack WebhookPipeline-prod   # needs an AWS account',
      '# needs Plaid API keys',
      'npx webhook-pipeline register plaid --url https://x.example.com/webhooks/plaid --access-tokens t.txt',
      '```',
      '',
      '```sh',
      'npx webhook-pipeline fire --list   # everything that can be fired',
      '```',
    ].join('\n');
    expect(markdownCommands('x.md', md).map((c) => [c.line, c.needs])).toEqual([
      [2, undefined],
      [3, 'needs an AWS account'],
      [5, 'needs Plaid API keys'],
      [9, undefined],
    ]);
  });

  it('reads commands quoted in prose, with placeholders, and leaves other code alone', () => {
    const md = [
      'Run `npm run dev --',
      '--rules rules.json`, then `npx cdk bootstrap aws://<account>/<region>`; the package',
      '`webhook-pipeline` and `TABLE_NAME` are not commands.',
      '',
      '```json',
      '{ "npx": "webhook-pipeline fire" }',
      '```',
    ].join('\n');
    expect(markdownCommands('x.md', md).map(shape)).toEqual([
      {
        line: 1,
        program: 'npm',
        args: ['run', 'dev', '--', '--rules', 'rules.json'],
        env: {},
        inline: true,
        placeholder: false,
      },
      {
        line: 2,
        program: 'npx',
        args: ['cdk', 'bootstrap', 'aws://‹account›/‹region›'],
        env: {},
        inline: true,
        placeholder: true,
      },
    ]);
  });
});
