// End-to-end: headless Chromium with dist-test/chrome (`make build-test`) loaded, against
// the mock API that `make test` starts. Configured through the options page as a user
// would; every count is checked against the mock's own dataset.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { E2E_DIST, launchExtension, configureThroughOptions, confirmedClick, waitForBadge, waitForIdle } from './chromium-helpers.mjs';
import { scenario, fetchAll, expectedCategoryCounts } from './mock-helpers.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const API_KEY = 'sk_test_e2e_SECRET_4242';
const DATA = 'sent=160&received=23&connections=30';
// The scenario most tests use; faults are switched on and off on it at run time, so
// the settings (and with them the account whose data is shown) stay the same.
const MAIN = scenario(DATA);

let ext;
let popup;
const consoleLines = [];

async function openPopup() {
  const page = await ext.context.newPage();
  page.on('console', (m) => consoleLines.push(m.text()));
  page.on('pageerror', (e) => consoleLines.push(String(e)));
  await page.goto(`chrome-extension://${ext.extensionId}/popup.html`);
  return page;
}

/** How many rows the list shows. The list is virtualized (only the rows in view are in
 * the DOM); every row carries the list's size. */
async function rowCount(page) {
  return page.evaluate(() => Number(document.querySelector('#list > li')?.getAttribute('aria-setsize') ?? 0));
}

async function waitForRows(page, n) {
  await page.waitForFunction((want) => Number(document.querySelector('#list > li')?.getAttribute('aria-setsize') ?? 0) === want, n);
}

/** The texts of `selector` in every row of the list, in list order: scrolls the
 * virtualized list from top to bottom, then back to the top. */
async function allTexts(page, selector) {
  return page.evaluate(async (sel) => {
    const viewport = document.getElementById('viewport');
    const frames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(r))));
    const found = new Map();
    for (let top = 0; ; top += viewport.clientHeight) {
      viewport.scrollTop = top;
      await frames();
      for (const li of document.querySelectorAll('#list > li')) {
        found.set(Number(li.getAttribute('aria-posinset')), [...li.querySelectorAll(sel)].map((e) => e.textContent));
      }
      if (viewport.scrollTop + viewport.clientHeight >= viewport.scrollHeight) break;
    }
    viewport.scrollTop = 0;
    await frames();
    return [...found.entries()].sort((a, b) => a[0] - b[0]).flatMap(([, texts]) => texts);
  }, selector);
}

/** Whether the row at list position `posinset` is rendered and inside the list's viewport. */
async function rowInView(page, posinset) {
  return page.evaluate((n) => {
    const li = document.querySelector(`#list > li[aria-posinset="${n}"]`);
    if (!li) return false;
    const r = li.getBoundingClientRect();
    const v = document.getElementById('viewport').getBoundingClientRect();
    return r.top >= v.top - 1 && r.bottom <= v.bottom + 1;
  }, posinset);
}

const domSize = (page) => page.evaluate(() => document.querySelectorAll('*').length);

before(async () => {
  ext = await launchExtension({ headless: true, dir: path.join(E2E_DIST, 'chrome') });
  ext.worker.on('console', (m) => consoleLines.push(m.text()));
});

after(async () => {
  await ext?.close();
});

test('no API key yet: the popup says so and offers the settings', async () => {
  const page = await openPopup();
  await page.getByText('Add your ConnectSafely API key').waitFor();
  assert.equal(await page.locator('#banner-action').textContent(), 'Settings');
  assert.equal(await waitForBadge(ext.worker, (t) => t === '!'), '!');
  await page.close();
});

test('options → badge → popup counts and rows match the dataset', async () => {
  const s = MAIN;
  const [sent, received] = [await fetchAll(s, 'invitations/sent'), await fetchAll(s, 'invitations/received')];
  await configureThroughOptions(ext.context, ext.extensionId, { apiKey: API_KEY, baseUrl: s.baseUrl });
  assert.equal(await waitForBadge(ext.worker, (t) => t === String(received.length)), '23');

  popup = await openPopup();
  await popup.locator('#list > li').first().waitFor();
  assert.equal(await popup.textContent('#count-sent'), String(sent.length));
  assert.equal(await popup.textContent('#count-received'), String(received.length));
  assert.equal(await rowCount(popup), sent.length);
  assert.match(await popup.textContent('#freshness'), /^Updated/);

  // Received: per-category chips, and the filter they apply.
  await popup.click('#tab-received');
  const want = expectedCategoryCounts(received);
  for (const [label, n] of Object.entries(want)) {
    await popup.getByRole('button', { name: `${label} ${n}`, exact: true }).waitFor();
  }
  await popup.getByRole('button', { name: `Organization ${want.Organization}`, exact: true }).click();
  assert.equal(await rowCount(popup), want.Organization);
  const companies = await popup.locator('#list .company').allTextContents();
  assert.equal(companies.length, want.Organization, 'organization rows show their company');
  await popup.getByRole('button', { name: `All ${received.length}`, exact: true }).click();
  assert.equal(await rowCount(popup), received.length);
  // A connection invitation's message is shown.
  assert.ok((await popup.locator('#list .message').count()) > 0);
});

test('options: Test connection lists the accounts, and the choice is saved', async () => {
  // Three syncs of MAIN within seconds (two of the default account, one of another of
  // the same key) are more reads than the budgets of a minute allow: fast test pacing.
  await ext.worker.evaluate(() => chrome.storage.local.set({ testClientConfig: { maxRequests: 100000, maxWrites: 100000, maxAccountRequests: 100000, maxKeyRequests: 100000, windowMs: 1000, minIntervalMs: 0 } }));
  try {
    await testConnectionAndChooseAccount();
  } finally {
    await ext.worker.evaluate(() => chrome.storage.local.remove('testClientConfig'));
  }
});

async function testConnectionAndChooseAccount() {
  const page = await ext.context.newPage();
  await page.goto(`chrome-extension://${ext.extensionId}/options.html`);
  // With a saved key, the list loads by itself.
  await page.waitForFunction(() => document.querySelectorAll('#accountId option').length === 3);
  await confirmedClick(page, 'Test connection');
  await page.getByText('Connected: 2 LinkedIn accounts available.').waitFor();
  const labels = await page.locator('#accountId option').allTextContents();
  assert.deepEqual(labels, ['Default', 'Demo Founder', 'John Doe'], 'ready accounts carry no mark');
  await page.getByLabel('Account').selectOption({ label: 'John Doe' });
  await confirmedClick(page, 'Save');
  await page.getByText('Saved.').waitFor();
  const { settings } = await ext.worker.evaluate(() => chrome.storage.local.get('settings'));
  assert.equal(settings.accountId, '60d21b4667d0d8992e610c85');
  // Back to the default account, and its data synced again.
  const since = Date.now();
  await page.getByLabel('Account').selectOption({ label: 'Default' });
  await confirmedClick(page, 'Save');
  await ext.worker.evaluate(() => new Promise((resolve) => {
    const check = () => chrome.storage.local.get('settings').then(({ settings }) => (settings.accountId === '' ? resolve() : setTimeout(check, 50)));
    check();
  }));
  assert.equal((await waitForIdle(ext.worker, since)).state, 'ok');
  assert.equal(await waitForBadge(ext.worker, (t) => t === '23'), '23');
  await page.close();
}

test('search, age filter and ordering on Sent', async () => {
  const s = scenario(DATA);
  const sent = await fetchAll(s, 'invitations/sent');
  await popup.click('#tab-sent');
  const target = sent[42].profile;
  await popup.fill('#search', target.lastName);
  const wantNames = sent.filter((i) => [i.profile.firstName + ' ' + i.profile.lastName, i.profile.headline]
    .some((f) => f.toLowerCase().includes(target.lastName.toLowerCase())));
  assert.equal(await rowCount(popup), wantNames.length);
  await popup.fill('#search', '');

  const weekOrMore = ['1 week ago', '2 weeks ago', '3 weeks ago', '1 month ago', '2 months ago', '5 months ago', '1 year ago'];
  await popup.selectOption('#older', '1');
  assert.equal(await rowCount(popup), sent.filter((i) => weekOrMore.includes(i.sentAt)).length);
  await popup.selectOption('#older', '2');
  assert.equal(await rowCount(popup), sent.filter((i) => weekOrMore.slice(1).includes(i.sentAt)).length);
  await popup.selectOption('#order', 'oldest');
  assert.equal(await popup.locator('#list .time').first().textContent(), '2 weeks ago');
  await popup.selectOption('#older', '0');
  await popup.selectOption('#order', 'newest');
  assert.equal(await popup.locator('#list .time').first().textContent(), 'just now');
  assert.equal(await rowCount(popup), sent.length);
});

