import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { CLI, type DevProcess, startDevProcess } from '../helpers/dev-process.js';

// The console in a real Chromium (playwright-core), against `npm run dev` as a child process.
// What the page showed is kept as evidence: reports/console-browser.json and screenshots.

const run = promisify(execFile);
const REPORTS = resolve(import.meta.dirname, '..', '..', 'reports');
const evidence: { test: string; saw: Record<string, unknown>; screenshot: string }[] = [];

let dev: DevProcess;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
/** Every request of the page that failed or was answered 4xx/5xx, and every error the page logged. */
const failures: string[] = [];

const fireFromCli = async (args: string[]): Promise<string> => {
  const { stdout } = await run(process.execPath, [CLI, 'fire', ...args], { env: dev.env });
  const id = /"webhookId":"([^"]+)"/.exec(stdout)?.[1];
  if (!id) throw new Error(`no webhookId in: ${stdout}`);
  return id;
};

const text = async (locator: Locator): Promise<string> => (await locator.textContent()) ?? '';

/** Waits until the page shows this text somewhere (inside the detail panel when `within` is set). */
const seeText = async (text: string, within = 'body') => {
  await page.locator(within).getByText(text, { exact: false }).first().waitFor({ timeout: 45_000 });
};

const screenshot = async (name: string) => {
  mkdirSync(REPORTS, { recursive: true });
  const path = join(REPORTS, name);
  await page.screenshot({ path, fullPage: false });
  return `reports/${name}`;
};

