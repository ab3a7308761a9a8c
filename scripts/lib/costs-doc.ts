import { billLinesTable, dollars, monthlyTable } from '../../bench/lib/cost-tables.js';
import { markdownTable } from '../../bench/lib/markdown-table.js';
import { type MonthlyBill, monthlyBill } from '../../lib/cost/monthly-bill.js';
import type { PriceTable } from '../../lib/cost/prices.js';
import { FREE_TYPES, PRICED_TYPES } from '../../lib/cost/resource-types.js';
import { synthesizeStack } from '../../lib/cost/synthesize.js';
import type { UsageProfile } from '../../lib/cost/usage-profile.js';
import { STANDARD_VOLUMES, volumeName } from '../../lib/cost/volume.js';

/**
 * docs/costs.md, generated: the monthly bill of the default stack at five volumes, what each
 * setting that costs money adds or saves, the floor and what it counts, the tracing decision with
 * its figures, and every price with its source. `npm run costs` writes it; `npm run bench` too,
 * with the profile it measured.
 */

const IMPORTED = {
  plaidSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:plaid-AbCdEf',
  argyleSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:argyle-GhIjKl',
};
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/0f1e2d3c-aaaa-bbbb-cccc-123456789012';

/** A setting that moves the bill: the context that changes it, and against which stack. */
interface SettingRow {
  readonly setting: string;
  readonly byDefault: string;
  readonly change: Record<string, string>;
  /** The stack it is compared with (the defaults, unless it needs others set, as a key needs secrets). */
  readonly against?: Record<string, string>;
  readonly note: string;
}

const SETTINGS: readonly SettingRow[] = [
  {
    setting: 'tracing',
    byDefault: 'false',
    change: { tracing: 'true' },
    note: 'X-Ray on both functions: Lambda traces the first request of each second and 5 % of the rest, so below one webhook a second every invocation is a trace ($5.00 a million)',
  },
  {
    setting: 'dashboard',
    byDefault: 'false',
    change: { dashboard: 'true' },
    note: "the dashboard ($3.00; an account's first three are free), and the router's counts of plain publishes it reads (an EMF line per batch, two metrics)",
  },
  {
    setting: 'secretsKmsKeyArn',
    byDefault: 'none (aws/secretsmanager)',
    change: { secretsKmsKeyArn: KEY },
    against: IMPORTED,
    note: 'a customer managed key of the imported secrets: $1.00 a month, and a decrypt at each read of a secret',
  },
  {
    setting: 'logRetentionDays',
    byDefault: '30',
    change: { logRetentionDays: '365' },
    note: 'the functions’ and the access log’s storage, at $0.03 a GB-month (one year: what Control Tower asks)',
  },
  {
    setting: 'logRetentionDays',
    byDefault: '30',
    change: { logRetentionDays: '7' },
    note: 'a week of logs',
  },
  {
    setting: 'archiveRetentionDays',
    byDefault: '90',
    change: { archiveRetentionDays: '0' },
    note: 'an archive that never expires, priced in its twelfth month (it grows every month after)',
  },
  {
    setting: 'archiveRetentionDays',
    byDefault: '90',
    change: { archiveRetentionDays: '30' },
    note: 'a month of replay from the archive',
  },
  {
    setting: 'retentionDays',
    byDefault: '30',
    change: { retentionDays: '90' },
    note: 'records in the table (and its point-in-time recovery): the replay window from the table',
  },
  {
    setting: 'retentionDays',
    byDefault: '30',
    change: { retentionDays: '7' },
    note: 'a week of records',
  },
  {
    setting: 'dedupeWindowSeconds',
    byDefault: '600',
    change: { dedupeWindowSeconds: '86400' },
    note: 'no resource and no request: a duplicate inside the window costs a failed conditional put and an update (two write units); one outside it is a new webhook, with its event',
  },
  {
    setting: 'routerMaxBatchingWindowSeconds',
    byDefault: '0',
    change: { routerMaxBatchingWindowSeconds: '1' },
    note: 'the router waits up to a second to fill its batches: fewer invocations and deletes once each poller gets more than one webhook a cycle; a second more of latency',
  },
  {
    setting: 'alarmEmail',
    byDefault: 'none',
    change: { alarmEmail: 'ops@example.com' },
    note: 'an SNS topic and an email subscription: nothing at steady state (a publish and an email at each change of an alarm’s state)',
  },
];

