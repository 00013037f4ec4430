// End-to-end: a new heavy user's first sync shows what it has as it goes (issue 18), in
// headless Chromium with dist-test/chrome against the mock. The mock serves 500 sent and
// 25 received invitations, each sent page 250 ms late, with its per-account buckets on
// (`limits=1`, 20 reads in 2 s, 429 past it); the client is paced below that (the
// test-only `testClientConfig`). The popup, opened as soon as the key is saved, shows
// Received (final) before the sent walk is a third done, then the sent rows as they come
// with their count "so far", never 0 nor a number that looks final, the Connections
// tab's first page within seconds during the walk, then the final count.
// And an error reads as one message that fits what is there (offline: the saved lists on
// Sent, no connection loaded on Connections).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { E2E_DIST, launchExtension, configureThroughOptions, waitForIdle } from './chromium-helpers.mjs';
import { scenario, FIRST_SYNC } from './mock-helpers.mjs';

const { sent: SENT, received: RECEIVED, mock: FIRST_SYNC_MOCK, pacing: FIRST_SYNC_PACING } = FIRST_SYNC;
// 51 sent pages (the last one empty): a third of the walk is 17 pages.
const SENT_PAGES = Math.floor(SENT / 10) + 1;

let ext;

before(async () => { ext = await launchExtension({ headless: true, dir: path.join(E2E_DIST, 'chrome') }); });
after(async () => { await ext?.close(); });

test('a first sync of 500 sent: Received final first, then the sent rows "so far", then the final count; no 429', async () => {
  await ext.worker.evaluate((pacing) => chrome.storage.local.set({ testClientConfig: pacing }), FIRST_SYNC_PACING);
  try {
    const s = scenario(FIRST_SYNC_MOCK);
    const since = Date.now();
    await configureThroughOptions(ext.context, ext.extensionId, { apiKey: 'sk_test_e2e_FIRST_18', baseUrl: s.baseUrl });
    const popup = await ext.context.newPage();
    // Every text the tabs' counts take, from the first paint on.
    await popup.addInitScript(() => {
      /** @type {Record<string, string[]>} */
      const seen = { sent: [], received: [] };
      globalThis.countTexts = seen;
      const watch = () => {
        for (const list of ['sent', 'received']) {
          const el = document.getElementById(`count-${list}`);
          if (!el) return setTimeout(watch, 5);
          const note = () => { if (seen[list].at(-1) !== el.textContent) seen[list].push(el.textContent); };
          note();
          new MutationObserver(note).observe(el, { childList: true, characterData: true, subtree: true });
        }
      };
      document.addEventListener('DOMContentLoaded', watch);
    });
    await popup.goto(`chrome-extension://${ext.extensionId}/popup.html`);
    const sentPages = () => ext.worker.evaluate(() => chrome.storage.local.get('walk').then(({ walk }) => walk?.sent?.pages ?? 0));

    // Received: its count final and its rows, before a third of the sent walk.
    await popup.waitForFunction((n) => document.getElementById('count-received').textContent === String(n), RECEIVED, { timeout: 30_000 });
    await popup.click('#tab-received');
    await popup.waitForFunction((n) => Number(document.querySelector('#list > li')?.getAttribute('aria-setsize')) === n, RECEIVED);
    const pagesAtReceived = await sentPages();
    assert.ok(pagesAtReceived < SENT_PAGES / 3, `Received showed at sent page ${pagesAtReceived} of ${SENT_PAGES}`);
    assert.ok(await popup.getByRole('button', { name: `All ${RECEIVED}`, exact: true }).isVisible(), 'the category chips are there');
    const receivedAt = Date.now() - since;

    // Sent: rows during the walk, the count "so far".
    await popup.click('#tab-sent');
    await popup.waitForFunction(() => /^\d[\d,]* so far$/.test(document.getElementById('count-sent').textContent)
      && Number(document.querySelector('#list > li')?.getAttribute('aria-setsize')) > 0, null, { timeout: 60_000 });
    const during = await popup.evaluate(() => ({
      count: document.getElementById('count-sent').textContent,
      rows: Number(document.querySelector('#list > li')?.getAttribute('aria-setsize')),
      banner: document.getElementById('banner-text').textContent,
      exportDisabled: /** @type {HTMLButtonElement} */ (document.getElementById('export')).disabled,
    }));
    const firstRowsAt = Date.now() - since;
    assert.ok(during.rows < SENT, JSON.stringify(during));
    assert.equal(during.count, `${during.rows.toLocaleString('en-US')} so far`);
    assert.ok(during.exportDisabled, 'the export waits for the whole list');
    assert.ok(await popup.evaluate(() => document.getElementById('insights').hidden),
      'no acceptances nor pending health while the list is partial');
    assert.equal((await ext.worker.evaluate(() => chrome.storage.local.get('status'))).status.state, 'syncing');
    // The stored first screen (the next popup's first paint) says the same.
    const first = await ext.worker.evaluate(() => chrome.storage.local.get('firstScreen').then((r) => r.firstScreen));
    assert.equal(first?.summary?.partial?.sent, true, JSON.stringify(first?.summary));
    assert.ok(first.rows.length > 0);
    // A second popup (the side panel is the same page) shows the rows so far at once.
    const second = await ext.context.newPage();
    await second.goto(`chrome-extension://${ext.extensionId}/popup.html`);
    await second.waitForFunction(() => /so far$/.test(document.getElementById('count-sent').textContent)
      && Number(document.querySelector('#list > li')?.getAttribute('aria-setsize')) > 0);
    await second.close();
    // The Connections tab during the walk: its first page within seconds (the click's
    // request goes ahead of the walk's next page), while Sent still says "so far".
    await popup.click('#tab-connections');
    const clicked = Date.now();
    await popup.waitForFunction(() => Number(document.querySelector('#list > li')?.getAttribute('aria-setsize') ?? 0) > 0,
      null, { timeout: 10_000 });
    const connectionsIn = Date.now() - clicked;
    assert.match(await popup.evaluate(() => document.getElementById('count-sent').textContent), /so far$/,
      'the connections came during the walk');
    await popup.click('#tab-sent');

    // The end: the final count, without "so far".
    await popup.waitForFunction((n) => document.getElementById('count-sent').textContent === String(n), SENT, { timeout: 120_000 });
    const status = await waitForIdle(ext.worker, since, 30_000);
    const wholeAt = Date.now() - since;
    assert.equal(status.state, 'ok', JSON.stringify(status));
    assert.equal(await popup.evaluate(() => Number(document.querySelector('#list > li')?.getAttribute('aria-setsize'))), SENT);
    const texts = await popup.evaluate(() => globalThis.countTexts);
    // Never a 0, never a number that looks final before the end: empty, "N so far"
    // growing, then the final count.
    assert.equal(texts.sent.at(-1), String(SENT), JSON.stringify(texts.sent));
    const soFar = texts.sent.slice(0, -1).filter((t) => t !== '');
    assert.ok(soFar.length >= 2, `the count grew during the walk: ${JSON.stringify(texts.sent)}`);
    const numbers = soFar.map((t) => {
      assert.match(t, /^\d[\d,]* so far$/);
      return Number(t.replace(/\D/g, ''));
    });
    assert.ok(numbers.every((n, i) => n > 0 && (i === 0 || n >= numbers[i - 1])), JSON.stringify(texts.sent));
    assert.ok(texts.received.every((t) => t === '' || t === String(RECEIVED)), JSON.stringify(texts.received));
    // Paced below the mock's limit: not one 429.
    const stats = await (await fetch(s.statsUrl)).json();
    assert.equal(stats.limited, 0, JSON.stringify(stats.byEndpoint));
    console.log(`first sync of ${SENT} sent: Received complete at ${receivedAt} ms (sent page ${pagesAtReceived}), `
      + `first sent rows by ${firstRowsAt} ms, connections ${connectionsIn} ms after the click, whole walk ${wholeAt} ms`);
    await popup.close();
  } finally {
    await ext.worker.evaluate(() => chrome.storage.local.remove('testClientConfig'));
  }
});

