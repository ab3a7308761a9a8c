/**
 * Writes docs/api/webhook-pipeline.md: the reference of `webhook-pipeline/cdk` (what lib/index.ts
 * exports), every prop with its type and default, every public member and grant of the construct,
 * from their TSDoc. `--check` writes nothing and fails when the file is not what the sources give
 * (`npm test` runs it, as it runs `schemas:check`).
 *
 * Written here on @swc/core's parser rather than with typedoc or api-extractor: both need the
 * TypeScript compiler's JavaScript API, which TypeScript 7 (the native compiler this project uses)
 * does not have. swc parses TypeScript syntax without checking types, which is all a reference of
 * declarations and their comments needs; comments are read from the source before each declaration.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseSync } from '@swc/core';

const ROOT = resolve(import.meta.dirname, '..');
const ENTRY = join(ROOT, 'lib', 'index.ts');
export const API_DOC = join(ROOT, 'docs', 'api', 'webhook-pipeline.md');

// biome-ignore lint/suspicious/noExplicitAny: swc's AST, read by node type
type Node = any;

/** A source file: its text as bytes (swc's spans are byte offsets) and its declarations. */
interface ParsedFile {
  readonly path: string;
  readonly text: (start: number, end: number) => string;
  readonly body: Node[];
}

/** A line swc parses first, so its span gives the offset of the file's first byte. */
const MARKER = 'const __apiDocsOffset = 0;\n';

const parseFile = (path: string): ParsedFile => {
  const source = MARKER + readFileSync(path, 'utf8');
  const bytes = Buffer.from(source, 'utf8');
  const module = parseSync(source, { syntax: 'typescript', comments: true });
  // swc numbers bytes across every file it parsed in this process: the marker is at byte 0.
  const base = (module.body[0] as Node).span.start as number;
  return {
    path,
    text: (start, end) => bytes.subarray(Math.max(start - base, 0), end - base).toString('utf8'),
    body: module.body.slice(1),
  };
};

/** A TSDoc comment: its text, and its tags by name. */
interface Doc {
  readonly text: string;
  readonly tags: Readonly<Record<string, string>>;
}

const MODIFIERS = /^(\s|public|protected|readonly|static|export|declare|abstract|override|async)*$/;

/** The `/** … *\/` comment right before `node` (modifiers aside), parsed. */
const docOf = (file: ParsedFile, node: Node): Doc => {
  // Everything before the node: the comment is the last one, with only modifiers after it.
  const before = file.text(0, node.span.start);
  const end = before.lastIndexOf('*/');
  const start = before.lastIndexOf('/**', end);
  if (end < 0 || start < 0 || !MODIFIERS.test(before.slice(end + 2))) return { text: '', tags: {} };
  const lines = before
    .slice(start + 3, end)
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, ''));
  const text: string[] = [];
  const tags: Record<string, string> = {};
  let tag: string | undefined;
  for (const line of lines) {
    const match = /^@(\w+)\s*(.*)$/.exec(line.trim());
    if (match) {
      tag = match[1] as string;
      tags[tag] = (match[2] ?? '').trim();
    } else if (tag) tags[tag] = `${tags[tag]} ${line.trim()}`.trim();
    else text.push(line);
  }
  return { text: text.join('\n').trim(), tags };
};

/** TSDoc inline links as code. */
const inline = (text: string) => text.replace(/\{@link\s+([^}\s]+)\s*\}/g, '`$1`');
/** One table cell: one line, pipes escaped. */
const cell = (text: string) =>
  inline(text)
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|')
    .trim();
const code = (text: string) => `\`${text.replace(/\s+/g, ' ').replace(/\|/g, '\\|')}\``;

/** The exported names of lib/index.ts, with the module that declares each. */
const exportsOf = (entry: string): { name: string; file: string }[] =>
  parseFile(entry).body.flatMap((node: Node) =>
    node.type === 'ExportNamedDeclaration' && node.source
      ? node.specifiers.map((s: Node) => ({
          name: s.orig.value as string,
          file: resolve(dirname(entry), String(node.source.value).replace(/\.js$/, '.ts')),
        }))
      : [],
  );

/** The exported declaration named `name` in `file`. */
const declarationOf = (file: ParsedFile, name: string): Node => {
  for (const node of file.body) {
    if (node.type !== 'ExportDeclaration') continue;
    const d = node.declaration;
    const declared =
      d.type === 'VariableDeclaration' ? d.declarations[0].id.value : (d.id?.value ?? d.identifier?.value);
    if (declared === name) return { export: node, declaration: d };
  }
  throw new Error(`${relative(ROOT, file.path)} exports no declaration ${name}`);
};

const typeText = (file: ParsedFile, annotation: Node) =>
  annotation
    ? file.text(annotation.typeAnnotation.span.start, annotation.typeAnnotation.span.end)
    : 'unknown';