test('CSV export downloads the current tab with proper quoting', async () => {
  await popup.click('#tab-sent');
  await popup.selectOption('#older', '2');
  const n = await rowCount(popup);
  const [download] = await Promise.all([popup.waitForEvent('download'), popup.click('#export')]);
  assert.match(download.suggestedFilename(), /^pending-sent-\d{4}-\d\d-\d\d\.csv$/);
  const text = fs.readFileSync(await download.path(), 'utf8').replace(/^\ufeff/, '');
  const lines = text.split('\r\n').filter(Boolean);
  assert.equal(lines[0], 'Name,Profile URL,Headline,Time,Category,Company,Newsletter,Message');
  assert.equal(lines.length, n + 1);
  // Every cell is quoted.
  assert.ok(lines.slice(1).every((l) => l.startsWith('"') && l.endsWith('"') && l.includes('","https://www.linkedin.com/in/')));
  const firstName = await popup.locator('#list .name').first().textContent();
  assert.ok(lines[1].startsWith(`"${firstName}","https://www.linkedin.com/in/`), lines[1]);
  await popup.selectOption('#older', '0');
});

test('connections load a page at a time and the sort order reaches the API', async () => {
  await popup.click('#tab-connections');
  await popup.locator('#list > li').first().waitFor();
  assert.equal(await rowCount(popup), 12);
  assert.equal(await popup.textContent('#loaded'), '12 loaded');
  await popup.getByRole('button', { name: 'Load more' }).click();
  await waitForRows(popup, 24);
  // Scrolled to the end of the (virtual) list: the next page loads by itself.
  await popup.locator('#sentinel').scrollIntoViewIfNeeded();
  await waitForRows(popup, 30);
  await popup.getByText('All 30 connections loaded').waitFor();
  assert.equal(await popup.textContent('#count-connections'), '30');
  assert.equal(await popup.locator('#list > li[aria-posinset="30"]').count(), 1, 'the last row is rendered at the end');

  await popup.selectOption('#conn-sort', 'lastName');
  await waitForRows(popup, 12);
  // (Scrolling through the rows may load the next page: every name loaded is in order.)
  const names = await allTexts(popup, '.name');
  assert.ok(names.length >= 12, String(names.length));
  const lasts = names.map((n) => n.split(' ').slice(1).join(' '));
  assert.deepEqual(lasts, [...lasts].sort((a, b) => a.localeCompare(b)));

  // A search with no match keeps the end of the list in view: it searches the loaded
  // rows and loads nothing by itself (it would walk the whole network); "Load more"
  // searches one page further.
  await popup.fill('#search', 'zzzz-no-such-name');
  // A page already on its way (it may wait for the pacing) still arrives; after it,
  // nothing loads by itself.
  const idle = () => popup.waitForFunction(() => {
    const more = document.querySelector('#load-more');
    return more.hidden || !more.disabled;
  }, null, { timeout: 90_000 });
  const loadedNow = async () => Number((await popup.textContent('#loaded')).match(/\d+/)[0]);
  await idle();
  const loaded = await loadedNow();
  await popup.getByText(loaded < 30 ? `None of the ${loaded} loaded connections match` : 'Nothing matches these filters.').waitFor();
  await popup.waitForTimeout(1500);
  assert.equal(await loadedNow(), loaded, 'no page loaded by itself');
  if (loaded < 30) {
    await popup.getByRole('button', { name: 'Load more' }).click();
    await popup.waitForFunction((n) => Number(document.querySelector('#loaded').textContent.match(/\d+/)?.[0]) > n, loaded, { timeout: 90_000 });
    await idle();
    // One page further (30 in all: the last page ends the list, and the words say so).
    await popup.getByText(loaded + 12 < 30 ? `None of the ${loaded + 12} loaded connections match` : 'Nothing matches these filters.').waitFor();
  }
  await popup.fill('#search', '');
  await popup.waitForFunction(() => Number(document.querySelector('#list > li')?.getAttribute('aria-setsize') ?? 0) >= 24);
});

test('keyboard: arrow keys move between tabs and rows', async () => {
  await popup.click('#tab-sent');
  await popup.focus('#tab-sent');
  await popup.keyboard.press('ArrowRight');
  assert.equal(await popup.evaluate(() => document.activeElement.id), 'tab-received');
  assert.equal(await popup.getAttribute('#tab-received', 'aria-selected'), 'true');
  await popup.focus('#list > li:first-child');
  await popup.keyboard.press('ArrowDown');
  assert.equal(await popup.evaluate(() => [...document.querySelectorAll('#list > li')].indexOf(document.activeElement)), 1);
  const focused = () => popup.evaluate(() => document.activeElement.getAttribute('aria-posinset'));
  await popup.keyboard.press('End');
  const last = String(await rowCount(popup));
  assert.equal(await focused(), last);
  assert.ok(await rowInView(popup, last), 'the last row is scrolled into view');
  await popup.keyboard.press('ArrowUp');
  assert.equal(await focused(), String(Number(last) - 1));
  await popup.keyboard.press('Home');
  assert.equal(await focused(), '1');
  assert.ok(await rowInView(popup, 1));
  // Only the focused row is reached with Tab (roving tabindex), with its link and
  // buttons: Tab from row 2 goes to row 2's own controls, not to another row's.
  await popup.keyboard.press('ArrowDown');
  assert.equal(await focused(), '2');
  assert.equal(await popup.locator('#list > li[tabindex="0"]').count(), 1);
  const tabbable = await popup.evaluate(() => [...document.querySelectorAll('#list a, #list button')]
    .filter((n) => n.tabIndex >= 0).map((n) => n.closest('li').getAttribute('aria-posinset')));
  assert.ok(tabbable.length >= 1 && tabbable.every((p) => p === '2'), JSON.stringify(tabbable));
  await popup.keyboard.press('Tab');
  assert.equal(await popup.evaluate(() => document.activeElement.closest('li')?.getAttribute('aria-posinset')), '2');
  await popup.click('#tab-sent');
});

const FAULTS = [
  ['fault=401', /API key was rejected/, '!'],
  ['fault=403', /trial or subscription/, '!'],
  ['fault=404', /No active LinkedIn account/, '!'],
  ['fault=429&wait=3600000&reset=hold', /Rate limited by the API: refreshes wait until/, '23'],
  ['fault=nonjson', /cannot read/, '23'],
  ['fault=malformed', /cannot read/, '23'],
  ['fault=repeat&on=sent', /paging did not advance/, '23'],
];

/** Switches faults on MAIN at run time (`''`: off again). */
async function setFault(s, query) {
  const r = await fetch(`${s.statsUrl.replace(/__stats$/, '__fault')}${query ? `?${query}` : ''}`);
  assert.ok(r.ok);
}

/** Asks the background for a refresh, as the popup's button does, and waits for its end. */
async function refreshNow(page, timeoutMs) {
  const since = Date.now();
  await page.evaluate(() => chrome.runtime.sendMessage({ type: 'refresh', reason: 'test' }));
  return waitForIdle(ext.worker, since, timeoutMs);
}

