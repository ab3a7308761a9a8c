import type { ReplayFilter } from '../ops/replay-filter.js';

/** `webhook-pipeline replay --archive` (placeholder until the archive replay lands). */
export const replayArchive = async (
  _values: Record<string, unknown>,
  _filter: ReplayFilter,
  _env: NodeJS.ProcessEnv,
  _out: (line: string) => void,
  _started: Date,
): Promise<number> => {
  throw new Error('replay --archive is not available yet');
};