const sign = (usd: number) =>
  usd >= 0.005 ? `+${dollars(usd)}` : usd <= -0.005 ? `−${dollars(-usd)}` : '$0.00';

/** The settings table: what each setting adds to the default stack's bill at 1M and at 100M. */
const settingsTable = (bill: (settings: Record<string, string>, volume: number) => MonthlyBill): string =>
  markdownTable([
    ['setting', 'default', 'set to', 'at 1M a month', 'at 100M a month', 'what it changes'],
    ...SETTINGS.map((row) => {
      const against = row.against ?? {};
      const diff = (volume: number) =>
        bill({ ...against, ...row.change }, volume).totalUsd - bill(against, volume).totalUsd;
      return [
        `\`${row.setting}\``,
        row.byDefault,
        Object.values(row.change)[0]?.startsWith('arn:') ? 'a key ARN' : (Object.values(row.change)[0] ?? ''),
        sign(diff(1_000_000)),
        sign(diff(100_000_000)),
        row.note,
      ];
    }),
  ]);

/** Every price with its source and the date it carries. */
const pricesTable = (prices: PriceTable): string =>
  markdownTable([
    ['price', 'USD', 'detail', 'source'],
    ...Object.entries(prices.prices).map(([name, p]) => [
      `\`${name}\``,
      p.tiers
        ? p.tiers
            .map((t) => `${t.usd}${t.upTo ? ` to ${t.upTo.toLocaleString('en-US')}` : ' after'}`)
            .join(', ')
        : String(p.usd),
      p.detail ?? '',
      p.source,
    ]),
    ...Object.entries(prices.alternatives).map(([name, alt]) => [
      `\`alternatives.${name}\``,
      `${alt.planUsdPerMonth} a month (${alt.plan}, ${alt.includedPerMonth.toLocaleString('en-US')} included), ${alt.usdPerMillionBeyond} a million beyond`,
      alt.detail ?? '',
      alt.source,
    ]),
  ]);

const assumptionsTable = (prices: PriceTable): string =>
  markdownTable([
    ['assumption', 'value', 'why'],
    ...Object.entries(prices.assumptions).map(([name, value]) => [
      `\`${name}\``,
      String(value),
      prices.assumptionNotes?.[name] ?? '',
    ]),
  ]);

