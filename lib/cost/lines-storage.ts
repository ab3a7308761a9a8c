import type { BillContext } from './bill-context.js';
import { type BillLine, count, gbText, LineKind } from './bill-line.js';
import { referencedIds } from './template-facts.js';
import { retainedMonths } from './traffic.js';

// What accumulates, at steady state: the table's records until TTL deletes them (and their
// point-in-time recovery), the archive, the log groups at their retention.

const GB = 1024 ** 3;

/** The table: its records for their retention (and TTL's lag), and point-in-time recovery of them. */
export const tableStorageLines = (ctx: BillContext): BillLine[] =>
  ctx.ofType('AWS::DynamoDB::Table').flatMap((table) => {
    // The retention is the writers' RETENTION_DAYS: the functions whose environment names the table.
    const retentions = ctx.facts.functions
      .filter((f) => Object.values(f.environment).some((v) => referencedIds(v).has(table.id)))
      .map((f) => Number(f.environment.RETENTION_DAYS))
      .filter((d) => Number.isFinite(d) && d > 0);
    const ttl = table.properties.TimeToLiveSpecification?.Enabled === true && retentions.length > 0;
    const retention = Math.max(...retentions);
    const lag = ctx.a('ttlDeletionLagDays');
    const months = retainedMonths(
      ttl ? retention + lag : undefined,
      ctx.hours,
      ctx.a('foreverRetentionMonths'),
    );
    const itemBytes = ctx.profile.perWebhook.itemBytes + ctx.a('dynamodbItemOverheadBytes');
    const bytes = ctx.webhooks * months * itemBytes;
    const storage = (bytes / GB) * ctx.p('dynamodbStoragePerGbMonth');
    const lines: BillLine[] = [
      {
        kind: LineKind.Storage,
        line: `DynamoDB storage (${ttl ? `records kept ${retention} days, and ${lag} until TTL deletes them` : `no TTL: priced at ${ctx.a('foreverRetentionMonths')} months`})`,
        quantity: `${gbText(bytes)}: ${count(ctx.webhooks * months)} items of ${Math.round(itemBytes)} B`,
        usd: storage,
        floor: 'same: the record is kept for its retention (design.md)',
        floorUsd: storage,
        resources: [table.id],
      },
    ];
    if (table.properties.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled === true) {
      const pitr = (bytes / GB) * ctx.p('dynamodbPitrPerGbMonth');
      lines.push({
        kind: LineKind.Storage,
        line: 'DynamoDB point-in-time recovery',
        quantity: gbText(bytes),
        usd: pitr,
        floor: 'same: the table holds the only copy of quarantined and failed records',
        floorUsd: pitr,
        resources: [table.id],
      });
    }
    return lines;
  });

/** The archive's events for its retention. */
export const archiveStorageLines = (ctx: BillContext): BillLine[] =>
  ctx.ofType('AWS::Events::Archive').map((archive) => {
    const days = archive.properties.RetentionDays as number | undefined;
    const months = retainedMonths(days, ctx.hours, ctx.a('foreverRetentionMonths'));
    const bytes = ctx.webhooks * ctx.profile.perWebhook.eventBytes * months;
    const usd = (bytes / GB) * ctx.p('eventBridgeArchivePerGbMonthStored');
    return {
      kind: LineKind.Storage,
      line: `EventBridge archive: kept ${days ? `${days} days` : `forever (priced at ${ctx.a('foreverRetentionMonths')} months)`}`,
      quantity: `${gbText(bytes)} at steady state`,
      usd,
      floor: 'same',
      floorUsd: usd,
      resources: [archive.id],
    };
  });

/** Each log group: what its writers ingest, kept for its retention. */
export const logStorageLines = (ctx: BillContext): BillLine[] =>
  [...ctx.logGroups.values()].map((group) => {
    const days = group.resource?.properties.RetentionInDays as number | undefined;
    const months = retainedMonths(days, ctx.hours, ctx.a('foreverRetentionMonths'));
    const price = ctx.p('cloudWatchLogsStoragePerGbMonth');
    return {
      kind: LineKind.Storage,
      line: `CloudWatch Logs storage: ${group.resource?.id ?? `${group.label} (not in the template)`}, ${days ? `${days} days` : `never expires (priced at ${ctx.a('foreverRetentionMonths')} months)`}`,
      quantity: `${gbText(group.bytes * months)} at steady state`,
      usd: ((group.bytes * months) / GB) * price,
      floor: group.floorBytes > 0 ? 'the floor access log, same retention' : 'none',
      floorUsd: ((group.floorBytes * months) / GB) * price,
      resources: group.resource ? [group.resource.id] : [],
    };
  });
