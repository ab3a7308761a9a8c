import { describe, expect, it } from 'vitest';
import { costPerMillion, loadPrices, type MeasuredSizes } from '../../../bench/lib/cost-model.js';

const sizes = (itemBytes: readonly number[], systemLogLevel?: string): MeasuredSizes => ({
  settings: {
    source: 'test',
    ingest: {
      memoryMb: 1024,
      architecture: 'arm64',
      logSampleRate: 0.01,
      ...(systemLogLevel ? { systemLogLevel } : {}),
    },
    router: {
      memoryMb: 512,
      architecture: 'arm64',
      logSampleRate: 0.01,
      ...(systemLogLevel ? { systemLogLevel } : {}),
    },
    routerBatchSize: 10,
    archiveRetentionDays: 90,
  },
  webhooks: itemBytes.length,
  perWebhook: itemBytes.map((bytes) => ({
    itemBytes: bytes,
    messageBytes: 600,
    eventBytes: 550,
    bodyBytes: 300,
    ingestLogBytes: 250,
  })),
  routerLogBytesPerEvent: 30,
});
const cpu = { ingestUs: 80, routerUsPerEvent: 15, ingestFloorUs: 40, routerFloorUsPerEvent: 3 };

describe('costPerMillion (bench/lib/cost-model.ts)', () => {
  it('charges one write unit per started KB of the stored item and nothing else on the happy path', () => {
    // Act
    const cost = costPerMillion(sizes([500, 1024, 1025, 2100]), cpu, loadPrices());
    // Assess
    expect(cost.writeUnitsPerWebhook).toBe((1 + 1 + 2 + 3) / 4);
    expect(cost.oneWriteUnitShare).toBe(0.5);
    const writes = cost.lines.find((l) => l.line === 'DynamoDB writes');
    expect(writes?.usd).toBeCloseTo(1.75 * 0.625, 3);
    expect(writes?.floorUsd).toBe(0.625);
  });

  it('puts the floor beside every line, totals both, and gives their ratio', () => {
    // Act
    const cost = costPerMillion(sizes([500]), cpu, loadPrices());
    // Assess
    const floor = cost.lines.reduce((sum, l) => sum + l.floorUsd, 0);
    const total = cost.lines.reduce((sum, l) => sum + l.usd, 0);
    expect(cost.floorPerMillionUsd).toBeCloseTo(floor, 2);
    expect(cost.costPerMillionUsd).toBeCloseTo(total, 2);
    expect(cost.ratioToFloor).toBeCloseTo(total / floor, 2);
    expect(cost.lines.find((l) => l.line.startsWith('CloudWatch Logs'))?.floorUsd).toBe(0);
    expect(cost.lines.find((l) => l.line === 'DynamoDB reads')?.floorUsd).toBe(0);
  });

  it("counts Lambda's START, END and REPORT lines unless the system log level is WARN", () => {
    // Act
    const quiet = costPerMillion(sizes([500], 'WARN'), cpu, loadPrices());
    const chatty = costPerMillion(sizes([500], 'INFO'), cpu, loadPrices());
    // Assess
    expect(quiet.logBytesPerWebhook).toBe(280);
    expect(quiet.logBytes.platformPerWebhook).toBe(0);
    expect(chatty.logBytes.platformPerWebhook).toBe(
      Math.round(loadPrices().assumptions.platformLogBytesPerInvocation * 1.1),
    );
  });
});