for (const [fault, message, badge] of FAULTS) {
  test(`fault ${fault}: a clear message, and the previous data stays`, async () => {
    await setFault(MAIN, fault);
    try {
      const status = await refreshNow(popup);
      assert.equal(status.state, 'error', JSON.stringify(status));
      await popup.locator('#banner-text', { hasText: message }).waitFor();
      assert.equal(await popup.textContent('#count-sent'), '160', 'the last good snapshot is kept');
      assert.equal(await rowCount(popup), 160);
      assert.match(await popup.textContent('#freshness'), /\(stale\)/);
      assert.equal(await waitForBadge(ext.worker, (t) => t === badge), badge);
      if (fault.startsWith('fault=429')) {
        // The API said when it takes requests again: until then the refresh button and
        // a page of connections send nothing, and say why.
        await setFault(MAIN, '');
        const requests = async () => (await (await fetch(MAIN.statsUrl)).json()).requests;
        const before = await requests();
        assert.equal((await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'refresh', reason: 'button' }))).type, 'done');
        const reply = await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'connections', startIndex: 0, limit: 12, sortBy: 'recentlyAdded' }));
        assert.equal(reply.type, 'error');
        assert.equal(reply.error.kind, 'rate_limited');
        await popup.waitForTimeout(1000);
        assert.equal(await requests(), before, 'nothing sent before the retry time');
        await popup.locator('#banner-text', { hasText: message }).waitFor();
        // The time has come (moved forward in storage): the next refresh goes.
        await ext.worker.evaluate(async () => {
          const { status } = await chrome.storage.local.get('status');
          status.error.retryAt = Date.now() - 1;
          await chrome.storage.local.set({ status });
        });
        assert.equal((await refreshNow(popup)).state, 'ok');
        assert.ok(await requests() > before);
      }
    } finally {
      await setFault(MAIN, '');
    }
  });
}

test('server errors and offline: retried, then reported with the data kept', async () => {
  for (const [fault, message] of [
    ['fault=502', /API had a problem \(502\)/],
    ['fault=reset', /Offline or the API cannot be reached/],
  ]) {
    await setFault(MAIN, fault);
    try {
      const status = await refreshNow(popup, 40_000);
      assert.equal(status.state, 'error');
      await popup.locator('#banner-text', { hasText: message }).waitFor();
      assert.equal(await rowCount(popup), 160);
      assert.equal(await waitForBadge(ext.worker, (t) => t === '23'), '23');
    } finally {
      await setFault(MAIN, '');
    }
  }
});

test('untrusted names render as text and script URLs are not links', async () => {
  const s = scenario('sent=3&received=3&connections=3&evil=1');
  await configureThroughOptions(ext.context, ext.extensionId, { apiKey: API_KEY, baseUrl: s.baseUrl });
  await waitForBadge(ext.worker, (t) => t === '3');
  const page = await openPopup();
  for (const tab of ['sent', 'received', 'connections']) {
    await page.click(`#tab-${tab}`);
    await page.locator('#list > li').first().waitFor();
    const first = page.locator('#list > li').first();
    assert.match(await first.locator('.name').textContent(), /^<img src=x onerror="window.__pwned=1">/);
    assert.equal(await first.locator('a').count(), 0, 'javascript: URL is not a link');
    assert.equal(await page.locator('#list img, #list script, #list b').count(), 0);
    assert.ok((await page.locator('#list a[href^="https://www.linkedin.com/in/"]').count()) >= 2, 'safe URLs stay links');
  }
  await page.mouse.move(10, 200);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  await page.close();
});

