import type { BillContext } from './bill-context.js';
import { type BillLine, count, LineKind } from './bill-line.js';

// Secrets Manager and KMS: the secrets the functions read (created by the stack or imported by ARN),
// each function instance's reads of them, and a customer managed key with its decrypts.

/** Secrets, their GetSecretValue calls, and the customer managed keys with their decrypts. */
export const secretLines = (ctx: BillContext): BillLine[] => {
  const lines: BillLine[] = [];
  const created = ctx.ofType('AWS::SecretsManager::Secret');
  const imported = [...new Set(ctx.facts.functions.flatMap((f) => f.secrets.imported))];
  // The floor: somewhere to keep what the functions behind the API read (the providers' secrets).
  const floorSecrets = new Set(
    ctx.invocations
      .filter((inv) => inv.fn.trigger?.kind === 'api')
      .flatMap((inv) => [...inv.fn.secrets.created, ...inv.fn.secrets.imported]),
  ).size;
  const secretPrice = ctx.p('secretsManagerPerSecretMonth');
  if (created.length + imported.length + floorSecrets > 0) {
    lines.push({
      kind: LineKind.Monthly,
      line: `Secrets Manager secrets (${created.length} created${imported.length ? `, ${imported.length} imported: billed where they live, counted because the stack reads them` : ''})`,
      quantity: `${created.length + imported.length} × $${secretPrice.toFixed(2)}`,
      usd: (created.length + imported.length) * secretPrice,
      floor: `${floorSecrets}: somewhere to keep the providers' secrets`,
      floorUsd: floorSecrets * secretPrice,
      resources: created.map((s) => s.id),
    });
  }

  // Each instance of a function reads each of its secrets once its cached value is older than the
  // cache's age; Secrets Manager decrypts with the key at each read of a secret under a customer
  // managed key (the AWS managed key is free).
  const underKey = new Set(created.filter((s) => s.properties.KmsKeyId !== undefined).map((s) => s.id));
  let calls = 0;
  let decrypts = 0;
  const readers: string[] = [];
  let cacheSeconds = ctx.a('secretsCacheSeconds');
  for (const inv of ctx.invocations) {
    const { fn } = inv;
    const read = fn.secrets.created.length + fn.secrets.imported.length;
    if (read === 0) continue;
    cacheSeconds = Number(fn.environment.SECRETS_MAX_AGE_SECONDS ?? ctx.a('secretsCacheSeconds'));
    const perSecret = (Math.max(1, Math.ceil(inv.concurrency)) * ctx.seconds) / cacheSeconds;
    calls += read * perSecret;
    const decrypted =
      fn.secrets.created.filter((id) => underKey.has(id)).length +
      (fn.keys.created.length + fn.keys.imported.length > 0 ? fn.secrets.imported.length : 0);
    decrypts += decrypted * perSecret;
    readers.push(fn.id);
  }
  if (calls > 0) {
    const usd = (calls / 10_000) * ctx.p('secretsManagerPer10kApiCalls');
    lines.push({
      kind: LineKind.Monthly,
      line: 'Secrets Manager GetSecretValue',
      quantity: `${count(calls)} calls (each function instance reads each secret every ${cacheSeconds} s)`,
      usd,
      floor: 'same',
      floorUsd: usd,
      resources: readers,
    });
  }

  const keys = ctx.ofType('AWS::KMS::Key').map((k) => k.id);
  const importedKeys = [...new Set(ctx.facts.functions.flatMap((f) => f.keys.imported))];
  if (keys.length + importedKeys.length > 0) {
    lines.push(
      {
        kind: LineKind.Monthly,
        line: `KMS customer managed keys (${keys.length} created${importedKeys.length ? `, ${importedKeys.length} imported: billed where it lives, counted because the secrets need it` : ''})`,
        quantity: `${keys.length + importedKeys.length} × $${ctx.p('kmsPerKeyMonth').toFixed(2)}`,
        usd: (keys.length + importedKeys.length) * ctx.p('kmsPerKeyMonth'),
        floor: 'none: AWS managed keys are free',
        floorUsd: 0,
        resources: keys,
      },
      {
        kind: LineKind.Monthly,
        line: 'KMS requests (Secrets Manager decrypts)',
        quantity: `${count(decrypts)} requests`,
        usd: (decrypts / 10_000) * ctx.p('kmsPer10kRequests'),
        floor: 'none',
        floorUsd: 0,
        resources: keys,
      },
    );
  }
  return lines;
};
