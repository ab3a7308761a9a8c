/**
 * A Markdown table laid out the way the project's formatter (Biome) lays one out, so that a file
 * the bench writes passes `npm run lint` as written: every cell padded to its column's width (at
 * least 3, the width of `---`), the separator row as dashes of that width, pipes in cells escaped.
 */
export const markdownTable = (rows: readonly (readonly string[])[]): string => {
  const cells = rows.map((row) => row.map((cell) => cell.replaceAll('|', '\\|')));
  const columns = Math.max(...cells.map((row) => row.length));
  const width = (cell: string) => [...cell].length;
  const widths = Array.from({ length: columns }, (_, i) =>
    Math.max(3, ...cells.map((row) => width(row[i] ?? ''))),
  );
  const line = (row: readonly string[]) =>
    `| ${widths.map((w, i) => (row[i] ?? '') + ' '.repeat(w - width(row[i] ?? ''))).join(' | ')} |`;
  const [header = [], ...body] = cells;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
};
