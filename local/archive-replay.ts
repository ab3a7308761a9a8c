import { readFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import type { BusRulesApi } from './bus-rules-api.js';
import { readBody } from './http-util.js';

/**
 * The local bus's archive and replays: the EventBridge operations `replay --archive` uses
 * (DescribeEventBus, ListArchives, DescribeArchive, StartReplay, DescribeReplay, ListReplays; the
 * rules are the bus's one registry, bus-rules-api.ts), answered on the JSON 1.1 wire
 * protocol so the real `@aws-sdk/client-eventbridge` client works against it.
 *
 * The archive is the events log the local bus appends to (`EVENTS_LOG`): every event it accepted,
 * without the replayed ones. A replay appends the archived events of [EventStartTime, EventEndTime)
 * to the same log with a top-level `replay-name`, as EventBridge adds it, and delivers each to the
 * targets of the rules it matches: with `Destination.FilterArns` those rules only (and only the
 * events matching one of them are replayed), else every rule of the bus. No emulator in the registries
 * this project uses covers EventBridge archives; these are the few operations the CLI needs.
 */
export interface LocalArchiveOptions {
  readonly eventsLog: string;
  readonly busName: string;
  readonly region: string;
  readonly account?: string;
  /** Appends text to the events log through the bus's own write chain (no interleaved lines). */
  readonly append: (text: string) => Promise<void>;
  /** The bus's rules: FilterArns name them, replayed events are delivered through them. */
  readonly rules: Pick<BusRulesApi, 'hasRule' | 'matches' | 'deliver'>;
}

/** An answer on the wire: HTTP status and JSON body. */
export interface WireAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** The local archive: `handles` says whether an `X-Amz-Target` is one of its operations. */
export interface LocalArchive {
  handles(target: string | undefined): boolean;
  handle(target: string, request: Record<string, unknown>): Promise<WireAnswer>;
  /** Resolves once every replay started so far has finished (tests, shutdown). */
  idle(): Promise<void>;
}

type ReplayState = 'STARTING' | 'RUNNING' | 'COMPLETED' | 'FAILED';

interface Replay {
  ReplayName: string;
  ReplayArn: string;
  Description?: string;
  State: ReplayState;
  StateReason?: string;
  EventSourceArn: string;
  Destination: { Arn: string; FilterArns?: string[] };
  EventStartTime: number;
  EventEndTime: number;
  EventLastReplayedTime?: number;
  ReplayStartTime: number;
  ReplayEndTime?: number;
}

const PREFIX = 'AWSEvents.';
const OPERATIONS = [
  'DescribeEventBus',
  'ListArchives',
  'DescribeArchive',
  'StartReplay',
  'DescribeReplay',
  'ListReplays',
] as const;

const error = (status: number, type: string, message: string): WireAnswer => ({
  status,
  body: { __type: type, message },
});
const seconds = (ms: number) => ms / 1000;
/** JSON 1.1 timestamps arrive as epoch seconds. */
const epochMs = (value: unknown): number | undefined =>
  typeof value === 'number' ? value * 1000 : typeof value === 'string' ? Date.parse(value) : undefined;
const NAME = /^[.\-_A-Za-z0-9]{1,64}$/;

/** Creates the local archive of one bus. */
export const createLocalArchive = (options: LocalArchiveOptions): LocalArchive => {
  const account = options.account ?? '000000000000';
  const arn = (kind: string, name: string) => `arn:aws:events:${options.region}:${account}:${kind}/${name}`;
  const busArn = arn('event-bus', options.busName);
  const archiveName = `${options.busName}-archive`;
  const archiveArn = arn('archive', archiveName);
  const replays = new Map<string, Replay>();
  const running = new Set<Promise<void>>();

  /** The archived events: each line of the log as written (so every byte is replayed) and its time. */
  const readArchive = async (): Promise<{ line: string; at: number }[]> => {
    let text: string;
    try {
      text = await readFile(options.eventsLog, 'utf8');
    } catch {
      return [];
    }
    const events: { line: string; at: number }[] = [];
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        const event = JSON.parse(line) as Record<string, unknown>;
        // Replayed events are not archived again.
        if (event['replay-name'] === undefined) events.push({ line, at: Date.parse(String(event.time)) });
      } catch {
        // A line cut by a crash is not an event.
      }
    }
    return events;
  };

  const run = async (replay: Replay, filters: readonly string[]) => {
    replay.State = 'RUNNING';
    try {
      const events = (await readArchive())
        .filter(({ at }) => at >= replay.EventStartTime && at < replay.EventEndTime)
        .sort((a, b) => a.at - b.at);
      const lines: string[] = [];
      for (const { line, at } of events) {
        // `replay-name` spliced into the line as written: the event is otherwise the archived one.
        const replayed = `${line.trimEnd().slice(0, -1)},"replay-name":${JSON.stringify(replay.ReplayName)}}`;
        if (filters.length && !filters.some((arn) => options.rules.matches(arn, replayed))) continue;
        lines.push(replayed);
        replay.EventLastReplayedTime = at;
      }
      if (lines.length) await options.append(lines.map((l) => `${l}\n`).join(''));
      // Written first, then delivered, as PutEvents does; FilterArns limit the rules delivered to.
      for (const line of lines)
        await options.rules.deliver(
          { id: String((JSON.parse(line) as { id?: unknown }).id) },
          line,
          filters.length ? filters : undefined,
        );
      replay.State = 'COMPLETED';
    } catch (cause) {
      replay.State = 'FAILED';
      replay.StateReason = (cause as Error).message;
    }
    replay.ReplayEndTime = Date.now();
  };

  const view = (r: Replay) => ({
    ...r,
    EventStartTime: seconds(r.EventStartTime),
    EventEndTime: seconds(r.EventEndTime),
    ReplayStartTime: seconds(r.ReplayStartTime),
    ...(r.EventLastReplayedTime !== undefined
      ? { EventLastReplayedTime: seconds(r.EventLastReplayedTime) }
      : {}),
    ...(r.ReplayEndTime !== undefined ? { ReplayEndTime: seconds(r.ReplayEndTime) } : {}),
  });

  const operations: Record<(typeof OPERATIONS)[number], (r: Record<string, unknown>) => Promise<WireAnswer>> =
    {
      async DescribeEventBus(r) {
        const name = r.Name ?? options.busName;
        if (name !== options.busName && name !== busArn)
          return error(400, 'ResourceNotFoundException', `Event bus ${String(name)} does not exist.`);
        return { status: 200, body: { Name: options.busName, Arn: busArn } };
      },
      async ListArchives(r) {
        const summary = {
          ArchiveName: archiveName,
          EventSourceArn: busArn,
          State: 'ENABLED',
          RetentionDays: 0,
        };
        const keep =
          (r.EventSourceArn === undefined || r.EventSourceArn === busArn) &&
          (r.NamePrefix === undefined || archiveName.startsWith(String(r.NamePrefix)));
        return { status: 200, body: { Archives: keep ? [summary] : [] } };
      },
      async DescribeArchive(r) {
        if (r.ArchiveName !== archiveName)
          return error(400, 'ResourceNotFoundException', `Archive ${String(r.ArchiveName)} does not exist.`);
        return {
          status: 200,
          body: {
            ArchiveArn: archiveArn,
            ArchiveName: archiveName,
            EventSourceArn: busArn,
            State: 'ENABLED',
          },
        };
      },
      async StartReplay(r) {
        const name = String(r.ReplayName ?? '');
        if (!NAME.test(name))
          return error(400, 'ValidationException', 'ReplayName must be 1-64 of [.-_A-Za-z0-9]');
        if (replays.has(name))
          return error(400, 'ResourceAlreadyExistsException', `Replay ${name} already exists.`);
        if (r.EventSourceArn !== archiveArn)
          return error(
            400,
            'ResourceNotFoundException',
            `Archive ${String(r.EventSourceArn)} does not exist.`,
          );
        const start = epochMs(r.EventStartTime);
        const end = epochMs(r.EventEndTime);
        if (
          start === undefined ||
          end === undefined ||
          Number.isNaN(start) ||
          Number.isNaN(end) ||
          start >= end
        )
          return error(400, 'ValidationException', 'EventStartTime must be before EventEndTime.');
        if (end > Date.now()) return error(400, 'ValidationException', 'EventEndTime must be in the past.');
        const destination = (r.Destination ?? {}) as { Arn?: unknown; FilterArns?: unknown };
        if (destination.Arn !== busArn)
          return error(400, 'ValidationException', 'Events can be replayed only to the bus of the archive.');
        const filterArns = Array.isArray(destination.FilterArns) ? destination.FilterArns.map(String) : [];
        const unknown = filterArns.find((filterArn) => !options.rules.hasRule(filterArn));
        if (unknown) return error(400, 'ResourceNotFoundException', `Rule ${unknown} does not exist.`);
        const replay: Replay = {
          ReplayName: name,
          ReplayArn: arn('replay', name),
          ...(typeof r.Description === 'string' ? { Description: r.Description } : {}),
          State: 'STARTING',
          EventSourceArn: archiveArn,
          Destination: { Arn: busArn, ...(filterArns.length ? { FilterArns: filterArns } : {}) },
          EventStartTime: start,
          EventEndTime: end,
          ReplayStartTime: Date.now(),
        };
        replays.set(name, replay);
        // Like EventBridge, the call answers at once and the replay runs after it.
        const job = new Promise<void>((resolve) => setImmediate(resolve)).then(() => run(replay, filterArns));
        running.add(job);
        void job.finally(() => running.delete(job));
        return {
          status: 200,
          body: {
            ReplayArn: replay.ReplayArn,
            State: 'STARTING',
            ReplayStartTime: seconds(replay.ReplayStartTime),
          },
        };
      },
      async DescribeReplay(r) {
        const replay = replays.get(String(r.ReplayName));
        if (!replay)
          return error(400, 'ResourceNotFoundException', `Replay ${String(r.ReplayName)} does not exist.`);
        return { status: 200, body: view(replay) };
      },
      async ListReplays(r) {
        const list = [...replays.values()].filter(
          (x) =>
            (r.NamePrefix === undefined || x.ReplayName.startsWith(String(r.NamePrefix))) &&
            (r.State === undefined || x.State === r.State) &&
            (r.EventSourceArn === undefined || x.EventSourceArn === r.EventSourceArn),
        );
        return {
          status: 200,
          body: {
            Replays: list.map((x) => {
              const { Destination: _d, Description: _s, ReplayArn: _a, ...rest } = view(x);
              return rest;
            }),
          },
        };
      },
    };

  return {
    handles: (target) =>
      typeof target === 'string' &&
      target.startsWith(PREFIX) &&
      (OPERATIONS as readonly string[]).includes(target.slice(PREFIX.length)),
    handle: (target, request) =>
      operations[target.slice(PREFIX.length) as (typeof OPERATIONS)[number]](request),
    idle: async () => {
      await Promise.all([...running]);
    },
  };
};

/**
 * Answers a request of the local bus when it is one of the archive's operations; false otherwise
 * (the bus then handles it). `answer` writes the JSON 1.1 reply.
 */
export const answerArchiveRequest = async (
  archive: LocalArchive,
  req: IncomingMessage,
  answer: (status: number, body: unknown) => void,
): Promise<boolean> => {
  const target = req.headers['x-amz-target'];
  if (req.method !== 'POST' || typeof target !== 'string' || !archive.handles(target)) return false;
  let request: Record<string, unknown>;
  try {
    const text = (await readBody(req, 1024 * 1024)).toString('utf8');
    request = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    answer(400, { __type: 'ValidationException', message: 'body is not a JSON request' });
    return true;
  }
  const reply = await archive.handle(target, request);
  answer(reply.status, reply.body);
  return true;
};