/** docs/costs.md for a measured profile and a price list. */
export const costsDoc = (profile: UsageProfile, prices: PriceTable): string => {
  const templates = new Map<string, unknown>();
  const templateOf = (settings: Record<string, string>) => {
    const key = JSON.stringify(Object.entries(settings).sort());
    if (!templates.has(key)) templates.set(key, synthesizeStack(settings).template);
    return templates.get(key);
  };
  const bill = (settings: Record<string, string>, webhooksPerMonth: number) =>
    monthlyBill({ template: templateOf(settings), profile, prices, webhooksPerMonth });
  const defaults = STANDARD_VOLUMES.map((volume) => bill({}, volume));
  const traced = STANDARD_VOLUMES.map((volume) => bill({ tracing: 'true' }, volume));
  const at1M = bill({}, 1_000_000);
  const xrayRow = markdownTable([
    [
      'webhooks a month',
      'webhooks a second',
      'traces of ingest',
      'traces of the router',
      'X-Ray a month',
      'the rest of the bill',
    ],
    ...traced.map((t, i) => {
      const xray = t.lines.filter((l) => l.line.startsWith('X-Ray'));
      const traces = (name: string) => xray.find((l) => l.line.endsWith(name))?.quantity.split(' (')[0] ?? '';
      return [
        volumeName(t.webhooksPerMonth),
        String(t.ratePerSecond),
        traces('webhook-ingest'),
        traces('webhook-router'),
        dollars(xray.reduce((sum, l) => sum + l.usd, 0)),
        dollars(defaults[i]?.totalUsd ?? 0),
      ];
    }),
  ]);

  return `# What the stack costs a month

Generated by \`npm run costs\` (and by \`npm run bench\`, which measures the profile it uses) from
the template \`cdk synth\` makes with the default settings, the usage profile of the last bench run
(${profile.measured}: what a webhook costs in CPU, bytes and log lines, measured on every catalogue
sample through the real handlers) and the us-east-1 list prices of \`bench/prices.json\` (read
${prices.read}; free tiers not counted). For your own settings and volume:

\`\`\`sh
npx webhook-pipeline cost --per-month 1M                    # the bill, line by line, beside the floor
npx webhook-pipeline cost --per-month 1M -c tracing=true -c logRetentionDays=365 --json
\`\`\`

## The bill at five volumes

${monthlyTable(defaults)}

Hookdeck and Svix at the same volumes include their plan fees: Hookdeck's ${prices.alternatives.hookdeck.plan} plan at
$${prices.alternatives.hookdeck.planUsdPerMonth} a month with ${prices.alternatives.hookdeck.includedPerMonth.toLocaleString('en-US')} events, then $${prices.alternatives.hookdeck.usdPerMillionBeyond} a million (it quotes
"as low as $3.30 a million" at a volume it does not publish, and expects an Enterprise deal well
before 1B); Svix's ${prices.alternatives.svix.plan} plan at $${prices.alternatives.svix.planUsdPerMonth} a month with ${prices.alternatives.svix.includedPerMonth.toLocaleString('en-US')} messages, then $${prices.alternatives.svix.usdPerMillionBeyond} a
million. Both sell a dashboard, alerting and a CLI with it; neither verifies Plaid.

## What each setting costs

Beside each setting that moves the bill, what it adds to the default stack (or saves) at 1M and at
100M webhooks a month (\`-c key=value\` of \`cdk deploy\`, lib/stack-settings.ts). Settings not
listed (throttling, body size, reserved concurrency, custom domain, consumer accounts, log level)
change no line of the bill.

${settingsTable(bill)}

The alarms are always there:

${at1M.lines
  .filter((l) => l.line.startsWith('CloudWatch alarms'))
  .map((l) => `- ${l.line.replace('CloudWatch alarms: ', '')}: ${dollars(l.usd)} a month`)
  .join('\n')}

Each alarm added costs $0.10 as a standard alarm on one metric, $0.30 at a period under a minute,
$0.10 a metric for metric math, $0.30 for an anomaly band, and a Metrics Insights query alarm at
least $0.10 (its price was not found; it is counted as $0.10 for each metric it analyses, at least
one).

## The floor

The floor at a volume is what no deployment of this shape can avoid: the same HTTP API, functions,
queue, table and bus, at the same settings (retention, batch size, archive), with code that does
nothing but the work. It counts:

- **Per webhook**: one HTTP API request, one invocation of each function at the floor's CPU (the
  bench's baselines) with the same assumed I/O wait, one conditional \`PutItem\` of one write unit,
  one \`SendMessage\`, the event source's receives, deletes and invocations at the same batches, one
  \`PutEvents\` entry and the archive; no read, no log line, no custom metric, no trace.
- **An access log line of a request id and a status** (about 75 bytes with its metadata). The
  stage must have an access log (Control Tower's CT.APIGATEWAY.PR.4 and cdk-nag's AwsSolutions-APIG1
  fail the synth without one), and it is the only record of what API Gateway answers itself: a
  throttled request, an unknown route, a failed integration.
- **Two Secrets Manager secrets** ($0.80) and their reads: somewhere to keep the two providers'
  secrets. Parameter Store's standard parameters would keep them for nothing; the design
  (/work/shared/design.md, section 3) keeps them in Secrets Manager, so the floor does too.
- **One standard alarm** ($0.10): a webhook could not be delivered (the dead-letter queue is not
  empty, an AWS metric, so no custom metric with it).
- **The SQS event source's idle long polls**: any Lambda consuming a queue polls it.
- **The records and the archive kept for their retention**, with point-in-time recovery: the
  records are the replay source and the only copy of quarantined and failed webhooks, and cdk-nag
  (AwsSolutions-DDB3) and Control Tower (CT.DYNAMODB.PR.1) ask for recovery on the table.

Not in the floor: what the code chooses (reads, log lines, metrics, extra alarms, the dashboard,
traces, a customer managed key) and the CPU beyond the floor's.

## Tracing: off, one setting turns it on

Lambda traces the first request of each second and 5 % of the others, and a function cannot change
that rate ("You can't configure the X-Ray sampling rate for your functions", Lambda guide,
services-xray; X-Ray's sampling rules apply to API Gateway, AppSync and Step Functions, not Lambda,
X-Ray guide, xray-console-sampling). An HTTP API cannot trace (X-Ray tracing is a REST API feature),
so ingest is the root of every trace, and an SQS-triggered router records its own. Below about one
webhook a second, where most of the platform teams we serve are, nearly every webhook is two traces:

${xrayRow}

At 1M a month traces would cost more than the rest of the bill together, and the floor does not need
them: the functions' logs carry every refusal and error with its request id, and the alarms watch
AWS metrics and the counts. So tracing is off, and \`-c tracing=true\` turns it on for both
functions (with their X-Ray permissions); \`webhook-pipeline cost\` prices it at your volume. A
sampling of our own would need a tracer in the bundles (the X-Ray SDK or OpenTelemetry, with their
cold start) and still could not lower what Lambda itself records when tracing is active.

## The default stack at 1M webhooks a month, line by line

${billLinesTable(at1M)}

## How the lines are counted

- **Batches.** With no batching window, Lambda invokes the router as soon as a receive returns
  messages, and its five pollers share the traffic: a batch holds what reached one poller during one
  cycle (a receive and an invocation, about 40 ms), so the router runs once per webhook below about
  125 webhooks a second. Receives, deletes and the router's invocations are counted at that rate;
  \`routerMaxBatchingWindowSeconds\` fills batches at high volumes.
- **Custom metrics** are billed for the hours in which they have data: a count of webhooks has data
  every hour above a few webhooks an hour; \`ColdStart\` is counted in every hour (instances are
  replaced every few hours even under steady traffic). Exception counts (quarantined, refused,
  failed) cost only in the hours they happen: $${((prices.prices.cloudWatchCustomMetricPerMonth?.usd ?? 0) / (prices.assumptions.hoursPerMonth ?? 730)).toFixed(5)} a metric-hour.
- **Storage at steady state**: records until TTL deletes them (their retention and two days), the
  archive for its retention, each log group for its retention; what never expires is priced in its
  twelfth month.
- **Not counted**: free tiers; X-Ray reads; data transfer out (the answers to the providers, about
  100 bytes each: $0.01 a month at 1M); the CloudWatch API calls of a console or dashboard being
  looked at; replays, requeues and other operations (\`replay --dry-run\` prices a replay).

Every resource type of the template is priced by type and properties
(\`lib/cost/resource-types.ts\`); a type the model does not know fails the bill and a test, so
nothing new reaches it unpriced. Types with a line in the bill:

${markdownTable([['type', 'priced as'], ...Object.entries(PRICED_TYPES).map(([type, how]) => [`\`${type}\``, how])])}

Types priced at zero, and why:

${markdownTable([['type', 'why it costs nothing'], ...Object.entries(FREE_TYPES).map(([type, why]) => [`\`${type}\``, why])])}

## Prices and assumptions

${pricesTable(prices)}

What the bench cannot measure, and what each assumption stands for:

${assumptionsTable(prices)}
`;
};