test('offline: each tab says in one message what it shows; the Connections tab never speaks of saved data', async () => {
  await ext.worker.evaluate(() => chrome.storage.local.set({ testClientConfig: { maxRetries: 0, minIntervalMs: 0 } }));
  const s = scenario('sent=3&received=2&connections=30');
  const fault = (query) => fetch(`${s.statsUrl.replace(/__stats$/, '__fault')}${query ? `?${query}` : ''}`);
  try {
    const since = Date.now();
    await configureThroughOptions(ext.context, ext.extensionId, { apiKey: 'sk_test_e2e_OFFLINE_18', baseUrl: s.baseUrl });
    assert.equal((await waitForIdle(ext.worker, since)).state, 'ok');
    await fault('fault=reset');
    const page = await ext.context.newPage();
    await page.goto(`chrome-extension://${ext.extensionId}/popup.html`);
    await page.evaluate(() => chrome.runtime.sendMessage({ type: 'refresh', reason: 'button' }));
    const banner = page.locator('#banner-text');
    // Sent: the sync's error, then what the list shows.
    await page.waitForFunction(() => document.getElementById('banner-text').textContent
      === 'Offline or the API cannot be reached. Showing saved data.');
    // Connections (never saved): its own error, once, with what is loaded.
    await page.click('#tab-connections');
    await page.waitForFunction(() => document.getElementById('banner-text').textContent
      === 'Offline or the API cannot be reached. No connections loaded.', null, { timeout: 30_000 });
    assert.equal(await page.locator('#empty').isVisible(), false, 'said once');
    assert.equal(await page.textContent('#loaded'), '');
    assert.doesNotMatch(await page.evaluate(() => document.body.innerText), /saved data/);
    // Back online: the next page loads; the banner keeps only the last sync's error,
    // without a word about what is shown (the saved lists are on the other tabs).
    await fault('');
    await page.click('#load-more');
    await page.waitForFunction(() => document.getElementById('loaded').textContent === '12 loaded');
    assert.equal(await banner.textContent(), 'Offline or the API cannot be reached.');
    await page.close();
  } finally {
    await fault('');
    await ext.worker.evaluate(() => chrome.storage.local.remove('testClientConfig'));
  }
});
