import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { marked, type Token } from 'marked';
import { parse as parseShell } from 'shell-quote';

/** The shell languages of a fenced block whose lines are commands. */
const SHELL_BLOCKS = new Set(['sh', 'bash', 'shell', 'zsh']);
/** Programs an inline code span may start with to be read as a command (after any `VAR=value`). */
const INLINE_PROGRAMS = new Set(['npx', 'npm', 'webhook-pipeline', 'cdk', 'aws', 'curl', 'node']);
/**
 * The marker of a command that needs something this machine does not have (an AWS account, a
 * provider's API keys): a shell comment starting with `needs`, at the end of the line, or on a line
 * of its own that covers the rest of its block (CONTRIBUTING.md).
 */
const NEEDS = /^\s*needs\b/i;
/** What a placeholder such as `<stack name>` becomes, so that the shell parser reads one word. */
const PLACEHOLDER_MARK = '‹';

/** One command of a doc, as a shell would split it. */
export interface DocCommand {
  /** The doc's path, relative to the project. */
  readonly file: string;
  /** The line it starts on (1-based). */
  readonly line: number;
  /** The command as written (continuations joined). */
  readonly text: string;
  /** `VAR=value` words before the program. */
  readonly env: Readonly<Record<string, string>>;
  /** The program (`npx` kept: `npx webhook-pipeline …` is program `npx`, args `webhook-pipeline …`). */
  readonly program: string;
  readonly args: readonly string[];
  /** The `# needs …` marker that applies to it, without the `#`. */
  readonly needs?: string;
  /** A code span in prose rather than a line of a shell block. */
  readonly inline: boolean;
  /** It holds a placeholder (`<name>`, `…`): it cannot run as written. */
  readonly placeholder: boolean;
}

/** Where a command is, for messages: `docs/deploy.md:21: npm run deploy -- …`. */
export const where = (command: DocCommand): string => `${command.file}:${command.line}: ${command.text}`;

const lineAt = (text: string, index: number): number => text.slice(0, Math.max(index, 0)).split('\n').length;

/**
 * True when the quotes of `text` are all closed (a quoted string may span lines); a `#` that starts a
 * word outside quotes starts a comment, whose apostrophes do not count.
 */
const quotesClosed = (text: string): boolean => {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"') i++;
    } else if (c === '\\') i++;
    else if (c === "'" || c === '"') quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1] ?? ''))) {
      const end = text.indexOf('\n', i);
      if (end < 0) break;
      i = end;
    }
  }
  return quote === undefined;
};

/** The logical lines of a shell block: continuations joined, quoted strings kept whole. */
const logicalLines = (block: string): { text: string; offset: number }[] => {
  const lines: { text: string; offset: number }[] = [];
  let pending: { text: string; offset: number } | undefined;
  block.split('\n').forEach((raw, offset) => {
    const current = pending
      ? { text: `${pending.text}\n${raw}`, offset: pending.offset }
      : { text: raw, offset };
    if (/\\$/.test(current.text) || !quotesClosed(current.text)) {
      pending = { text: current.text.replace(/\\$/, ''), offset: current.offset };
      return;
    }
    pending = undefined;
    lines.push(current);
  });
  if (pending) lines.push(pending);
  return lines;
};

/** A command of a line, before it is placed in its doc. */
type LineCommand = Pick<DocCommand, 'env' | 'program' | 'args' | 'placeholder'>;

/**
 * Splits one logical line into its commands (`a && b` is two), with the `# needs` marker of its end.
 * `$VAR` stays as written; a `<placeholder>` becomes one word.
 */