test('a worker stopped mid-sync restarts the sync when it wakes', async () => {
  const s = scenario('sent=31&received=12&fault=slow&wait=6000&times=1');
  const since = Date.now();
  await configureThroughOptions(ext.context, ext.extensionId, { apiKey: API_KEY, baseUrl: s.baseUrl });
  // The first request hangs for 6 s: stop the worker while the sync waits on it.
  await new Promise((r) => setTimeout(r, 1_000));
  const page = await ext.context.newPage();
  await page.goto(`chrome-extension://${ext.extensionId}/options.html`);
  const read = (key) => page.evaluate((k) => chrome.storage.local.get(k).then((r) => r[k]), key);
  assert.equal((await read('status')).state, 'syncing');
  const cdp = await ext.context.newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await new Promise((r) => setTimeout(r, 500));
  // Any event wakes the worker; its first turn sees the interrupted sync and restarts it.
  await page.evaluate(() => chrome.runtime.sendMessage({ type: 'ping' }).catch(() => null));
  const until = Date.now() + 30_000;
  let status;
  while (Date.now() < until) {
    status = await read('status');
    if (status.state !== 'syncing' && status.at >= since) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(status.state, 'ok', JSON.stringify(status));
  const snapshot = await read('snapshot');
  assert.deepEqual([snapshot.counts.sent, snapshot.counts.received], [31, 12]);
  // The hung request (received come first), then a whole new sync (2 received pages,
  // 4 sent): the first sync did not finish in the stopped worker. (The options page
  // lists accounts too.)
  const { byEndpoint } = await (await fetch(s.statsUrl)).json();
  assert.deepEqual([byEndpoint.received, byEndpoint.sent], [1 + 2, 4], JSON.stringify(byEndpoint));
  assert.equal(await page.evaluate(() => chrome.action.getBadgeText({})), '12');
  ext.worker = ext.context.serviceWorkers().at(-1) ?? ext.worker;
  await page.close();
});

test('a 500-item walk stopped twice goes on from its next page: at most the paging floor + 2 requests', async () => {
  // Every sent page takes 250 ms at the mock: the walk of 51 sent pages lasts ~13 s,
  // and the worker is stopped twice in the middle of it.
  await ext.worker.evaluate(() => chrome.storage.local.set({ testClientConfig: { maxRequests: 100000, maxWrites: 100000, maxAccountRequests: 100000, maxKeyRequests: 100000, windowMs: 1000, minIntervalMs: 0 } }));
  try {
    const s = scenario('sent=500&received=5&fault=slow&on=sent&wait=250');
    const since = Date.now();
    await configureThroughOptions(ext.context, ext.extensionId, { apiKey: API_KEY, baseUrl: s.baseUrl });
    const page = await ext.context.newPage();
    await page.goto(`chrome-extension://${ext.extensionId}/options.html`);
    const read = (key) => page.evaluate((k) => chrome.storage.local.get(k).then((r) => r[k]), key);
    const cdp = await ext.context.newCDPSession(page);
    await cdp.send('ServiceWorker.enable');
    const progressAtStop = [];
    for (const atPages of [12, 30]) {
      // Stop the worker once the sent walk has reached this many pages.
      const until = Date.now() + 60_000;
      while (Date.now() < until) {
        const st = await read('status');
        if (st?.progress?.list === 'sent' && st.progress.pages >= atPages) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const header = await read('walk');
      progressAtStop.push(header?.sent?.pages);
      await cdp.send('ServiceWorker.stopAllWorkers');
      await new Promise((r) => setTimeout(r, 300));
      // Any event wakes the worker; its first turn resumes the walk from storage.
      await page.evaluate(() => chrome.runtime.sendMessage({ type: 'ping' }).catch(() => null));
    }
    assert.ok(progressAtStop.every((p) => p >= 12), `the walk had progressed at each stop: ${progressAtStop}`);
    const until = Date.now() + 90_000;
    let status;
    while (Date.now() < until) {
      status = await read('status');
      if (status?.state !== 'syncing' && status?.at >= since) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(status.state, 'ok', JSON.stringify(status));
    const snapshot = await read('snapshot');
    assert.deepEqual([snapshot.counts.sent, snapshot.counts.received], [500, 5]);
    assert.equal(new Set(snapshot.sent.map((i) => i.invitationId)).size, 500, 'no invitation twice');
    // The floor: 1 received page, 51 sent pages (the last one empty). Each stop may cost
    // the one request it interrupted.
    const { byEndpoint } = await (await fetch(s.statsUrl)).json();
    const walked = byEndpoint.received + byEndpoint.sent;
    assert.ok(walked <= 52 + 2, `${walked} list requests for a floor of 52: ${JSON.stringify(byEndpoint)}`);
    assert.ok(byEndpoint.sent >= 51);
    // The walk's keys are gone once the sync ended.
    const keys = await page.evaluate(() => chrome.storage.local.get(null).then((r) => Object.keys(r)));
    assert.deepEqual(keys.filter((k) => k.startsWith('walk')), []);
    ext.worker = ext.context.serviceWorkers().at(-1) ?? ext.worker;
    await page.close();
  } finally {
    ext.worker = ext.context.serviceWorkers().at(-1) ?? ext.worker;
    await ext.worker.evaluate(() => chrome.storage.local.remove('testClientConfig'));
  }
});

test('badge: the chosen categories, "99+" above 99, and the refresh alarm follows the setting', async () => {
  const s = scenario('sent=1&received=150');
  const received = await fetchAll(s, 'invitations/received');
  const since = Date.now();
  await configureThroughOptions(ext.context, ext.extensionId, { apiKey: API_KEY, baseUrl: s.baseUrl, refreshMinutes: 30 });
  // The badge shows the received invitations as soon as they are in, before the sent walk.
  assert.equal(await waitForBadge(ext.worker, (t) => t === '99+', 30_000, { idle: false }), '99+');
  assert.equal((await waitForIdle(ext.worker, since)).state, 'ok');
  const alarm = await ext.worker.evaluate(() => chrome.alarms.get('refresh'));
  assert.equal(alarm.periodInMinutes, 30);

  const events = received.filter((r) => r.invitationCategory === 'EVENT').length;
  const orgs = received.filter((r) => r.invitationCategory === 'ORGANIZATION').length;
  // Categories and the period do not change what is fetched: the badge is re-drawn from
  // the stored snapshot, without a new sync.
  const fetched = async () => (await (await fetch(s.statsUrl)).json()).byEndpoint;
  const before = { byEndpoint: await fetched(), status: (await ext.worker.evaluate(() => chrome.storage.local.get('status'))).status };
  await configureThroughOptions(ext.context, ext.extensionId, {
    apiKey: API_KEY, baseUrl: s.baseUrl, refreshMinutes: 15, badgeCategories: ['EVENT', 'ORGANIZATION'],
  });
  assert.equal(await waitForBadge(ext.worker, (t) => t === String(events + orgs)), String(events + orgs));
  assert.equal((await ext.worker.evaluate(() => chrome.alarms.get('refresh'))).periodInMinutes, 15);
  await new Promise((r) => setTimeout(r, 500));
  const after = await fetched();
  assert.deepEqual([after.sent, after.received], [before.byEndpoint.sent, before.byEndpoint.received], 'no new sync');
  assert.deepEqual((await ext.worker.evaluate(() => chrome.storage.local.get('status'))).status, before.status);
  const { settings } = await ext.worker.evaluate(() => chrome.storage.local.get('settings'));
  assert.deepEqual(settings.badgeCategories, ['ORGANIZATION', 'EVENT']);
  // Back to all categories for the tests that follow.
  await configureThroughOptions(ext.context, ext.extensionId, {
    apiKey: API_KEY, baseUrl: s.baseUrl, badgeCategories: ['CONNECTION', 'ORGANIZATION', 'NEWSLETTER', 'EVENT', 'MEMBER_FOLLOW', 'OTHER'],
  });
  assert.equal((await ext.worker.evaluate(() => chrome.storage.local.get('settings'))).settings.badgeCategories.length, 0);
});

test("another API key never shows the previous key's data", async () => {
  const s = scenario(`${DATA}&fault=401`);
  const since = Date.now();
  await configureThroughOptions(ext.context, ext.extensionId, { apiKey: 'sk_other_account_key', baseUrl: s.baseUrl });
  await waitForIdle(ext.worker, since);
  await popup.locator('#banner-text', { hasText: /API key was rejected/ }).waitFor();
  await popup.waitForFunction(() => document.querySelectorAll('#list > li').length === 0);
  assert.equal(await rowCount(popup), 0);
  assert.equal(await popup.textContent('#count-sent'), '');
  assert.equal(await popup.textContent('#freshness'), 'Not loaded yet');
  // Nor does the next popup paint it first: saving the settings dropped the early copy.
  const next = await ext.context.newPage();
  await next.goto(`chrome-extension://${ext.extensionId}/popup.html`);
  await next.waitForFunction(() => performance.getEntriesByName('pending:rows').length > 0);
  assert.equal(await next.evaluate(() => localStorage.getItem('pending.firstScreen')), null);
  assert.equal(await rowCount(next), 0);
  await next.close();
});

test('empty lists say so, and an empty badge', async () => {
  const s = scenario('sent=0&received=0&connections=0');
  await configureThroughOptions(ext.context, ext.extensionId, { apiKey: API_KEY, baseUrl: s.baseUrl });
  assert.equal(await waitForBadge(ext.worker, (t) => t === ''), '');
  const page = await openPopup();
  await page.getByText('No pending sent invitations.').waitFor();
  await page.click('#tab-received');
  await page.getByText('No pending invitations to answer.').waitFor();
  await page.click('#tab-connections');
  await page.getByText('All 0 connections loaded').waitFor();
  assert.equal(await page.locator('#list > li').count(), 0);
  assert.ok(await page.locator('#export').isDisabled());
  await page.close();
});

test('the API key appears nowhere in the DOM, console or error text', async () => {
  const s = scenario(`${DATA}&fault=401`);
  const since = Date.now();
  await configureThroughOptions(ext.context, ext.extensionId, { apiKey: API_KEY, baseUrl: s.baseUrl });
  await waitForIdle(ext.worker, since);
  await popup.locator('#banner-text', { hasText: /API key was rejected/ }).waitFor();
  const options = await ext.context.newPage();
  await options.goto(`chrome-extension://${ext.extensionId}/options.html`);
  await options.locator('#apiKey').waitFor();
  await confirmedClick(options, 'Test connection');
  await options.getByText(/API key was rejected/).waitFor();
  for (const page of [popup, options]) {
    const html = await page.evaluate(() => document.documentElement.outerHTML + document.body.innerText);
    assert.ok(!html.includes(API_KEY), `key in the DOM of ${page.url()}`);
  }
  const { status } = await ext.worker.evaluate(() => chrome.storage.local.get('status'));
  assert.ok(!JSON.stringify(status).includes(API_KEY));
  assert.ok(!(await ext.worker.evaluate(() => chrome.action.getTitle({}))).includes(API_KEY));
  assert.ok(consoleLines.every((l) => !l.includes(API_KEY)), 'key in console output');
  await options.close();
});

test('newer API edition: short pages, exact connection count, notes and newsletter names', async () => {
  const s = scenario('eol=1&short=1&sent=12&received=23&connections=45');
  const received = await fetchAll(s, 'invitations/received');
  assert.equal(received.length, 23);
  await configureThroughOptions(ext.context, ext.extensionId, { apiKey: API_KEY, baseUrl: s.baseUrl });
  assert.equal(await waitForBadge(ext.worker, (t) => t === '23'), '23', 'short pages mid-list are not the end');
  const page = await openPopup();
  await page.locator('#list > li').first().waitFor();
  assert.equal(await page.textContent('#count-received'), '23');
  await page.click('#tab-received');
  const newsletters = received.filter((r) => r.invitationCategory === 'NEWSLETTER');
  assert.ok(newsletters.length > 0);
  const shown = await allTexts(page, '.newsletter');
  assert.deepEqual(shown, newsletters.map((r) => `Newsletter: ${r.newsletterName}`));
  const notes = received.filter((r) => r.customMessage).map((r) => r.customMessage);
  assert.ok(notes.length > 0);
  assert.deepEqual(await allTexts(page, '.message'), notes, 'customMessage notes are shown');

  await page.click('#tab-connections');
  await page.locator('#list > li').first().waitFor();
  assert.equal(await page.textContent('#count-connections'), '45', 'the exact count, before the list is loaded');
  assert.equal(await page.textContent('#loaded'), '12 of 45 loaded');
  for (let i = 0; i < 20 && !(await page.getByText('All 45 connections loaded').isVisible()); i++) {
    // The button hides once the last page arrives: a click racing it gives up quickly.
    await page.getByRole('button', { name: 'Load more' }).click({ timeout: 2_000 }).catch(() => {});
    await page.waitForTimeout(100);
  }
  await page.getByText('All 45 connections loaded').waitFor();
  assert.equal(await rowCount(page), 45, 'short connection pages mid-list lose nothing');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  assert.match(download.suggestedFilename(), /^pending-connections-45-of-45-\d{4}-\d\d-\d\d\.csv$/);
  await page.close();
});

test('LinkedIn not returning a list: retried, then its own words, and the last data stays', async () => {
  // Fast backoff for this test only (test-only storage key, not a user setting).
  await ext.worker.evaluate(() => chrome.storage.local.set({ testClientConfig: { backoffBaseMs: 20, backoffMaxMs: 40 } }));
  // The first sync's two received pages answer; every later received request is a 502
  // INVITATIONS_UNAVAILABLE.
  const s = scenario('eol=1&sent=5&received=7&fault=unavailable&on=received&after=2');
  await configureThroughOptions(ext.context, ext.extensionId, { apiKey: API_KEY, baseUrl: s.baseUrl });
  assert.equal(await waitForBadge(ext.worker, (t) => t === '7'), '7');
  const page = await openPopup();
  await page.locator('#list > li').first().waitFor();
  const since = Date.now();
  await page.click('#refresh');
  const status = await waitForIdle(ext.worker, since);
  assert.equal(status.error.kind, 'unavailable', JSON.stringify(status));
  await page.locator('#banner-text', { hasText: /LinkedIn is not returning this list right now/ }).waitFor();
  assert.equal(await page.textContent('#count-received'), '7', 'never a count of 0');
  assert.equal(await page.textContent('#count-sent'), '5');
  assert.equal(await waitForBadge(ext.worker, (t) => t === '7'), '7');
  const { byEndpoint } = await (await fetch(s.statsUrl)).json();
  assert.equal(byEndpoint.received, 2 + 6, 'one attempt and five retries, then the typed error');
  await ext.worker.evaluate(() => chrome.storage.local.remove('testClientConfig'));
  await page.close();
});

test('messy real-world data: readable items counted, the rest said in words, refreshes keep working', async () => {
  // The mock's one 429 carries an unreadable reset time: the default wait applies
  // (shortened here through the test-only storage key).
  await ext.worker.evaluate(() => chrome.storage.local.set({ testClientConfig: { defaultRateLimitWaitMs: 200, rateLimitMarginMs: 50 } }));
  const s = scenario('messy=1&sent=30&received=23&connections=12');
  await configureThroughOptions(ext.context, ext.extensionId, { apiKey: API_KEY, baseUrl: s.baseUrl });
  const { unreadable } = await (await fetch(s.statsUrl)).json();
  const want = { sent: 30 - 2, received: 23 - 2 };
  assert.deepEqual([unreadable.sent, unreadable.received], [2, 2]);
  assert.equal(await waitForBadge(ext.worker, (t) => t === String(want.received)), String(want.received), 'a numeric badge');
  const page = await openPopup();
  await page.locator('#list > li').first().waitFor();
  assert.equal(await page.textContent('#count-sent'), String(want.sent));
  assert.equal(await page.textContent('#count-received'), String(want.received));
  assert.equal(await page.textContent('#skipped'), '2 invitations could not be read and are not counted.');
  // Its tooltip names where, worded from the paths Rust keeps (never serde's English).
  const where = (await page.getAttribute('#skipped', 'title')).split('\n');
  assert.equal(where.length, 2, where.join(' | '));
  for (const line of where) assert.match(line, /^Could not read: invitations\[\d+\](\.[A-Za-z.]+)?$/, line);
  assert.equal(await rowCount(page), want.sent);
  assert.ok((await page.locator('#list .name', { hasText: 'Zoë \ufffd' }).count()) === 1, 'a lone surrogate shows as U+FFFD');
  assert.equal(await page.locator('#banner').isVisible(), false, 'never a blocking error');
  await page.click('#tab-received');
  assert.equal(await rowCount(page), want.received);
  assert.equal(await page.textContent('#skipped'), '2 invitations could not be read and are not counted.');
  // A connection that cannot be read is said too: the loaded count never silently
  // falls short of the total.
  assert.equal(unreadable.connections, 1);
  await page.click('#tab-connections');
  await page.locator('#list > li').first().waitFor();
  assert.equal(await page.textContent('#skipped'), '1 connection could not be read and is not shown.');
  await page.locator('#sentinel').scrollIntoViewIfNeeded();
  await page.getByText('All 11 connections loaded').waitFor();
  assert.equal(await page.textContent('#skipped'), '1 connection could not be read and is not shown.');
  await page.click('#tab-received');
  // A second refresh works the same.
  const since = Date.now();
  await page.click('#refresh');
  assert.equal((await waitForIdle(ext.worker, since)).state, 'ok');
  assert.equal(await page.textContent('#count-received'), String(want.received));
  await ext.worker.evaluate(() => chrome.storage.local.remove('testClientConfig'));
  await page.close();
});

test('opening the popup refreshes only what is stale: received invitations, not 5,000 sent ones', async () => {
  await ext.worker.evaluate(() => chrome.storage.local.set({ testClientConfig: { maxRequests: 100000, maxWrites: 100000, maxAccountRequests: 100000, maxKeyRequests: 100000, windowMs: 1000, minIntervalMs: 0 } }));
  const s = scenario('sent=5000&received=40');
  await configureThroughOptions(ext.context, ext.extensionId, { apiKey: API_KEY, baseUrl: s.baseUrl });
  assert.equal(await waitForBadge(ext.worker, (t) => t === '40', 120_000), '40');
  const before = (await (await fetch(s.statsUrl)).json()).byEndpoint;
  assert.equal(before.sent, 501, 'the first sync walks everything');
  // The received invitations are 3 minutes old, the sent ones 10 minutes: opening the
  // popup refreshes the received ones only.
  await ext.worker.evaluate(() => chrome.storage.local.get('snapshot').then(({ snapshot }) => chrome.storage.local.set({
    snapshot: { ...snapshot, takenAtMs: Date.now() - 3 * 60_000, sentTakenAtMs: Date.now() - 10 * 60_000 },
  })));
  const since = Date.now();
  const page = await openPopup();
  assert.equal((await waitForIdle(ext.worker, since, 60_000)).state, 'ok');
  const after = (await (await fetch(s.statsUrl)).json()).byEndpoint;
  assert.deepEqual([after.sent - before.sent, after.received - before.received], [0, 5], JSON.stringify(after));
  await page.waitForFunction(() => document.querySelector('#count-sent').textContent === '5,000');
  // Opening it again right away fetches nothing.
  const page2 = await openPopup();
  await page2.waitForFunction(() => document.querySelector('#count-sent').textContent === '5,000');
  await new Promise((r) => setTimeout(r, 500));
  const again = (await (await fetch(s.statsUrl)).json()).byEndpoint;
  assert.deepEqual([again.sent, again.received], [after.sent, after.received]);
  // The options page says what a quiet day costs at these sizes.
  const options = await ext.context.newPage();
  await options.goto(`chrome-extension://${ext.extensionId}/options.html`);
  await options.getByText(/About 1,484 API requests a day without opening the popup, at your current 5,000 sent and 40 received invitations/).waitFor();
  await ext.worker.evaluate(() => chrome.storage.local.remove('testClientConfig'));
  await Promise.all([page.close(), page2.close(), options.close()]);
});

// ---- heavy accounts: 5,000 sent invitations ----

/** Holds a page's read of the stored snapshot until `window.__releaseSnapshot()` (runs
 * before the page's own scripts). */
function holdSnapshotRead() {
  const area = chrome.storage.local;
  const get = area.get.bind(area);
  let release;
  const released = new Promise((r) => { release = r; });
  window.__releaseSnapshot = release;
  window.__snapshotRead = false;
  area.get = (keys, ...rest) => {
    const wanted = keys === 'snapshot' || (Array.isArray(keys) && keys.includes('snapshot'));
    if (!wanted) return get(keys, ...rest);
    return released.then(() => { window.__snapshotRead = true; return get(keys, ...rest); });
  };
}

test('5,000 sent invitations: a virtualized list, its first screen, search, CSV, keyboard, storage', async () => {
  const N = 5000;
  // Fast pacing for this test only (the mock answers at once; 501 pages).
  await ext.worker.evaluate(() => chrome.storage.local.set({ testClientConfig: { maxRequests: 100000, maxWrites: 100000, maxAccountRequests: 100000, maxKeyRequests: 100000, windowMs: 1000, minIntervalMs: 0 } }));
  try {
    const s = scenario(`sent=${N}&received=12`);
    const sent = await fetchAll(s, 'invitations/sent');
    assert.equal(sent.length, N);
    await configureThroughOptions(ext.context, ext.extensionId, { apiKey: API_KEY, baseUrl: s.baseUrl });
    assert.equal(await waitForBadge(ext.worker, (t) => t === '12', 120_000), '12');
    const { snapshot } = await readStorage('snapshot');
    assert.equal(snapshot.sent.length, N);

    const page = await openPopup();
    await page.waitForFunction(() => performance.getEntriesByName('pending:rows').length > 0);
    assert.equal(await page.textContent('#count-sent'), N.toLocaleString('en-US'));
    assert.equal(await rowCount(page), N);
    assert.ok((await page.locator('#list > li').count()) < 60, 'only the rows in view (and the overscan) are in the DOM');
    assert.ok(await domSize(page) <= 1000, `DOM elements: ${await domSize(page)}`);

    // The list is as tall as all its rows: scrolled to the bottom, the last row is there.
    await page.evaluate(() => { const v = document.getElementById('viewport'); v.scrollTop = v.scrollHeight; });
    const lastRow = page.locator(`#list > li[aria-posinset="${N}"]`);
    await lastRow.waitFor();
    const lastName = await lastRow.locator('.name').textContent();
    // Newest first with equal ages in the server's order: the mock's last item.
    assert.equal(lastName, `${sent[N - 1].profile.firstName} ${sent[N - 1].profile.lastName}`);
    assert.ok(await rowInView(page, N), 'the last row is inside the viewport');
    assert.ok(await lastRow.locator('.name').isVisible());
    assert.ok(await domSize(page) <= 1000);

    // CSV: exactly the filtered rows, all 5,000 of them, in the order shown.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
    const lines = fs.readFileSync(await download.path(), 'utf8').replace(/^\ufeff/, '').split('\r\n').filter(Boolean);
    assert.equal(lines.length, N + 1);
    assert.ok(lines[N].startsWith(`"${lastName}",`), lines[N]);

    // Search folds case; the count is the dataset's.
    await page.fill('#search', 'ANDERSEN');
    const want = sent.filter((i) => `${i.profile.firstName} ${i.profile.lastName} ${i.profile.headline}`.toLowerCase().includes('andersen')).length;
    assert.ok(want > 0 && want < N);
    await waitForRows(page, want);
    assert.equal(await page.locator('#list > li[aria-posinset="1"]').count(), 1, 'a new search shows its top');
    const [filtered] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
    assert.equal(fs.readFileSync(await filtered.path(), 'utf8').split('\r\n').filter(Boolean).length, want + 1);
    await page.fill('#search', '');
    await waitForRows(page, N);

    // Keyboard: End reaches the last of 5,000 rows, Home the first, PageDown a screen on.
    const focused = () => page.evaluate(() => document.activeElement.getAttribute('aria-posinset'));
    await page.focus('#list > li[aria-posinset="1"]');
    await page.keyboard.press('End');
    assert.equal(await focused(), String(N));
    assert.ok(await rowInView(page, N));
    await page.keyboard.press('ArrowUp');
    assert.equal(await focused(), String(N - 1));
    await page.keyboard.press('Home');
    assert.equal(await focused(), '1');
    await page.keyboard.press('ArrowDown');
    assert.equal(await focused(), '2');
    await page.keyboard.press('PageDown');
    const paged = Number(await focused());
    assert.ok(paged > 3, `PageDown moved to ${paged}`);
    assert.ok(await rowInView(page, paged));
    assert.ok(await domSize(page) <= 1000);

    // The popup stored its first screen: 40 rows of this account, newest first.
    const { firstScreen } = await readStorage('firstScreen');
    assert.equal(firstScreen.schema, 1);
    assert.equal(firstScreen.account, snapshot.account);
    assert.equal(firstScreen.rows.length, 40);
    assert.equal(firstScreen.summary.counts.sent, N);
    await page.close();

    // The next popup shows it before the snapshot is read, and does not store it again.
    await ext.worker.evaluate(() => {
      globalThis.__firstScreenWrites = 0;
      chrome.storage.onChanged.addListener((c) => { if (c.firstScreen) globalThis.__firstScreenWrites += 1; });
    });
    const held = await ext.context.newPage();
    await held.addInitScript(holdSnapshotRead);
    await held.goto(`chrome-extension://${ext.extensionId}/popup.html`);
    await held.locator('#list > li[aria-posinset="1"] .name').waitFor();
    assert.equal(await held.evaluate(() => window.__snapshotRead), false, 'shown before the snapshot was read');
    assert.equal(await held.textContent('#count-sent'), N.toLocaleString('en-US'));
    assert.equal(await rowCount(held), N);
    assert.equal(await held.textContent('#list > li[aria-posinset="1"] .name'), firstScreen.rows[0].name);
    assert.ok(await held.locator('#export').isDisabled(), 'no export of a part of the list');
    await held.evaluate(() => window.__releaseSnapshot());
    await held.waitForFunction(() => performance.getEntriesByName('pending:rows').length > 0);
    assert.ok(await held.locator('#export').isEnabled());
    assert.equal(await ext.worker.evaluate(() => globalThis.__firstScreenWrites), 0, 'unchanged: not written again');
    await held.close();

    // Before the first paint (when parsing ends, before popup.js has run), rows.js has
    // already drawn those rows from its localStorage copy: the same 40, the same count.
    const atParse = () => document.addEventListener('DOMContentLoaded', () => {
      window.__firstRow = document.querySelector('#list > li');
      window.__atParse = {
        moduleRan: performance.getEntriesByName('pending:first-rows').length > 0,
        rows: [...document.querySelectorAll('#list > li .name')].map((n) => n.textContent),
        count: document.getElementById('count-sent').textContent,
        links: [...document.querySelectorAll('#list a')].map((a) => a.href),
      };
    });
    const early = await ext.context.newPage();
    await early.addInitScript(atParse);
    await early.goto(`chrome-extension://${ext.extensionId}/popup.html`);
    await early.waitForFunction(() => performance.getEntriesByName('pending:rows').length > 0);
    const drawn = await early.evaluate(() => window.__atParse);
    assert.equal(drawn.moduleRan, false);
    assert.deepEqual(drawn.rows, firstScreen.rows.map((r) => r.name));
    assert.equal(drawn.count, N.toLocaleString('en-US'));
    assert.ok(drawn.links.every((h) => h.startsWith('https://www.linkedin.com/')), 'only profile links');
    assert.equal(await early.textContent('#list > li[aria-posinset="1"] .name'), firstScreen.rows[0].name);
    assert.equal(await early.locator('#list > li[aria-posinset="1"]').count(), 1, 'the early rows were taken over, not doubled');
    assert.ok(await early.evaluate(() => window.__firstRow.isConnected), 'the same rows are kept, not painted again');

    // A tampered copy paints only text and profile links, and Rust's reading replaces it.
    await early.evaluate(() => localStorage.setItem('pending.firstScreen', JSON.stringify({
      counts: { sent: 2, received: 1 },
      rows: [{ id: 'x', name: '<img src=x onerror=alert(1)>', url: 'javascript:alert(1)' }, { id: 'y', name: 'Other', url: 'https://evil.example/' }],
    })));
    await early.reload();
    await early.waitForFunction(() => performance.getEntriesByName('pending:rows').length > 0);
    const tampered = await early.evaluate(() => window.__atParse);
    assert.deepEqual(tampered.rows, ['<img src=x onerror=alert(1)>', 'Other']);
    assert.deepEqual(tampered.links, [], 'no link but to a LinkedIn profile');
    assert.equal(await early.locator('#list img').count(), 0);
    assert.equal(await early.textContent('#count-sent'), N.toLocaleString('en-US'));
    assert.equal(await early.textContent('#list > li[aria-posinset="1"] .name'), firstScreen.rows[0].name);
    assert.equal(JSON.parse(await early.evaluate(() => localStorage.getItem('pending.firstScreen'))).rows.length, 40, 'the copy is Rust\'s again');
    assert.equal(await early.evaluate(() => window.__firstRow.isConnected), false, 'a row that differs is built again');
    await early.close();

    // Storage: 10 MB (chrome.storage.local.QUOTA_BYTES, no unlimitedStorage) holds 5,000
    // invitations even with the longest notes (300) and headlines (220) LinkedIn allows.
    const sizes = await ext.worker.evaluate(async () => {
      const quota = chrome.storage.local.QUOTA_BYTES;
      const synced = await chrome.storage.local.getBytesInUse('snapshot');
      const { snapshot: snap } = await chrome.storage.local.get('snapshot');
      const note = 'Hello — I would love to connect. '.repeat(10).slice(0, 300);
      const headline = 'Head of Everything at Some Very Long Company Name '.repeat(5).slice(0, 220);
      snap.sent = snap.sent.map((s) => ({ ...s, message: note, profile: { ...s.profile, headline } }));
      await chrome.storage.local.set({ snapshot: snap });
      const longest = await chrome.storage.local.getBytesInUse('snapshot');
      const back = await chrome.storage.local.get('snapshot');
      return { quota, synced, longest, read: back.snapshot.sent.length };
    });
    console.log(`storage.local at ${N} sent: ${sizes.synced} bytes as synced, ${sizes.longest} with the longest texts, quota ${sizes.quota}`);
    assert.equal(sizes.read, N);
    assert.ok(sizes.longest < sizes.quota * 0.6, JSON.stringify(sizes));
    const big = await openPopup();
    await big.waitForFunction((n) => document.querySelector('#count-sent').textContent === n.toLocaleString('en-US'), N);
    await big.locator('#list > li[aria-posinset="1"] .message').waitFor();
    assert.equal((await big.textContent('#list > li[aria-posinset="1"] .message')).length, 300);
    await big.close();
  } finally {
    await ext.worker.evaluate(() => chrome.storage.local.remove('testClientConfig'));
  }
});

test('accessibility: no serious or critical axe violations on the popup and options page', async () => {
  const pages = [popup, await ext.context.newPage()];
  await pages[1].goto(`chrome-extension://${ext.extensionId}/options.html`);
  await pages[1].locator('#apiKey').waitFor();
  for (const page of pages) {
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.evaluate(AXE_SOURCE);
      const result = await page.evaluate(() => globalThis.axe.run(document, { resultTypes: ['violations'] }));
      assert.ok(Array.isArray(result.violations), 'axe ran');
      const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [], `${page.url()} (${scheme})`);
    }
  }
  await pages[1].close();
});

// ---- security: where the key goes, whose data is shown, traps, storage ----

/** The options page, with uncaught page errors collected. */
async function openOptions(errors = []) {
  const page = await ext.context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`chrome-extension://${ext.extensionId}/options.html`);
  await page.waitForFunction(() => document.querySelector('#refreshMinutes').options.length > 0);
  return page;
}

