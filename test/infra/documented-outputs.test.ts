import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STACK_OUTPUT_KEYS } from '../../cli/ops/target.js';
import { devProps, productionProps, synthStack } from './synth.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const DOCS = [
  'README.md',
  'CONTRIBUTING.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** A name in backticks that reads like a stack output (`PlaidWebhookUrl`, `SchemaRegistryNames`). */
const OUTPUT_LIKE = /`([A-Z][a-z][A-Za-z0-9]*(?:Url|Arn|Name|Names|Target))`/g;

/**
 * The stack outputs a doc names: output-like names in a paragraph, list or table row that speaks of
 * outputs, and the first column of the table under a heading "Outputs".
 */
export const outputsNamedIn = (file: string, markdown: string): { name: string; where: string }[] => {
  const named: { name: string; where: string }[] = [];
  let underOutputsHeading = false;
  let line = 1;
  for (const [i, block] of markdown.split(/(\n\s*\n)/).entries()) {
    // Odd pieces are the blank lines between blocks.
    if (i % 2 === 1) {
      line += block.split('\n').length - 1;
      continue;
    }
    const heading = /^#+\s+(.*)$/m.exec(block);
    if (heading) underOutputsHeading = /^outputs?$/i.test(heading[1]?.trim() ?? '');
    const rows = underOutputsHeading
      ? block
          .split('\n')
          .filter((r) => r.startsWith('|'))
          .map((r) => r.split('|')[1] ?? '')
      : [];
    const texts = /\boutputs?\b/i.test(block) ? [block] : [];
    for (const text of texts)
      for (const m of text.matchAll(OUTPUT_LIKE))
        named.push({ name: m[1] ?? '', where: `${file} (near line ${line})` });
    // The Outputs table names nothing else: every name of its first column counts.
    for (const row of rows)
      for (const m of row.matchAll(/`([A-Z][A-Za-z0-9]+)`/g))
        if (!named.some((n) => n.name === m[1] && n.where.endsWith(`line ${line})`)))
          named.push({ name: m[1] ?? '', where: `${file} (near line ${line})` });
    line += block.split('\n').length - 1;
  }
  return named;
};

/** The outputs of the template in each shape: defaults, and with every optional part switched on. */
const templateOutputs = (): Set<string> =>
  new Set(
    [{ stage: 'dev' }, devProps, productionProps].flatMap((props) =>
      Object.keys(
        (synthStack(props).template.toJSON() as { Outputs?: Record<string, unknown> }).Outputs ?? {},
      ),
    ),
  );

describe('the stack outputs the docs name', () => {
  const outputs = templateOutputs();
  const named = DOCS.flatMap((file) => outputsNamedIn(file, readFileSync(join(ROOT, file), 'utf8')));

  it('are outputs of the synthesized template', () => {
    expect(named.length).toBeGreaterThan(15);
    expect(named.filter((n) => !outputs.has(n.name)).map((n) => `${n.where}: ${n.name}`)).toEqual([]);
  });

  it("are all in docs/deploy.md's Outputs table, and the CLI reads only outputs the template has", () => {
    const table = new Set(
      outputsNamedIn('docs/deploy.md', readFileSync(join(ROOT, 'docs/deploy.md'), 'utf8')).map((n) => n.name),
    );
    expect([...outputs].filter((o) => !table.has(o))).toEqual([]);
    expect(Object.values(STACK_OUTPUT_KEYS).filter((k) => !outputs.has(k))).toEqual([]);
  });

  it('a name the template does not have is found in a doc', () => {
    const planted = outputsNamedIn(
      'copy.md',
      'Consumers read the schemas of the `SchemaRegistryName` stack output.\n\n## Outputs\n\n| output | what |\n| --- | --- |\n| `QueueURL` | the queue |\n',
    ).map((n) => n.name);
    expect(planted.filter((n) => !outputs.has(n))).toEqual(['SchemaRegistryName', 'QueueURL']);
  });
});
