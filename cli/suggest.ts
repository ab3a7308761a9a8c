/**
 * Edit distance between two words (optimal string alignment: insertions, deletions, substitutions
 * and swaps of two neighbours each cost 1), ignoring case: a one-letter typo is 1 away.
 */
export const editDistance = (a: string, b: string): number => {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  // rows[i][j]: distance between the first i characters of s and the first j of t.
  const rows: number[][] = Array.from({ length: s.length + 1 }, (_, i) =>
    Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= s.length; i += 1) {
    const row = rows[i] as number[];
    const above = rows[i - 1] as number[];
    for (let j = 1; j <= t.length; j += 1) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(
        (above[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (above[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1])
        best = Math.min(best, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      row[j] = best;
    }
  }
  return (rows[s.length] as number[])[t.length] as number;
};

/** How far a name may be from what was typed and still be suggested: a few letters, more for long names. */
const closeEnough = (typed: string, distance: number): boolean =>
  distance > 0 && distance <= Math.max(2, Math.floor(typed.length / 4));

/**
 * The candidates nearest to what was typed (closest first, at most `most`), for a "did you mean"
 * line. `distanceTo` measures a candidate when the typed word is compared with part of it.
 */
export const nearest = <T extends string>(
  typed: string,
  candidates: readonly T[],
  { most = 3, distanceTo = (candidate: T) => editDistance(typed, candidate) } = {},
): T[] =>
  candidates
    .map((candidate) => ({ candidate, distance: distanceTo(candidate) }))
    .filter(({ distance }) => closeEnough(typed, distance))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, most)
    .map(({ candidate }) => candidate);
