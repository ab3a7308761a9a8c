import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevProcess, startDevProcess } from '../helpers/dev-process.js';
import { formatLoad, runLoad } from './load.js';

// The short version of `npm run test:load`: a few seconds at a modest fixed rate.
let dev: DevProcess;
beforeAll(async () => {
  dev = await startDevProcess();
}, 90_000);
afterAll(async () => {
  await dev?.stop();
});

describe('load (short): the local pipeline at a fixed rate', () => {
  it('loses nothing at 40 webhooks/s for 5 s with 10% duplicates', async () => {
    const result = await runLoad(dev, { rate: 40, seconds: 5, duplicateShare: 0.1 });
    console.log(formatLoad(result));
    expect(result.sent).toBe(200);
    expect(result.non2xx).toBe(0);
    expect(result.lost).toBe(0);
    expect(result.events).toBe(result.distinctWebhooks);
    expect(result.duplicatesAnswered).toBeGreaterThan(0);
  }, 90_000);
});
