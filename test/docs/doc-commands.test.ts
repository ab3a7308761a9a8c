import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandProblems } from './command-checks.js';
import { type CliLine, docsPlan, planOf } from './command-plan.js';
import { documentedJsonFiles, writeDocFixtures } from './doc-fixtures.js';
import { type DocCommand, documentedCommands, documentedFiles, where } from './markdown-commands.js';
import { type CommandRun, type DocsPipeline, describeRun, startDocsPipeline } from './run-doc-commands.js';

// Every command of README.md, CONTRIBUTING.md and docs/*.md (CONTRIBUTING.md says how to write one):
// the local ones run against one `npm run dev` in a temporary folder; all are parsed by the tool that
// runs them, so a wrong flag, an npm script or stack name that does not exist, or a command that
// needs an AWS account without saying so, fails `npm test`.

const ROOT = resolve(import.meta.dirname, '..', '..');
const commands = documentedCommands(ROOT);
const plan = docsPlan(commands);

/** Every problem of `list`, each with where it is. */
const problemsOf = async (list: readonly DocCommand[]): Promise<string[]> =>
  (
    await Promise.all(list.map(async (c) => (await commandProblems(c)).map((p) => `${where(c)}\n  ${p}`)))
  ).flat();

/** The commands of a temporary copy of `file` in which `edit` changed the text. */
const commandsOfCopy = (file: string, edit: (text: string) => string): DocCommand[] => {
  const dir = mkdtempSync(join(tmpdir(), 'wp-doc-copy-'));
  try {
    writeFileSync(join(dir, 'copy.md'), edit(readFileSync(join(ROOT, file), 'utf8')));
    return documentedCommands(dir, ['copy.md']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/** A copy's text with the first `--option` of `command`'s first line misspelt (`--file` → `--filex`). */
const misspellFlag = (command: DocCommand) => (text: string) => {
  const lines = text.split('\n');
  const index = command.line - 1;
  lines[index] = (lines[index] ?? '').replace(/ --([a-z][a-z-]*)/, ' --$1x');
  return lines.join('\n');
};

/** The first command of `list` whose first line has an `--option`. */
const withFlag = (list: readonly DocCommand[], file?: string): DocCommand => {
  const found = list.find(
    (c) =>
      (!file || c.file === file) &&
      / --[a-z]/.test(readFileSync(join(ROOT, c.file), 'utf8').split('\n')[c.line - 1] ?? ''),
  );
  if (!found) throw new Error('no command with an option');
  return found;
};

/** Runs the lines, the followers around them; returns the runs that failed. */
const runAll = async (pipeline: DocsPipeline, run: readonly CliLine[], follow: readonly CliLine[]) => {
  const followers = follow.map((l) => pipeline.follow(l.command, l.argv));
  const runs: CommandRun[] = [];
  for (const line of run) runs.push(await pipeline.run(line.command, line.argv));
  const followed = await Promise.all(followers.map((f) => f.stop()));
  return [
    ...runs.filter((r) => r.code !== 0).map(describeRun),
    ...followed
      .filter((r) => !r.running)
      .map((r) => `${describeRun(r)}\n  (ended before it was interrupted)`),
  ];
};

describe('the commands of the docs', () => {
  it('are found: shell blocks and commands quoted in prose, local ones and ones that need an account', () => {
    expect(commands.length).toBeGreaterThan(80);
    expect(plan.run.length).toBeGreaterThan(5);
    expect(plan.follow.length).toBeGreaterThan(0);
    expect(plan.checkedOnly.filter((c) => c.needs).length).toBeGreaterThan(20);
    const tools = new Set(commands.map((c) => planOf(c).tool));
    for (const tool of ['cli', 'cdk', 'script', 'project', 'aws', 'curl']) expect(tools).toContain(tool);
  });

  it('are each accepted by the tool that runs them, name stacks as the CDK app does, and say what they need', async () => {
    expect(await problemsOf(commands)).toEqual([]);
  });

  describe('the local ones, run as written against npm run dev in a temporary folder', () => {
    let pipeline: DocsPipeline | undefined;
    // The JSON files the docs show (console.md's rules.json, consumers.md's pattern.json) are used as shown.
    const documented = documentedJsonFiles(ROOT, documentedFiles(ROOT));
    const fixtureProblems: string[] = [...documented.problems];
    beforeAll(async () => {
      pipeline = await startDocsPipeline(plan.dev.slice(1), (dir) => {
        const argvs = [plan.dev, ...[...plan.run, ...plan.follow].map((l) => l.argv)];
        fixtureProblems.push(...writeDocFixtures(dir, argvs, documented.contents));
      });
    }, 60_000);
    afterAll(async () => {
      await pipeline?.close();
    }, 20_000);

    it('each exits 0, and each that follows is still following at the end', async () => {
      if (!pipeline) throw new Error('no pipeline');
      expect(fixtureProblems).toEqual([]);
      expect(await runAll(pipeline, plan.run, plan.follow)).toEqual([]);
    }, 180_000);

    it('a planted command that parses but fails when run fails the test', async () => {
      if (!pipeline) throw new Error('no pipeline');
      const planted = commandsOfCopy(
        'README.md',
        (text) =>
          `${text}\n\`\`\`sh\nnpx webhook-pipeline fire plaid TRANSACTIONS SYNC_UPDATES_AVAILABL\n\`\`\`\n`,
      ).at(-1);
      if (!planted) throw new Error('nothing planted');
      expect(await commandProblems(planted)).toEqual([]);
      const copyPlan = docsPlan([planted]);
      const failed = await runAll(pipeline, copyPlan.run, []);
      expect(failed).toHaveLength(1);
      expect(failed[0]).toContain('exit 2');
      expect(failed[0]).toContain('did you mean TRANSACTIONS.SYNC_UPDATES_AVAILABLE');
    }, 60_000);
  });
});

describe('a mistake planted in a temporary copy of a doc fails the check', () => {
  it('a misspelt flag on a line that runs against npm run dev', async () => {
    const line = withFlag(plan.run.map((l) => l.command));
    const copy = commandsOfCopy(line.file, misspellFlag(line)).filter((c) => c.line === line.line);
    const problems = await problemsOf(copy);
    expect(problems.join('\n')).toMatch(/webhook-pipeline refuses it: .*unknown option '--[a-z-]+x'/);
  });

  it('a misspelt flag on a line marked as needing an AWS account', async () => {
    const marked = plan.checkedOnly.filter(
      (c) => c.needs && planOf(c).tool === 'cli' && c.args.includes('--stack'),
    );
    const line = withFlag(marked);
    const copy = commandsOfCopy(line.file, misspellFlag(line)).filter((c) => c.line === line.line);
    expect((await problemsOf(copy)).join('\n')).toMatch(/webhook-pipeline refuses it: .*unknown option/);
  });

  it('a stack named otherwise than the CDK app names it, and a line that needs an account without saying so', async () => {
    const copy = commandsOfCopy(
      'README.md',
      (text) =>
        `${text}\n\`\`\`sh\nnpx webhook-pipeline requeue --stack webhooks-prod --dry-run   # needs an AWS account\nnpx webhook-pipeline redrive-dlq --stack WebhookPipeline-prod\nnpm run smoke -- --stack WebhookPipeline-prod --urll https://x.example.com/   # needs an AWS account\nnpm run deploy -- -c stage=prod -c alarmMail=ops@example.com   # needs an AWS account\n\`\`\`\n`,
    );
    const problems = (await problemsOf(copy.slice(-4))).join('\n');
    expect(problems).toContain('stack "webhooks-prod": the CDK app names its stacks WebhookPipeline-<stage>');
    expect(problems).toContain(
      'redrive-dlq --stack WebhookPipeline-prod\n  it needs an AWS account (a deployed stack)',
    );
    expect(problems).toMatch(/npm run smoke refuses its arguments: .*urll/);
    expect(problems).toMatch(/the CDK app refuses its context: .*alarmMail/);
  });
});
