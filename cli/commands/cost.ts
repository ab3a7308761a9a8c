import { Command, Option } from '@commander-js/extra-typings';
import { type BillLine, LineKind, type MonthlyBill, monthlyBill } from '../../lib/cost/monthly-bill.js';
import { loadPriceTable } from '../../lib/cost/prices.js';
import { synthesizeStack } from '../../lib/cost/synthesize.js';
import { LATEST_RESULTS_FILE, loadUsageProfile } from '../../lib/cost/usage-profile.js';
import { SettingsError } from '../../lib/stack-settings.js';
import { actionOf, type CliContext } from '../cli-context.js';
import { UsageError } from '../cli-error.js';
import { addClosingHelp } from '../options/help-sections.js';
import { volumeArg } from '../options/parsers.js';
import { contextOption, type OptionsOf } from '../options/shared-options.js';

const DESCRIPTION = `Prints the monthly bill of the stack you would deploy, at your volume: the template is
synthesized here with cdk.json's context and your -c settings (as cdk synth would, offline), and
every resource it creates and every call a webhook makes is priced at the us-east-1 list prices of
bench/prices.json (free tiers not counted): API Gateway, both functions' requests, duration and
log lines, DynamoDB writes, reads, storage and point-in-time recovery, SQS sends, receives,
deletes and idle polls, EventBridge events and archive, the access log, custom metrics, alarms by
kind, dashboards, secrets and their calls, KMS keys and decrypts, X-Ray traces with their real
sampling. What one webhook costs in CPU, bytes and log lines is the last bench run's
(bench/results/latest.json). Beside each line, the floor: what no deployment of this shape can
avoid at that volume (docs/costs.md says what it counts and why).`;

/** The command's options, declared once: commander parses, checks and documents them. */
const defineCost = () =>
  addClosingHelp(
    new Command('cost')
      .summary('The monthly bill of the stack at a volume, line by line, beside the floor')
      .description(DESCRIPTION)
      .addOption(
        new Option('--per-month <webhooks>', 'Webhooks a month: 250000, 250k, 1M, 2.5M, 1B')
          .argParser(volumeArg('--per-month'))
          .makeOptionMandatory(),
      )
      .addOption(contextOption())
      .option('--json', 'Print the bill as JSON (every line, the totals, the floor, the gateways)')
      .addOption(
        new Option(
          '--results <file>',
          'Bench results holding the measured usage profile (cost.profile)',
        ).default(LATEST_RESULTS_FILE, 'bench/results/latest.json'),
      ),
    {
      ok: 'when the bill was printed',
      failed: 'when the template holds a resource the model cannot price, or the inputs cannot be read',
      examples: [
        'webhook-pipeline cost --per-month 1M',
        'webhook-pipeline cost --per-month 100M -c tracing=true -c logRetentionDays=365',
        'webhook-pipeline cost --per-month 250k --json',
      ],
    },
  );

type CostOptions = OptionsOf<typeof defineCost>;

/** Dollars with cents, or with four decimals below a cent. */
const usd = (value: number) => (value !== 0 && Math.abs(value) < 0.01 ? value.toFixed(4) : value.toFixed(2));

const HEADINGS: Record<LineKind, string> = {
  [LineKind.PerWebhook]: 'Per webhook',
  [LineKind.Monthly]: 'By the month',
  [LineKind.Storage]: 'What is kept',
};

/** The bill as aligned text: the lines by kind, then the totals and the gateways. */
export const billText = (stackId: string, settings: Record<string, string>, bill: MonthlyBill): string[] => {
  const named = Object.entries(settings).map(([k, v]) => `${k}=${v}`);
  const width = Math.min(70, Math.max(...bill.lines.map((l) => l.line.length)));
  const row = (line: string, amount: string, floor: string, quantity: string) =>
    `  ${line.length > width ? `${line.slice(0, width - 1)}…` : line.padEnd(width)}  ${amount.padStart(9)}  ${floor.padStart(9)}  ${quantity}`;
  const out = [
    `${stackId} at ${bill.webhooksPerMonth.toLocaleString('en-US')} webhooks a month (${bill.ratePerSecond} a second), ${bill.region} list prices read ${bill.pricesRead}`,
    `Settings: ${named.length ? named.join(' ') : 'the defaults'} (cdk.json's context, then -c)`,
    '',
    row('line', 'USD/month', 'floor', 'quantity'),
  ];
  for (const kind of Object.values(LineKind)) {
    const lines = bill.lines.filter((l: BillLine) => l.kind === kind);
    if (lines.length === 0) continue;
    out.push(`  ${HEADINGS[kind]}`);
    for (const l of lines) out.push(row(l.line, usd(l.usd), usd(l.floorUsd), l.quantity));
  }
  out.push(row('total', usd(bill.totalUsd), usd(bill.floorUsd), ''));
  out.push(
    '',
    `Total $${usd(bill.totalUsd)} a month, $${usd(bill.perMillionUsd)} per million webhooks; the floor $${usd(bill.floorUsd)} ($${usd(bill.floorPerMillionUsd)} per million): ${bill.ratioToFloor}× the floor.`,
    `At the same volume, with their plan fees: Hookdeck ${bill.alternatives.hookdeck.plan} $${usd(bill.alternatives.hookdeck.usd)}, Svix ${bill.alternatives.svix.plan} $${usd(bill.alternatives.svix.usd)}.`,
    'What each setting costs, and what the floor counts: docs/costs.md.',
  );
  return out;
};

/** Prices the stack the settings describe; the exit status. */
const cost = async (options: CostOptions, { out }: CliContext): Promise<number> => {
  const settings = options.context;
  let stack: ReturnType<typeof synthesizeStack>;
  try {
    stack = synthesizeStack(settings);
  } catch (error) {
    if (error instanceof SettingsError) throw new UsageError(error.message);
    throw error;
  }
  const bill = monthlyBill({
    template: stack.template,
    profile: loadUsageProfile(options.results),
    prices: loadPriceTable(),
    webhooksPerMonth: options.perMonth,
  });
  if (options.json) out(JSON.stringify({ stackId: stack.stackId, settings, ...bill }, null, 2));
  else for (const line of billText(stack.stackId, settings, bill)) out(line);
  return 0;
};

/** `webhook-pipeline cost`. */
export const costCommand = (ctx: CliContext) => defineCost().action(actionOf(ctx, cost));
