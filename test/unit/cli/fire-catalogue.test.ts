import { DETAIL_TYPES } from '@webhook-pipeline/events';
import { describe, expect, it } from 'vitest';
import { fitDescription, listCatalogue } from '../../../cli/commands/fire-list.js';
import { findEntry } from '../../../cli/samples.js';
import { editDistance, nearest } from '../../../cli/suggest.js';
import { runCli } from '../../ops/stubs/run-cli.js';

describe('did you mean: the nearest catalogue names', () => {
  it('measures one-letter typos as 1: a missing, extra, changed or swapped letter, in any case', () => {
    expect(editDistance('SYNC_UPDATE_AVAILABLE', 'SYNC_UPDATES_AVAILABLE')).toBe(1);
    expect(editDistance('accounts.conected', 'accounts.connected')).toBe(1);
    expect(editDistance('acounts.connected', 'ACCOUNTS.CONNECTED')).toBe(1);
    expect(editDistance('accounts.connetced', 'accounts.connected')).toBe(1);
    expect(editDistance('ITEM', 'ITEM')).toBe(0);
    expect(nearest('plaif', ['plaid', 'argyle'])).toEqual(['plaid']);
    expect(nearest('stripe', ['plaid', 'argyle'])).toEqual([]);
  });

  it('suggests the catalogue names a one-letter typo is closest to, for Plaid codes and Argyle events', async () => {
    expect(() => findEntry('plaid', ['TRANSACTIONS', 'SYNC_UPDATE_AVAILABLE'])).toThrow(
      'no plaid webhook "TRANSACTIONS.SYNC_UPDATE_AVAILABLE" in the catalogue; did you mean TRANSACTIONS.SYNC_UPDATES_AVAILABLE?',
    );
    expect(() => findEntry('argyle', ['accounts.conected'])).toThrow(
      'no argyle webhook "accounts.conected" in the catalogue; did you mean accounts.connected?',
    );
    // A code under the wrong type still finds its entry.
    expect(() => findEntry('plaid', ['ITEM', 'SYNC_UPDATES_AVAILABLE'])).toThrow(
      /did you mean TRANSACTIONS\.SYNC_UPDATES_AVAILABLE/,
    );
    const fired = await runCli(['fire', 'argyle', 'accounts.conected'], {});
    expect(fired.code).toBe(2);
    expect(fired.stderr).toContain('did you mean accounts.connected?');
    const registered = await runCli(
      ['register', 'argyle', '--url', 'https://h.example/a', '--events', 'accounts.conected'],
      { ARGYLE_ENV: 'sandbox' },
    );
    expect(registered.code).toBe(2);
    expect(registered.stderr).toContain(
      'unknown Argyle event: accounts.conected; did you mean accounts.connected?',
    );
  });
});

describe('fire --list', () => {
  const longest = DETAIL_TYPES.reduce((a, b) =>
    b.entry.description.length > a.entry.description.length ? b : a,
  );

  it('prints every description whole when stdout is not a terminal (a file, a pipe, a test)', async () => {
    const run = await runCli(['fire', '--list'], {});
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines).toHaveLength(DETAIL_TYPES.length);
    expect(longest.entry.description.length).toBeGreaterThan(100);
    for (const { detailType, entry } of DETAIL_TYPES) {
      const words = detailType.replace(/^([A-Z_]+)\./, '$1 ');
      expect(
        lines.some((l) => l.includes(` ${words} `) && l.endsWith(entry.description)),
        detailType,
      ).toBe(true);
    }
  });

  it('on a terminal, cuts a long description at a word boundary with an ellipsis, to the width', () => {
    const lines: string[] = [];
    listCatalogue(['plaid', 'argyle'], 120, (l) => lines.push(l));
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(120);
    const cut = lines.filter((l) => l.endsWith('…'));
    expect(cut.length).toBeGreaterThan(0);
    for (const { provider, detailType, entry } of DETAIL_TYPES) {
      const words = provider === 'plaid' ? detailType.replace('.', ' ') : detailType;
      const prefix = `${provider.padEnd(7)} ${words.padEnd(58)} `;
      const line = lines.find((l) => l.startsWith(prefix)) ?? '';
      const shown = line.slice(prefix.length);
      if (!shown.endsWith('…')) {
        expect(shown, detailType).toBe(entry.description);
        continue;
      }
      const kept = shown.slice(0, -1);
      expect(entry.description.startsWith(kept), line).toBe(true);
      // The cut falls between two words: what follows in the description starts with a space or a mark.
      expect(entry.description.slice(kept.length), line).toMatch(/^[\s,;:.(-]/);
    }
    expect(fitDescription('short enough', 40)).toBe('short enough');
    expect(fitDescription('one two three four five six seven eight nine', 24)).toBe(
      'one two three four five…',
    );
    expect(fitDescription('no width given, as in a file, so nothing is lost', undefined)).toBe(
      'no width given, as in a file, so nothing is lost',
    );
  });
});