const splitCommands = (text: string): { commands: LineCommand[]; needs?: string } => {
  const words = parseShell(
    text.replace(
      /<([A-Za-z][^<>\n]*)>/g,
      (_, name: string) => `${PLACEHOLDER_MARK}${name.replace(/\s/g, '_')}›`,
    ),
    (name) => `$${name}`,
  );
  const commands: LineCommand[] = [];
  let needs: string | undefined;
  let current: string[] = [];
  const flush = () => {
    const env: Record<string, string> = {};
    while (current[0] && /^[A-Z_][A-Z0-9_]*=/.test(current[0])) {
      const [name = '', ...value] = (current.shift() ?? '').split('=');
      env[name] = value.join('=');
    }
    const [program, ...args] = current;
    if (program) {
      const placeholder = [program, ...args, ...Object.values(env)].some(
        (w) => w.includes(PLACEHOLDER_MARK) || w.includes('…') || /^\[|\]$/.test(w),
      );
      commands.push({ env, program, args, placeholder });
    }
    current = [];
  };
  let redirected = false;
  for (const word of words) {
    if (typeof word === 'string') {
      // The file of a redirection (`> out.txt`, `2>&1`) is not an argument.
      if (redirected) redirected = false;
      else current.push(word);
    } else if ('comment' in word) {
      if (NEEDS.test(word.comment)) needs = word.comment.trim();
    } else if (word.op === 'glob') current.push(word.pattern);
    else if (['&&', '||', ';', '|', '|&', '&'].includes(word.op)) flush();
    else if (['>', '>>', '<', '>&', '<&', '>|'].includes(word.op)) {
      if (/^\d$/.test(current.at(-1) ?? '')) current.pop();
      redirected = true;
    } else current.push(word.op);
  }
  flush();
  return needs ? { commands, needs } : { commands };
};

/** The commands of one markdown text: every line of its shell blocks, and the commands quoted inline. */
export const markdownCommands = (file: string, markdown: string): DocCommand[] => {
  const found: DocCommand[] = [];
  let cursor = 0;
  marked.walkTokens(marked.lexer(markdown), (token: Token) => {
    if (token.type !== 'code' && token.type !== 'codespan') return;
    // A block inside a list item is indented in the file but not in its token: find its first line.
    let start = markdown.indexOf(token.raw, cursor);
    if (start < 0) start = markdown.indexOf(token.raw.trimStart().split('\n')[0] ?? '', cursor);
    if (start >= 0) cursor = start + 1;
    const line = lineAt(markdown, start);
    if (token.type === 'code') {
      if (!SHELL_BLOCKS.has(String(token.lang ?? '').split(/\s/)[0] ?? '')) return;
      // The block's text starts on the line after its fence.
      const firstLine = line + 1;
      let blockNeeds: string | undefined;
      for (const logical of logicalLines(token.text)) {
        const trimmed = logical.text.trim();
        if (!trimmed) continue;
        if (trimmed.startsWith('#')) {
          if (NEEDS.test(trimmed.slice(1))) blockNeeds = trimmed.slice(1).trim();
          continue;
        }
        const split = splitCommands(trimmed);
        const needs = split.needs ?? blockNeeds;
        for (const command of split.commands) {
          found.push({
            file,
            line: firstLine + logical.offset,
            text: trimmed.replace(/\s+#.*$/, '').replace(/\s*\n\s*/g, ' '),
            ...command,
            ...(needs ? { needs } : {}),
            inline: false,
          });
        }
      }
      return;
    }
    const text = token.text.replace(/\s+/g, ' ').trim();
    for (const command of splitCommands(text).commands) {
      // A program named alone (`webhook-pipeline`, `node`) is a mention, not a command.
      if (!INLINE_PROGRAMS.has(command.program) || command.args.length === 0) continue;
      found.push({ file, line, text, ...command, inline: true });
    }
  });
  return found;
};

/** The docs whose commands are checked: README.md, CONTRIBUTING.md and docs/*.md. */
export const documentedFiles = (root: string): string[] => [
  'README.md',
  'CONTRIBUTING.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];

/** Every command of the docs under `root`. */
export const documentedCommands = (root: string, files = documentedFiles(root)): DocCommand[] =>
  files.flatMap((file) => markdownCommands(file, readFileSync(join(root, file), 'utf8')));