const renderInterface = (file: ParsedFile, name: string, node: Node, exported: Node): string => {
  const doc = docOf(file, exported);
  const extended = node.extends?.length
    ? ` (extends ${node.extends.map((e: Node) => code(file.text(e.span.start, e.span.end))).join(', ')})`
    : '';
  const rows = node.body.body.map((member: Node) => {
    const memberDoc = docOf(file, member);
    const deprecated = memberDoc.tags.deprecated ? `**Deprecated:** ${memberDoc.tags.deprecated}. ` : '';
    const fallback = memberDoc.tags.default ?? '';
    const defaultCell = member.optional
      ? fallback.startsWith('- ')
        ? cell(fallback.slice(2))
        : fallback
          ? code(fallback)
          : ''
      : '**required**';
    return `| \`${member.key.value}\` | ${code(typeText(file, member.typeAnnotation))} | ${defaultCell} | ${deprecated}${cell(memberDoc.text)} |`;
  });
  return [
    `## \`${name}\` (interface)${extended}`,
    '',
    inline(doc.text),
    '',
    '| prop | type | default | description |',
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
};

const renderClass = (file: ParsedFile, name: string, node: Node, exported: Node): string => {
  const doc = docOf(file, exported);
  const base = node.superClass
    ? ` (extends \`${file.text(node.superClass.span.start, node.superClass.span.end)}\`)`
    : '';
  const publicMembers = node.body.filter(
    (m: Node) => m.accessibility !== 'private' && m.accessibility !== 'protected' && !m.isStatic,
  );
  const signature = (m: Node) =>
    file
      .text(m.span.start, m.function?.body?.span.start ?? m.body?.span.start ?? m.span.end)
      .replace(/^(public|readonly|\s)+/, '')
      .trim();
  const ctor = publicMembers.find((m: Node) => m.type === 'Constructor');
  const properties = publicMembers.filter((m: Node) => m.type === 'ClassProperty');
  const methods = publicMembers.filter((m: Node) => m.type === 'ClassMethod');
  return [
    `## \`${name}\` (class)${base}`,
    '',
    inline(doc.text),
    ...(ctor
      ? [
          '',
          '### Constructor',
          '',
          '```ts',
          `new ${name}${signature(ctor).replace(/^constructor/, '')}`,
          '```',
        ]
      : []),
    ...(properties.length
      ? [
          '',
          '### Properties',
          '',
          '| member | type | description |',
          '| --- | --- | --- |',
          ...properties.map(
            (p: Node) =>
              `| \`${p.key.value}\`${p.isOptional ? ' (optional)' : ''} | ${code(typeText(file, p.typeAnnotation))} | ${cell(docOf(file, p).text)} |`,
          ),
        ]
      : []),
    ...(methods.length ? ['', '### Methods'] : []),
    ...methods.flatMap((m: Node) => [
      '',
      `#### \`${m.key.value}\``,
      '',
      '```ts',
      signature(m),
      '```',
      '',
      inline(docOf(file, m).text),
    ]),
  ].join('\n');
};

const renderOther = (file: ParsedFile, name: string, node: Node, exported: Node): string => {
  const doc = docOf(file, exported);
  const text = file.text(node.span.start, node.span.end).trim();
  const kind = node.type === 'TsTypeAliasDeclaration' ? 'type' : 'constant';
  return [`## \`${name}\` (${kind})`, '', inline(doc.text), '', '```ts', text, '```'].join('\n');
};

/** The reference as markdown, formatted as biome formats markdown (so `biome check` agrees). */
export const renderApiDocs = (): string => {
  const sections = exportsOf(ENTRY).map(({ name, file }) => {
    const parsed = parseFile(file);
    const { export: exported, declaration } = declarationOf(parsed, name);
    const source = relative(ROOT, file);
    const body =
      declaration.type === 'TsInterfaceDeclaration'
        ? renderInterface(parsed, name, declaration, exported)
        : declaration.type === 'ClassDeclaration'
          ? renderClass(parsed, name, declaration, exported)
          : renderOther(parsed, name, declaration, exported);
    return { name, text: `${body}\n\nSource: [\`${source}\`](../../${source})` };
  });
  // The construct first, then its props, then the rest as exported.
  const order = (n: string) => ['WebhookPipeline', 'WebhookPipelineProps', 'ConsumerAccess'].indexOf(n);
  sections.sort(
    (x, y) => (order(x.name) < 0 ? 99 : order(x.name)) - (order(y.name) < 0 ? 99 : order(y.name)),
  );
  const markdown = [
    '# `webhook-pipeline/cdk` API reference',
    '',
    '<!-- Generated by `npm run docs:api` from the TSDoc in lib/ (scripts/generate-api-docs.ts). Do not edit: change the comments and run it; `npm test` fails when this file is stale. -->',
    '',
    'The CDK construct that builds the whole pipeline in a stack of your own app, its props and its errors. [docs/deploy.md](../deploy.md) shows it in use; its production checklist says which default answers what.',
    '',
    ...sections.map((s) => `- [\`${s.name}\`](#${s.name.toLowerCase()})`),
    '',
    ...sections.flatMap((s) => [s.text, '']),
  ].join('\n');
  return formatMarkdown(markdown);
};

/** biome's markdown formatting of `text` (it aligns tables), as `npm run format` would leave the file. */
const formatMarkdown = (text: string): string => {
  const result = spawnSync(
    join(ROOT, 'node_modules', '.bin', 'biome'),
    ['format', `--stdin-file-path=${API_DOC}`],
    {
      input: text,
      encoding: 'utf8',
      cwd: ROOT,
    },
  );
  if (result.status !== 0) throw new Error(`biome could not format the API reference: ${result.stderr}`);
  return result.stdout;
};

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('generate-api-docs.ts')) {
  const markdown = renderApiDocs();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(API_DOC, 'utf8');
    } catch {
      current = '';
    }
    if (current !== markdown) {
      console.error(`${relative(ROOT, API_DOC)} is not what the TSDoc in lib/ gives: run npm run docs:api`);
      process.exit(1);
    }
    console.log(`${relative(ROOT, API_DOC)} is up to date`);
  } else {
    mkdirSync(dirname(API_DOC), { recursive: true });
    writeFileSync(API_DOC, markdown);
    console.log(`wrote ${relative(ROOT, API_DOC)}`);
  }
}
