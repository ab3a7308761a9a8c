import type { ProviderName } from '@webhook-pipeline/events/sources';
import { entriesOf } from '../samples.js';

/** Below this many characters a cut description says too little: it is printed whole. */
const MIN_DESCRIPTION = 20;

/**
 * Fits a description into `width` characters: whole when it fits (or when there is no width, as in
 * a file or a pipe, where nothing should be lost), else cut at the last word boundary with an
 * ellipsis, never mid-word.
 */
export const fitDescription = (text: string, width: number | undefined): string => {
  if (width === undefined || width < MIN_DESCRIPTION || text.length <= width) return text;
  // The character after the room is looked at too: a word that ends exactly there is kept whole.
  const boundary = text.slice(0, width).lastIndexOf(' ');
  const kept = boundary > 0 ? text.slice(0, boundary) : text.slice(0, width - 1);
  return `${kept.replace(/[\s,;:.(-]+$/, '')}…`;
};

/**
 * `fire --list`: one line per catalogue entry, `<provider> <name as fire takes it> <description>`.
 * `columns` is the terminal's width (undefined when stdout is not a terminal).
 */
export const listCatalogue = (
  providers: readonly ProviderName[],
  columns: number | undefined,
  out: (line: string) => void,
): void => {
  for (const provider of providers) {
    for (const { detailType, entry } of entriesOf(provider)) {
      const words = provider === 'plaid' ? detailType.replace('.', ' ') : detailType;
      const name = `${provider.padEnd(7)} ${words.padEnd(58)} `;
      out(
        `${name}${fitDescription(entry.description, columns === undefined ? undefined : columns - name.length)}`,
      );
    }
  }
};
