import type { ProviderName } from '@webhook-pipeline/events/sources';
import type {
  OperationsRecord,
  RecordStatus,
  ScanFilter,
} from '../../lambdas/shared/adapters/operations-store.js';
import { UsageError } from '../cli-error.js';

/** The statuses `--status` takes; `published` means stored and neither quarantined nor failed. */
export const REPLAY_STATUSES = ['published', 'quarantined', 'failed'] as const;
export type ReplayStatus = (typeof REPLAY_STATUSES)[number];

/**
 * The happy path no longer writes `published` (docs/storage-layout.md): a record still `received`
 * was accepted and handed to the router, so both count as published for a replay.
 */
const STORED_STATUSES: Record<ReplayStatus, readonly RecordStatus[]> = {
  published: ['received', 'publishing', 'published'],
  quarantined: ['quarantined'],
  failed: ['failed'],
};

/** What a replay selects. */
export interface ReplayFilter {
  readonly providers: readonly ProviderName[];
  /** Detail-type globs (`*` matches any run of characters); empty: every type. */
  readonly types: readonly string[];
  readonly from: string;
  readonly to: string;
  readonly status: ReplayStatus;
  /** A Plaid Item id (or account id), or an Argyle account, item or user id, in the body. */
  readonly item?: string;
}

const DETAIL_TYPE_TEXT = /^[\w.*-]{1,128}$/;

/** Checks the `--type` globs. */
export const parseTypeGlobs = (values: readonly string[]): string[] => {
  for (const value of values) {
    if (!DETAIL_TYPE_TEXT.test(value) || /^\*+$/.test(value)) {
      throw new UsageError(
        `--type "${value}" is not a detail-type or glob (letters, digits, "." "_" "-" and "*", e.g. 'TRANSACTIONS.*')`,
      );
    }
  }
  return [...new Set(values)];
};

/** Parses `--status`. */
export const parseReplayStatus = (value: string | undefined): ReplayStatus => {
  if (value === undefined) return 'published';
  if ((REPLAY_STATUSES as readonly string[]).includes(value)) return value as ReplayStatus;
  throw new UsageError(`--status must be one of ${REPLAY_STATUSES.join(', ')}; got "${value}"`);
};

const globRegex = (glob: string): RegExp =>
  new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);

/** True when the body names the Item: Plaid `item_id`/`account_id`, Argyle `data.account`/`item`/`user`. */
export const bodyNamesItem = (provider: string, rawBody: string | undefined, item: string): boolean => {
  if (rawBody === undefined) return false;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(rawBody) as Record<string, unknown>;
  } catch {
    return false;
  }
  if (provider === 'plaid') return body.item_id === item || body.account_id === item;
  const data = (body.data ?? {}) as Record<string, unknown>;
  return data.account === item || data.item === item || data.user === item;
};

/**
 * The Scan filter (what DynamoDB can drop before answering) and the exact predicate the command
 * applies to what comes back (globs other than a plain prefix, the Item field).
 */
export const compileFilter = (
  filter: ReplayFilter,
): { scan: ScanFilter; matches: (r: OperationsRecord) => boolean } => {
  const [only] = filter.types;
  let detailType: ScanFilter['detailType'];
  if (filter.types.length === 1 && only !== undefined) {
    if (!only.includes('*')) detailType = { exact: only };
    else if (/^[^*]+\*$/.test(only)) detailType = { prefix: only.slice(0, -1) };
  }
  const regexes = filter.types.map(globRegex);
  const scan: ScanFilter = {
    providers: filter.providers,
    from: filter.from,
    to: filter.to,
    statuses: STORED_STATUSES[filter.status],
    ...(detailType ? { detailType } : {}),
    // The id as it appears in JSON narrows the Scan's answer; the field itself is checked after.
    ...(filter.item ? { bodyContains: JSON.stringify(filter.item), withBody: true } : {}),
  };
  const matches = (r: OperationsRecord) =>
    filter.providers.includes(r.provider) &&
    r.receivedAt >= filter.from &&
    r.receivedAt < filter.to &&
    STORED_STATUSES[filter.status].includes(r.status) &&
    (regexes.length === 0 || regexes.some((re) => re.test(r.detailType))) &&
    (filter.item === undefined || bodyNamesItem(r.provider, r.rawBody, filter.item));
  return { scan, matches };
};

/** The event source of a provider's events. */
export const eventSource = (provider: ProviderName): string => `webhooks.${provider}`;

/**
 * The EventBridge event pattern of the same filter, for a replay from the bus archive: source,
 * detail-type (exact, `prefix`, or `wildcard` for other globs), and the Item in `detail.data`.
 * Time is not in the pattern: StartReplay takes it as EventStartTime / EventEndTime.
 */
export const eventPatternOf = (filter: ReplayFilter): Record<string, unknown> => {
  const pattern: Record<string, unknown> = { source: filter.providers.map(eventSource) };
  if (filter.types.length) {
    pattern['detail-type'] = filter.types.map((t) =>
      !t.includes('*') ? t : /^[^*]+\*$/.test(t) ? { prefix: t.slice(0, -1) } : { wildcard: t },
    );
  }
  if (filter.item) {
    const data: Record<string, unknown>[] = [];
    if (filter.providers.includes('plaid'))
      data.push({ item_id: [filter.item] }, { account_id: [filter.item] });
    // An Argyle payload keeps its ids under its own `data`: detail.data.data.account.
    if (filter.providers.includes('argyle'))
      data.push(
        { data: { account: [filter.item] } },
        { data: { item: [filter.item] } },
        { data: { user: [filter.item] } },
      );
    pattern.$or = data.map((d) => ({ detail: { data: d } }));
  }
  return pattern;
};
