// Drives Debian's Chromium with the built extension (dist/chrome) loaded, through
// Playwright. Shared by the end-to-end tests and `make demo` / `make bench`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

/** The extension the end-to-end tests load: `make build-test`'s dist-test/ (the build
 * with the cargo feature `test-hooks`, whose trap hook the recovery tests arm), or the
 * directory PENDING_DIST names. `make demo` and `make bench` load the release dist/. */
export const E2E_DIST = path.resolve(root, process.env.PENDING_DIST ?? 'dist-test');

export async function launchExtension({ headless = true, dir = path.join(root, 'dist', 'chrome') } = {}) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pending-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless,
    acceptDownloads: true,
    viewport: { width: 420, height: 640 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', `--disable-extensions-except=${dir}`, `--load-extension=${dir}`,
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const worker = context.serviceWorkers()[0] ?? await context.waitForEvent('serviceworker', { timeout: 30_000 });
  const extensionId = worker.url().split('/')[2];
  return {
    context,
    worker,
    extensionId,
    close: async () => {
      await context.close().catch(() => {});
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Fills the options page as a user would and saves. */
export async function configureThroughOptions(context, extensionId, { apiKey, baseUrl, refreshMinutes, badgeCategories }) {
  const page = await context.newPage();
  await page.goto(`chrome-extension://${extensionId}/options.html`);
  await page.getByLabel('API key', { exact: true }).fill(apiKey);
  if (baseUrl) {
    if (!(await page.locator('#advanced').evaluate((d) => d.open))) await page.click('#advanced summary');
    await page.getByLabel('API base URL').fill(baseUrl);
  }
  if (refreshMinutes) await page.getByLabel('Refresh every').selectOption(String(refreshMinutes));
  if (badgeCategories) {
    for (const box of await page.locator('#badgeCategories input').all()) {
      await box.setChecked(badgeCategories.includes(await box.getAttribute('value')));
    }
  }
  await confirmedClick(page, 'Save');
  await page.getByText('Saved.').waitFor();
  await page.close();
}

const OFFICIAL = 'https://api.connectsafely.ai/linkedin';

/** Clicks a button of the options page as a user who means it: for a base URL other than
 * the official API, the first click only warns (naming the host that would receive the
 * key) and a second click on the same button confirms. */
export async function confirmedClick(page, name) {
  const button = page.getByRole('button', { name, exact: true });
  const url = (await page.locator('#baseUrl').inputValue()).trim().replace(/\/+$/, '');
  await button.click();
  if (url === '' || url === OFFICIAL) return;
  await page.locator('#result', { hasText: `Your API key will be sent to ${new URL(url).host}, which is not the official ConnectSafely API.` }).waitFor();
  await button.click();
}

/** Polls the toolbar badge until `accept(text)` holds and no sync is running (the badge
 * shows the received invitations before a sync has finished its sent walk); returns the
 * text. `{idle: false}` returns as soon as the badge matches. */
export async function waitForBadge(worker, accept, timeoutMs = 30_000, { idle = true } = {}) {
  const until = Date.now() + timeoutMs;
  let text;
  while (Date.now() < until) {
    text = await worker.evaluate(() => chrome.action.getBadgeText({}));
    if (accept(text)) {
      if (!idle) return text;
      const { status } = await worker.evaluate(() => chrome.storage.local.get('status'));
      if (status?.state !== 'syncing') return text;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`badge stayed ${JSON.stringify(text)}`);
}

/** Waits for a sync that ended after `since` (epoch ms) and returns its status. */
export async function waitForIdle(worker, since, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const { status } = await worker.evaluate(() => chrome.storage.local.get('status'));
    if (status && status.state !== 'syncing' && status.at >= since) return status;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('sync did not finish');
}
