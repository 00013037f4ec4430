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

/** Chromium with the extension in `dir` loaded, its UI in `lang` (default en-US, whatever
 * the machine's locale: the tests read English words). On Linux the UI language comes
 * from the environment (LANGUAGE), and only for languages whose resources are installed
 * (Debian's chromium-l10n, which `make setup` installs); `--lang` alone switches the
 * extension's messages but not `chrome.i18n.getUILanguage()` nor `Intl`. */
export async function launchExtension({ headless = true, dir = path.join(root, 'dist', 'chrome'), lang = 'en-US' } = {}) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pending-profile-'));
  const env = { ...process.env, LANGUAGE: lang.replace('-', '_') };
  delete env.LC_ALL;
  delete env.LC_MESSAGES;
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless,
    env,
    acceptDownloads: true,
    viewport: { width: 420, height: 640 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', `--disable-extensions-except=${dir}`, `--load-extension=${dir}`,
      `--lang=${lang}`, '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
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

/** The words of a locale as the extension writes them: `msg(key, ...subs)` is
 * `chrome.i18n.getMessage(key, subs)` read from extension/_locales/<lang>/messages.json,
 * to find the pages' controls by their words in that language.
 * @param {string} [lang] */
export function messages(lang = 'en') {
  const all = JSON.parse(fs.readFileSync(path.join(root, 'extension', '_locales', lang.split('-')[0], 'messages.json'), 'utf8'));
  return (key, ...subs) => {
    const m = all[key];
    if (!m) throw new Error(`no message ${key} in ${lang}`);
    const named = Object.fromEntries(Object.entries(m.placeholders ?? {}).map(([name, p]) => [name.toLowerCase(), p.content]));
    return m.message.replace(/\$([A-Za-z0-9_@]+)\$/g, (_, name) => (named[name.toLowerCase()] ?? '')
      .replace(/\$(\d)/g, (_, d) => String(subs[Number(d) - 1] ?? '')));
  };
}

/** Fills the options page as a user would and saves; `lang`: the UI language the
 * browser was launched in (launchExtension), whose words the controls are found by. */
export async function configureThroughOptions(context, extensionId, { apiKey, baseUrl, refreshMinutes, badgeCategories, pendingWarnAt, lang = 'en' }) {
  const msg = messages(lang);
  const page = await context.newPage();
  await page.goto(`chrome-extension://${extensionId}/options.html`);
  await page.getByLabel(msg('optApiKey'), { exact: true }).fill(apiKey);
  if (baseUrl) {
    if (!(await page.locator('#advanced').evaluate((d) => d.open))) await page.click('#advanced summary');
    await page.getByLabel(msg('optBaseUrl')).fill(baseUrl);
  }
  if (refreshMinutes) await page.getByLabel(msg('optRefresh')).selectOption(String(refreshMinutes));
  if (badgeCategories) {
    for (const box of await page.locator('#badgeCategories input').all()) {
      await box.setChecked(badgeCategories.includes(await box.getAttribute('value')));
    }
  }
  if (pendingWarnAt) await page.getByLabel(msg('optPendingWarnAt')).fill(String(pendingWarnAt));
  await confirmedClick(page, msg('optSave'), lang);
  await page.getByText(msg('optSaved'), { exact: true }).waitFor();
  await page.close();
}

const OFFICIAL = 'https://api.connectsafely.ai/linkedin';

/** Clicks a button of the options page as a user who means it: for a base URL other than
 * the official API, the first click only warns (naming the host that would receive the
 * key) and a second click on the same button confirms. */
export async function confirmedClick(page, name, lang = 'en') {
  const button = page.getByRole('button', { name, exact: true });
  const url = (await page.locator('#baseUrl').inputValue()).trim().replace(/\/+$/, '');
  await button.click();
  if (url === '' || url === OFFICIAL) return;
  await page.locator('#result', { hasText: messages(lang)('optKeyWarning', new URL(url).host, name) }).waitFor();
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