const readStorage = (keys) => ext.worker.evaluate((k) => chrome.storage.local.get(k), keys);

/** Polls storage.local until `accept(values)` holds; returns the values. */
async function waitForStorage(keys, accept, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  let values;
  while (Date.now() < until) {
    values = await readStorage(keys);
    if (accept(values)) return values;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`storage stayed ${JSON.stringify(values)}`);
}

test('the key goes only where the user meant: another host needs a second click', async () => {
  const s = scenario('sent=4&received=2');
  const page = await openOptions();
  await page.getByLabel('API key', { exact: true }).fill(API_KEY);
  if (!(await page.locator('#advanced').evaluate((d) => d.open))) await page.click('#advanced summary');
  await page.getByLabel('API base URL').fill(s.baseUrl);
  const before = (await readStorage('settings')).settings;
  const host = new URL(s.baseUrl).host;
  const warning = `Your API key will be sent to ${host}, which is not the official ConnectSafely API. Click Save again to confirm.`;

  // Save: the first click warns, naming the host, and saves nothing.
  await page.getByRole('button', { name: 'Save' }).click();
  await page.locator('#result', { hasText: warning }).waitFor();
  assert.deepEqual((await readStorage('settings')).settings, before, 'nothing saved on the first click');
  // Test connection is another button: its first click warns again, and sends nothing.
  const { requests } = await (await fetch(s.statsUrl)).json();
  await page.getByRole('button', { name: 'Test connection' }).click();
  await page.locator('#result', { hasText: 'Click Test connection again to confirm.' }).waitFor();
  assert.equal((await (await fetch(s.statsUrl)).json()).requests, requests, 'the key was not sent');
  // So Save warns again; a changed URL also asks again.
  await page.getByRole('button', { name: 'Save' }).click();
  await page.locator('#result', { hasText: warning }).waitFor();
  await page.getByLabel('API base URL').fill(`${s.baseUrl}/`);
  await page.getByRole('button', { name: 'Save' }).click();
  await page.locator('#result', { hasText: warning }).waitFor();
  assert.deepEqual((await readStorage('settings')).settings, before);
  // The second click on the same button confirms.
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Saved.').waitFor();
  assert.equal((await readStorage('settings')).settings.baseUrl, s.baseUrl);
  assert.equal(await waitForBadge(ext.worker, (t) => t === '2'), '2');

  // The official API needs no confirmation (no key here, so nothing is sent anywhere).
  await page.getByLabel('API key', { exact: true }).fill('');
  await page.getByLabel('API base URL').fill('https://api.connectsafely.ai/linkedin');
  await page.getByRole('button', { name: 'Save' }).click();
  await waitForStorage('settings', ({ settings }) => settings.baseUrl === 'https://api.connectsafely.ai/linkedin', 5_000);
  assert.equal(await page.textContent('#result'), 'Saved.');
  await page.close();
});

