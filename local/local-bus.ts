import { randomUUID } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { answerArchiveRequest, createLocalArchive } from './archive-replay.js';
import type { BusEvent } from './bus-event.js';
import { type BusRulesApi, createBusRulesApi } from './bus-rules-api.js';
import { MAX_PUT_EVENTS_REQUEST_BYTES, refuseEntry, refuseRequest } from './eventbridge-limits.js';
import { readBody } from './http-util.js';

export type { BusEvent } from './bus-event.js';

/** Options of {@link startLocalBus}. */
export interface LocalBusOptions {
  /** The ndjson file every accepted event is appended to, one line each. */
  readonly eventsLog: string;
  readonly port?: number;
  readonly host?: string;
  readonly region?: string;
  /** Called after an event is written, with its exact line (no newline) as a rule target receives it. */
  readonly onEvent?: (event: BusEvent, line: string) => void;
  /**
   * Fault injection for tests: entries whose Detail contains this text are refused with
   * `InternalFailure`, as EventBridge refuses single entries inside a successful call.
   */
  readonly rejectDetailContaining?: string;
  /**
   * The bus's rules (PutRule, PutTargets, …) and delivery of matching events to their SQS targets;
   * without it the bus keeps rules (for replays' FilterArns) but delivers to no queue.
   */
  readonly rules?: BusRulesApi;
}

/** A running local bus. */
export interface LocalBus {
  /** The endpoint to give the EventBridge client (`EVENTBRIDGE_ENDPOINT`). */
  readonly endpoint: string;
  readonly server: Server;
  close(): Promise<void>;
}

interface WireEntry {
  Source?: unknown;
  DetailType?: unknown;
  Detail?: unknown;
  Time?: unknown;
  Resources?: unknown;
  EventBusName?: unknown;
}

const toIsoTime = (time: unknown): string => {
  // The SDK's JSON 1.1 protocol sends Time as epoch seconds.
  if (typeof time === 'number') return new Date(time * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (typeof time === 'string' && !Number.isNaN(Date.parse(time)))
    return new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
};

/**
 * The event's JSON line with `detail` spliced in as the text PutEvents received, never parsed and
 * stringified again, so numbers above 2^53 and every other byte reach the target as they were put.
 * Line breaks in a valid JSON text can only be whitespace between tokens, so they become spaces to
 * keep one event per line.
 */
export const eventLine = (event: BusEvent, detail: string): string => {
  const envelope = JSON.stringify({ ...event, detail: undefined });
  return `${envelope.slice(0, -1)},"detail":${detail.trim().replace(/[\r\n]+/g, ' ')}}`;
};

/**
 * A stand-in for an EventBridge bus that speaks the `PutEvents` wire protocol (JSON 1.1, target
 * `AWSEvents.PutEvents`), so the router uses the real `@aws-sdk/client-eventbridge` client. No
 * emulator exists for EventBridge in the registries this project uses; this is the few dozen
 * lines it takes. Events are appended in the envelope a rule target receives.
 */
export const startLocalBus = async ({
  eventsLog,
  port = 0,
  host = '127.0.0.1',
  region = 'us-east-1',
  onEvent,
  rejectDetailContaining,
  rules = createBusRulesApi({}),
}: LocalBusOptions): Promise<LocalBus> => {
  await mkdir(dirname(eventsLog), { recursive: true });
  // Appends are chained so concurrent calls never interleave partial lines.
  let writing: Promise<void> = Promise.resolve();
  // The archive (StartReplay and friends, for `replay --archive`) replays the events log into itself.
  const archive = createLocalArchive({
    eventsLog,
    busName: 'webhook-pipeline-local',
    region,
    append: (text) => {
      writing = writing.catch(() => undefined).then(() => appendFile(eventsLog, text));
      return writing;
    },
    rules,
  });
  const server = createServer(async (req, res) => {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(body));
    };
    if (await answerArchiveRequest(archive, req, answer)) return;
    if (req.method === 'POST' && rules.handles(req.headers['x-amz-target'] as string | undefined)) {
      await rules.answer(req, res);
      return;
    }
    if (req.method !== 'POST' || req.headers['x-amz-target'] !== 'AWSEvents.PutEvents') {
      answer(400, { __type: 'UnknownOperationException', message: 'the local bus only answers PutEvents' });
      return;
    }
    let entries: WireEntry[];
    try {
      const body = JSON.parse((await readBody(req, MAX_PUT_EVENTS_REQUEST_BYTES)).toString('utf8')) as {
        Entries?: WireEntry[];
      };
      entries = Array.isArray(body.Entries) ? body.Entries : [];
    } catch {
      answer(400, { __type: 'ValidationException', message: 'body is not a PutEvents request' });
      return;
    }
    // EventBridge's own limits (entry count and size): what AWS refuses is refused here too.
    const refusedRequest = refuseRequest(entries);
    if (refusedRequest) {
      answer(400, refusedRequest);
      return;
    }
    if (entries.length === 0 || entries.length > 10) {
      answer(400, { __type: 'ValidationException', message: 'PutEvents takes 1 to 10 entries' });
      return;
    }
    const results: Record<string, string>[] = [];
    const lines: string[] = [];
    const accepted: BusEvent[] = [];
    for (const entry of entries) {
      const refusedEntry = refuseEntry(entry);
      if (refusedEntry) {
        results.push({ ...refusedEntry });
        continue;
      }
      let detail: unknown;
      try {
        detail = typeof entry.Detail === 'string' ? JSON.parse(entry.Detail) : undefined;
      } catch {
        detail = undefined;
      }
      if (
        typeof entry.Source !== 'string' ||
        typeof entry.DetailType !== 'string' ||
        detail === null ||
        typeof detail !== 'object'
      ) {
        results.push({
          ErrorCode: 'MalformedDetail',
          ErrorMessage: 'Source, DetailType and a JSON object Detail are required',
        });
        continue;
      }
      if (rejectDetailContaining && String(entry.Detail).includes(rejectDetailContaining)) {
        results.push({
          ErrorCode: 'InternalFailure',
          ErrorMessage: 'rejected by the local bus fault injection',
        });
        continue;
      }
      const event: BusEvent = {
        version: '0',
        id: randomUUID(),
        'detail-type': entry.DetailType,
        source: entry.Source,
        account: '000000000000',
        time: toIsoTime(entry.Time),
        region,
        resources: Array.isArray(entry.Resources) ? entry.Resources.map(String) : [],
        detail,
      };
      results.push({ EventId: event.id });
      lines.push(`${eventLine(event, entry.Detail as string)}\n`);
      accepted.push(event);
    }
    try {
      if (lines.length) {
        writing = writing.catch(() => undefined).then(() => appendFile(eventsLog, lines.join('')));
        await writing;
      }
    } catch (error) {
      answer(500, {
        __type: 'InternalException',
        message: `could not write the events log: ${(error as Error).message}`,
      });
      return;
    }
    accepted.forEach((event, i) => {
      onEvent?.(event, (lines[i] as string).slice(0, -1));
      void rules.deliver(event, (lines[i] as string).slice(0, -1));
    });
    answer(200, { FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    endpoint: `http://${host}:${(server.address() as AddressInfo).port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
