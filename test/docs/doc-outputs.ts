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