test('a sync cancelled by a settings change never writes its snapshot', async () => {
  // A's first request hangs for 4 s; the settings change to B (whose key is rejected)
  // while it waits.
  const a = scenario('sent=31&received=12&fault=slow&wait=4000&times=1');
  const b = scenario('sent=5&received=5&fault=401');
  const since = Date.now();
  await configureThroughOptions(ext.context, ext.extensionId, { apiKey: API_KEY, baseUrl: a.baseUrl });
  await ext.worker.evaluate(() => new Promise((resolve) => {
    const check = () => chrome.storage.local.get('status').then(({ status }) => (status?.state === 'syncing' ? resolve() : setTimeout(check, 50)));
    check();
  }));
  await configureThroughOptions(ext.context, ext.extensionId, { apiKey: API_KEY, baseUrl: b.baseUrl });
  const status = await waitForIdle(ext.worker, since);
  assert.equal(status.error?.kind, 'unauthorized', JSON.stringify(status));
  // Wait past the end of A's hung request: A neither goes on nor writes.
  await new Promise((r) => setTimeout(r, 4_500));
  const { snapshot } = await readStorage('snapshot');
  assert.equal(snapshot, undefined, `no snapshot: ${JSON.stringify(snapshot?.counts)}`);
  const { byEndpoint } = await (await fetch(a.statsUrl)).json();
  // The hung request was A's first (received come first); nothing followed it.
  assert.deepEqual([byEndpoint.received, byEndpoint.sent], [1, undefined], JSON.stringify(byEndpoint));
  const page = await openPopup();
  await page.locator('#banner-text', { hasText: /API key was rejected/ }).waitFor();
  assert.equal(await page.textContent('#count-sent'), '');
  await page.close();
});