beforeAll(async () => {
  dev = await startDevProcess();
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on('requestfailed', (r) => failures.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) failures.push(`${r.request().method()} ${r.url()}: ${r.status()}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error') failures.push(`console: ${m.text()}`);
  });
  await page.goto(`${dev.url}/console`);
  await page.locator('#live.on').waitFor({ timeout: 45_000 });
}, 90_000);

afterAll(async () => {
  mkdirSync(REPORTS, { recursive: true });
  writeFileSync(join(REPORTS, 'console-browser.json'), `${JSON.stringify(evidence, null, 2)}\n`);
  await browser?.close();
  await dev?.stop();
});

describe('the console in a browser', () => {
  it('shows a webhook fired from the CLI as it arrives, opens it, and Replay publishes a second event', async () => {
    // Act: fire from another process, as a user in a second terminal.
    const webhookId = await fireFromCli([
      'plaid',
      'TRANSACTIONS',
      'SYNC_UPDATES_AVAILABLE',
      '--set',
      'item_id=item-browser-1',
    ]);
    const row = page.locator(`#requests tbody tr[data-webhook-id="${webhookId}"]`);
    await row.waitFor({ timeout: 45_000 });
    const rowText = (await row.locator('td').allTextContents()).join(' | ');
    await row.click();
    await seeText('Events, as a rule target receives them (1)', '#detail');
    await page.getByRole('button', { name: 'Replay' }).click();
    await seeText('Events, as a rule target receives them (2)', '#detail');
    await seeText('published again (replayed)', '#detail');
    const first = JSON.parse(await text(page.getByLabel('Event 1', { exact: true })));
    const second = JSON.parse(await text(page.getByLabel('Event 2', { exact: true })));
    const history = await page.getByLabel('Status history').locator('li').allTextContents();
    const shot = await screenshot('console-replay.png');

    // Assert
    expect(rowText).toContain('plaid');
    expect(rowText).toContain('accepted');
    expect(rowText).toContain('TRANSACTIONS.SYNC_UPDATES_AVAILABLE');
    expect(first.detail.metadata).toMatchObject({ webhookId, replayed: false });
    expect(second.detail.metadata).toMatchObject({ webhookId, replayed: true });
    expect(second.detail.data).toEqual(first.detail.data);
    expect(second.id).not.toBe(first.id);
    const step = (part: string) => history.findIndex((h) => h.includes(part));
    expect(history[0]).toMatch(/^received/);
    expect(step('published to the bus')).toBeGreaterThan(0);
    expect(step('Replay: a replay message was sent')).toBeGreaterThan(step('published to the bus'));
    expect(step('published again (replayed)')).toBeGreaterThan(step('Replay: a replay message was sent'));
    evidence.push({
      test: 'CLI fire, row, open, Replay',
      saw: { row: rowText, firstEvent: first, secondEvent: second, history },
      screenshot: shot,
    });
  });

  it('fires a catalogue entry edited in the page, signed, and the edit is in the event', async () => {
    // Prepare
    await page.getByRole('tab', { name: 'Fire' }).click();
    await page.selectOption('#fire-provider', 'argyle');
    await page.selectOption('#fire-entry', 'accounts.connected');
    const sample = JSON.parse(await page.locator('#fire-body').inputValue());
    sample.data.account = 'acc_edited_in_the_browser_42';
    sample.data.note = 'typed in the console';
    const edited = JSON.stringify(sample, null, 4);
    await page.locator('#fire-body').fill(edited);

    // Act
    await page.getByRole('button', { name: 'Fire', exact: true }).click();
    await seeText('accounts.connected · argyle', '#detail');
    await seeText('Events, as a rule target receives them (1)', '#detail');
    const event = JSON.parse(await text(page.getByLabel('Event 1', { exact: true })));
    const rawBody = await text(page.getByLabel('Raw body'));
    const verification = await text(page.locator('#detail').getByText(/^verified/));
    const shot = await screenshot('console-fire.png');

    // Assert: the bytes typed are the bytes signed, stored and published.
    expect(rawBody).toBe(edited);
    expect(verification).toContain('X-Argyle-Signature');
    expect(event.source).toBe('webhooks.argyle');
    expect(event['detail-type']).toBe('accounts.connected');
    expect(event.detail.data.data).toMatchObject({
      account: 'acc_edited_in_the_browser_42',
      note: 'typed in the console',
    });
    evidence.push({ test: 'Fire with edited JSON', saw: { rawBody, verification, event }, screenshot: shot });
  });

  it('filters and searches, Resend answers duplicate, and a quarantined record is requeued', async () => {
    // Prepare: a body that fails its schema (item_id must be a string) is quarantined.
    await page.getByRole('tab', { name: 'Requests' }).click();
    const quarantined = await fireFromCli([
      'plaid',
      'TRANSACTIONS',
      'SYNC_UPDATES_AVAILABLE',
      '--set',
      'item_id=12345',
    ]);
    await page.locator(`#requests tbody tr[data-webhook-id="${quarantined}"]`).waitFor({ timeout: 45_000 });

    // Act: filter by status, then search by Item id.
    await page.selectOption('#filter-status', 'quarantined');
    const quarantinedRows = await page.locator('#requests tbody tr').allTextContents();
    await page.selectOption('#filter-status', '');
    await page.locator('#filter-search').fill('item-browser-1');
    const searchedRows = await page.locator('#requests tbody tr').allTextContents();
    await page.locator('#filter-search').fill('');

    await page.locator(`#requests tbody tr[data-webhook-id="${quarantined}"]`).click();
    await seeText('Validation errors', '#detail');
    const issues = await text(page.locator('#detail ul.error'));
    await page.getByRole('button', { name: 'Resend' }).click();
    await seeText('Resend answered 200', '#detail');
    const resend = await text(page.locator('#action-result'));
    await page.getByRole('button', { name: 'Requeue' }).click();
    await seeText('requeued message sent', '#detail');
    await seeText('Requeue: a requeued message was sent to the queue', '#detail');
    const history = await page.getByLabel('Status history').locator('li').allTextContents();
    const shot = await screenshot('console-quarantined.png');

    // Assert
    expect(quarantinedRows).toHaveLength(1);
    expect(quarantinedRows[0]).toContain('quarantined');
    expect(searchedRows).toHaveLength(1);
    expect(searchedRows[0]).toContain('TRANSACTIONS.SYNC_UPDATES_AVAILABLE');
    expect(issues).toMatch(/item_id/);
    expect(resend).toContain(`"webhookId":"${quarantined}"`);
    // Still failing its schema, the body stays quarantined: the requeue is noted under that status.
    expect(history.at(-1)).toMatch(/^quarantined.*Requeue: a requeued message was sent/);
    evidence.push({
      test: 'filters, Resend, Requeue',
      saw: { quarantinedRows, searchedRows, issues, resend, history },
      screenshot: shot,
    });
  });

  it('refuses button requests from other origins, other hosts or without a JSON body, and reads under another host name', async () => {
    // Prepare
    const before = ((await (await fetch(`${dev.url}/console/api/requests`)).json()) as { rows: unknown[] })
      .rows.length;
    const body = JSON.stringify({ provider: 'argyle', body: '{"event":"accounts.connected","data":{}}' });
    const post = (headers: Record<string, string>) =>
      new Promise<number>((resolvePost, reject) => {
        const req = request(`${dev.url}/console/api/fire`, { method: 'POST', headers }, (res) => {
          res.resume();
          resolvePost(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end(body);
      });
    // Act
    const crossSite = await post({ 'content-type': 'application/json', origin: 'http://attacker.example' });
    const rebound = await post({ 'content-type': 'application/json', host: `attacker.example:${dev.port}` });
    const simpleForm = await post({ 'content-type': 'text/plain' });
    const after = ((await (await fetch(`${dev.url}/console/api/requests`)).json()) as { rows: unknown[] })
      .rows.length;
    const reboundRead = await new Promise<number>((resolveGet, reject) => {
      const req = request(
        `${dev.url}/console/api/requests`,
        { headers: { host: `attacker.example:${dev.port}` } },
        (res) => {
          res.resume();
          resolveGet(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    // Assert
    expect([crossSite, rebound, simpleForm, reboundRead]).toEqual([403, 403, 403, 403]);
    expect(after).toBe(before);
  });

  it('loads its icon, and no request of the page failed or was refused, nor did the page log an error', async () => {
    expect(failures).toEqual([]);
    // A page without an icon of its own makes the browser ask for /favicon.ico: a 404 in its console.
    const href = await page.locator('link[rel="icon"]').getAttribute('href', { timeout: 1000 });
    const icon = await fetch(new URL(href ?? '/favicon.ico', dev.url));
    expect(href).toBe('/console/favicon.svg');
    expect([icon.status, icon.headers.get('content-type')]).toEqual([200, 'image/svg+xml']);
  });
});
