import { readFileSync } from 'node:fs';
import { UsageError } from './cli-error.js';
import { DEV_HELP, dev } from './commands/dev.js';
import { EVENTS_HELP, events } from './commands/events.js';
import { FIRE_HELP, fire } from './commands/fire.js';
import { RECONCILE_HELP, reconcile } from './commands/reconcile.js';
import { REDRIVE_DLQ_HELP, redriveDlq } from './commands/redrive-dlq.js';
import { REGISTER_HELP, register } from './commands/register.js';
import { REPLAY_HELP, replay } from './commands/replay.js';
import { REQUEUE_HELP, REQUEUE_QUARANTINED_HELP, requeue, requeueQuarantined } from './commands/requeue.js';
import { SEND_HELP, send } from './commands/send.js';
import { UNREGISTER_HELP, unregister } from './commands/unregister.js';

const HELP = `webhook-pipeline: verified Plaid and Argyle webhooks into AWS, typed events out.

Usage: webhook-pipeline <command> [options]

Commands:
  dev                       Run the whole pipeline locally (emulators, no AWS account)
  fire <provider> <name>    Send a signed sample of a catalogue webhook to the local pipeline
  send <provider> --file f  Sign a payload file's bytes unchanged and POST them
  events tail               Print the events the local bus received (--pattern: only those it matches)
  events test-pattern       Does an EventBridge event pattern match an event? (true / false)
  help [command]            Help for a command

Operations (local pipeline with --local, deployed stack with --stack <name>):
  register plaid            Point Plaid Items at a webhook URL (/item/webhook/update), --wait for acks
  register argyle           Create the Argyle webhook subscriptions for a URL (idempotent)
  unregister argyle         Delete the Argyle subscriptions created for a URL
  reconcile plaid           Find Plaid webhooks never received (/item/get last_webhook); --recover
  fire plaid --sandbox      Have Plaid's sandbox fire a webhook (/sandbox/item/fire_webhook)
  replay                    Publish stored webhooks again, filtered (provider, type glob, time, status,
                            Item), with a cost estimate (--dry-run), a rate and a resumable cursor;
                            --archive: replay the bus archive to consumer rules
  redrive-dlq               Move the dead-letter queue's messages back to the queue
  requeue                   Bring failed webhooks back (--status quarantined: quarantined ones)
  requeue-quarantined       Re-validate quarantined webhooks; enqueue those that now pass

Run 'webhook-pipeline <command> --help' for a command's options.`;

const COMMANDS = {
  dev,
  fire,
  send,
  events,
  register,
  unregister,
  reconcile,
  replay,
  'redrive-dlq': redriveDlq,
  requeue,
  'requeue-quarantined': requeueQuarantined,
} as const;
const HELPS: Record<string, string> = {
  dev: DEV_HELP,
  fire: FIRE_HELP,
  send: SEND_HELP,
  events: EVENTS_HELP,
  register: REGISTER_HELP,
  unregister: UNREGISTER_HELP,
  reconcile: RECONCILE_HELP,
  replay: REPLAY_HELP,
  'redrive-dlq': REDRIVE_DLQ_HELP,
  requeue: REQUEUE_HELP,
  'requeue-quarantined': REQUEUE_QUARANTINED_HELP,
};

const version = (): string =>
  (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;

/** Runs the CLI; returns the exit status (0 ok, 1 failed, 2 usage error). */
export const main = async (
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  out: (line: string) => void = (line) => console.log(line),
  err: (line: string) => void = (line) => console.error(line),
): Promise<number> => {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') {
    out(HELP);
    return command ? 0 : 2;
  }
  if (command === '--version' || command === '-v') {
    out(version());
    return 0;
  }
  if (command === 'help') {
    out((rest[0] && HELPS[rest[0]]) || HELP);
    return 0;
  }
  if (!Object.hasOwn(COMMANDS, command)) {
    err(`webhook-pipeline: unknown command "${command}"\n\n${HELP}`);
    return 2;
  }
  try {
    return await COMMANDS[command as keyof typeof COMMANDS](rest, env, out);
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (error instanceof UsageError || code.startsWith('ERR_PARSE_ARGS')) {
      err(
        `webhook-pipeline ${command}: ${(error as Error).message}\nRun 'webhook-pipeline ${command} --help' for usage.`,
      );
      return 2;
    }
    err(`webhook-pipeline ${command}: ${(error as Error).message}`);
    return 1;
  }
};