/** Until no sync runs: the status is not `syncing` and no walk is stored. */
async function waitForNoSync(timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const { status, walk } = await ext.worker.evaluate(() => chrome.storage.local.get(['status', 'walk']));
    if (status?.state !== 'syncing' && walk === undefined) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('a sync is still running');
}

test("a snapshot of another account is never shown or counted", async () => {
  const s = scenario('sent=6&received=3');
  await configureThroughOptions(ext.context, ext.extensionId, { apiKey: API_KEY, baseUrl: s.baseUrl });
  assert.equal(await waitForBadge(ext.worker, (t) => t === '3'), '3');
  const { snapshot } = await readStorage('snapshot');
  assert.match(snapshot.account, /^[0-9a-f]{16}$/);
  assert.equal(snapshot.schema, 1);
  assert.ok(!JSON.stringify(snapshot).includes(API_KEY));
  // A late write of another account's data (as a superseded sync could have made).
  const page = await openPopup();
  await page.waitForFunction(() => document.querySelector('#count-sent').textContent === '6');
  // The popup's own refresh on opening, if it started one, is over: while a walk of this
  // account runs, its pages would show as the rows so far once the stored snapshot is
  // another account's.
  await page.waitForTimeout(500);
  await waitForNoSync();
  await ext.worker.evaluate((snap) => chrome.storage.local.set({
    snapshot: { ...snap, account: '0123456789abcdef', counts: { ...snap.counts, sent: 99, received: 42 } },
  }), snapshot);
  await page.waitForFunction(() => document.querySelector('#count-sent').textContent === '');
  assert.equal(await page.textContent('#freshness'), 'Not loaded yet');
  // The badge counts only this account's snapshot: a refresh of the badge (a badge
  // category change) shows nothing rather than 42.
  await configureThroughOptions(ext.context, ext.extensionId, { apiKey: API_KEY, baseUrl: s.baseUrl, badgeCategories: ['EVENT'] });
  assert.equal(await waitForBadge(ext.worker, (t) => t === ''), '');
  // The next sync writes this account's snapshot again.
  await refreshNow(page);
  await page.waitForFunction(() => document.querySelector('#count-sent').textContent === '6');
  await configureThroughOptions(ext.context, ext.extensionId, {
    apiKey: API_KEY, baseUrl: s.baseUrl, badgeCategories: ['CONNECTION', 'ORGANIZATION', 'NEWSLETTER', 'EVENT', 'MEMBER_FOLLOW', 'OTHER'],
  });
  assert.equal(await waitForBadge(ext.worker, (t) => t === '3'), '3');
  await page.close();
});

test('a trap in the WASM module: internal error in words, old counts kept, next refresh works', async () => {
  const s = scenario('sent=25&received=7');
  await configureThroughOptions(ext.context, ext.extensionId, { apiKey: API_KEY, baseUrl: s.baseUrl });
  assert.equal(await waitForBadge(ext.worker, (t) => t === '7'), '7');
  const page = await openPopup();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.waitForFunction(() => document.querySelector('#count-sent').textContent === '25');
  const send = (message) => page.evaluate((m) => chrome.runtime.sendMessage(m), message);

  // The test hook is refused unless storage.local holds `testHooks: true`.
  assert.equal((await send({ type: 'testTrap' })).type, 'error');
  await ext.worker.evaluate(() => chrome.storage.local.set({ testHooks: true }));
  try {
    assert.deepEqual(await send({ type: 'testTrap' }), { type: 'armed' });
    // The next sync traps after its first page.
    const status = await refreshNow(page);
    assert.equal(status.state, 'error');
    assert.equal(status.error.kind, 'internal', JSON.stringify(status));
    await page.locator('#banner-text', { hasText: 'Pending hit an internal error and restarted its engine.' }).waitFor();
    assert.equal(await page.textContent('#count-sent'), '25', 'the last good snapshot stays');
    assert.match(await page.textContent('#freshness'), /\(stale\)/);
    assert.equal(await waitForBadge(ext.worker, (t) => t === '7'), '7');
    // Nothing was left running: the next refresh runs on a fresh module and succeeds.
    const next = await refreshNow(page);
    assert.equal(next.state, 'ok', JSON.stringify(next));
    await page.waitForFunction(() => document.querySelector('#banner').hidden);
    assert.equal(await page.textContent('#count-sent'), '25');
    // Every other call into the module works again too.
    const accounts = await send({ type: 'test', settings: { apiKey: API_KEY, baseUrl: s.baseUrl } });
    assert.equal(accounts.accounts.length, 2);
  } finally {
    await ext.worker.evaluate(() => chrome.storage.local.remove('testHooks'));
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('garbage in storage: the pages render with words, and a refresh then works', async () => {
  const s = scenario('sent=8&received=4');
  const cases = [
    { settings: 'settings', snapshot: 42, status: [1, 2], firstScreen: 'rows' },
    { settings: null, snapshot: { counts: 'many', sent: {} }, status: { state: 'error', error: null }, firstScreen: [{ rows: [] }] },
    {
      settings: { apiKey: 7, baseUrl: { href: 'x' }, refreshMinutes: 'often', badgeCategories: 'EVENT', accountId: [] },
      snapshot: [],
      status: { schema: 1, state: 'error', error: { kind: 12 } },
      firstScreen: { schema: 1, account: null, summary: { takenAtMs: 1, counts: { sent: 999 } }, rows: 'many' },
    },
    {
      settings: { apiKey: '', baseUrl: 'javascript:alert(1)', refreshMinutes: -1 },
      snapshot: { schema: 1, account: null, counts: null },
      status: { schema: 99, state: 'ok', at: 'now' },
      firstScreen: { schema: 1, account: '0123456789abcdef', summary: { takenAtMs: 1, counts: { sent: 999 } }, rows: [{ id: '1', name: '<b>x</b>' }] },
    },
  ];
  for (const c of cases) {
    const label = JSON.stringify(c);
    await ext.worker.evaluate((v) => chrome.storage.local.set({ settings: v }), c.settings);
    // The background reads the garbage as "no key yet" (a status of its own, the first
    // time); then the rest of the garbage goes in, which it does not react to.
    await new Promise((r) => setTimeout(r, 500));
    await waitForStorage('status', ({ status }) => status?.state !== 'syncing');
    await ext.worker.evaluate((v) => chrome.storage.local.set({ snapshot: v.snapshot, status: v.status, firstScreen: v.firstScreen }), c);
    const errors = [];
    const popupPage = await ext.context.newPage();
    popupPage.on('pageerror', (e) => errors.push(String(e)));
    await popupPage.goto(`chrome-extension://${ext.extensionId}/popup.html`);
    await popupPage.getByText('Add your ConnectSafely API key').waitFor();
    assert.equal(await popupPage.textContent('#freshness'), 'Not loaded yet', label);
    assert.equal(await popupPage.textContent('#count-sent'), '', label);
    assert.equal(await popupPage.locator('#list > li').count(), 0, label);
    const options = await openOptions(errors);
    assert.equal(await options.inputValue('#apiKey'), '', label);
    assert.equal(await options.inputValue('#baseUrl'), 'https://api.connectsafely.ai/linkedin', label);
    assert.equal(await options.inputValue('#refreshMinutes'), '15', label);
    assert.deepEqual(errors, [], label);
    await Promise.all([popupPage.close(), options.close()]);
  }

  // An older schema: what the previous release stored (no schema, no account tag). The
  // settings are migrated and kept; the untagged snapshot is not shown; a refresh works.
  const since = Date.now();
  await ext.worker.evaluate(() => chrome.storage.local.clear());
  await ext.worker.evaluate((base) => chrome.storage.local.set({
    snapshot: { takenAtMs: Date.now(), counts: { sent: 999, received: 999, receivedByCategory: {} }, sent: [], received: [],
      cost: { requests: 1, pages: 1, retries: 0, durationMs: 1 } },
    status: { state: 'ok', at: Date.now() },
  }).then(() => chrome.storage.local.set({
    settings: { apiKey: 'sk_old_release_key', accountId: '', baseUrl: base, refreshMinutes: 30, badgeCategories: [] },
  })), s.baseUrl);
  const errors = [];
  const page = await ext.context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`chrome-extension://${ext.extensionId}/popup.html`);
  assert.notEqual(await page.textContent('#count-sent'), '999');
  await waitForStorage('status', ({ status }) => status?.state === 'ok' && status.at >= since);
  await page.waitForFunction(() => document.querySelector('#count-sent').textContent === '8');
  assert.equal(await waitForBadge(ext.worker, (t) => t === '4'), '4');
  const stored = await readStorage(['settings', 'snapshot', 'status']);
  assert.equal(stored.snapshot.schema, 1);
  assert.equal(stored.status.schema, 1);
  assert.equal((await ext.worker.evaluate(() => chrome.alarms.get('refresh'))).periodInMinutes, 30);
  assert.deepEqual(errors, []);
  await page.close();
});
