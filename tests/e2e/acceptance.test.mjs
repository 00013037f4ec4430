// End-to-end: acceptance tracking and the pending invitations' health in headless
// Chromium with dist-test/chrome, against the mock API, which accepts and expires
// invitations on request (`__advance`). A first sync, then acceptances and expiries,
// then a refresh: the counts, the rate and the outcomes match what the mock did; at
// most 3 pages of connections are read for it; the quota shows as used of limit; past
// the threshold a warning offers the oldest; nothing is ever written.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { E2E_DIST, launchExtension, configureThroughOptions, waitForBadge, waitForIdle, messages } from './chromium-helpers.mjs';
import { scenario, fetchAll } from './mock-helpers.mjs';

const API_KEY = 'sk_test_e2e_ACCEPT_19';
const msg = messages('en');
// The mock's age labels under 30 days (its items' `sentAt`), and those of 3 weeks or more.
const WITHIN_30_DAYS = new Set(['just now', '3 hours ago', '1 day ago', '2 days ago', '4 days ago', '1 week ago', '2 weeks ago', '3 weeks ago']);
const AT_LEAST_3_WEEKS = new Set(['3 weeks ago', '1 month ago', '2 months ago', '5 months ago', '1 year ago']);
let ext;

before(async () => { ext = await launchExtension({ headless: true, dir: path.join(E2E_DIST, 'chrome') }); });
after(async () => { await ext?.close(); });

const stats = async (s) => (await fetch(s.statsUrl)).json();

test('acceptances: counted right after a second sync, gone never accepted, at most 3 connection pages, quota, warning, no write', async () => {
  // 240 sent: the newest "just now", the oldest "1 month ago"; 40 old connections.
  const s = scenario('sent=240&received=2&connections=40&eol=1');
  // Test pacing (the pacing itself is tested elsewhere): two walks of 240 in seconds.
  await ext.worker.evaluate(() => chrome.storage.local.set({ testClientConfig: { maxRequests: 100000, windowMs: 1000, minIntervalMs: 0 } }));
  await configureThroughOptions(ext.context, ext.extensionId, { apiKey: API_KEY, baseUrl: s.baseUrl });
  await waitForBadge(ext.worker, (t) => t === '2', 60_000);
  // A low threshold, as a user may set it on the options page.
  await ext.worker.evaluate(() => chrome.storage.local.get('settings')
    .then(({ settings }) => chrome.storage.local.set({ settings: { ...settings, pendingWarnAt: 200, oldestWeeks: 3 } })));
  const page = await ext.context.newPage();
  await page.goto(`chrome-extension://${ext.extensionId}/popup.html`);
  await page.waitForFunction(() => document.querySelector('#count-sent').textContent === '240');

  // Before a second sync: no history, said in words, never a percentage.
  const line = page.locator('#accept-line');
  await line.filter({ hasText: msg('acceptNoHistory') }).waitFor();
  assert.doesNotMatch(await line.textContent(), /%/);
  assert.equal(await page.locator('#accept-details').isHidden(), true);
  const first = await stats(s);
  assert.equal(first.byEndpoint.connections ?? 0, 0, 'nothing left yet: no connection read');
  assert.equal(first.byEndpoint.quota, 1, 'the quota, once per sync');

  // On LinkedIn: 6 accept (recent ones), the 3 oldest expire.
  const moved = await (await fetch(s.baseUrl.replace(/\/linkedin$/, '/__advance?accept=6&expire=3'))).json();
  assert.deepEqual([moved.accepted.length, moved.expired.length], [6, 3]);
  const pending = await fetchAll(s, 'invitations/sent');
  const since = Date.now();
  await page.click('#refresh');
  await waitForIdle(ext.worker, since, 90_000);
  const second = await stats(s);
  const checks = (second.byEndpoint.connections ?? 0) - (first.byEndpoint.connections ?? 0);
  assert.ok(checks >= 1 && checks <= 3, `${checks} connection pages for the check`);
  assert.equal(second.byEndpoint.quota, 2, 'one quota read per sync');

  // The history: exactly the mock's acceptances as accepted, its expiries as gone.
  const { acceptance } = await ext.worker.evaluate(() => chrome.storage.local.get('acceptance'));
  const by = (o) => acceptance.entries.filter((e) => e.outcome === o).map((e) => e.id).sort();
  assert.deepEqual(by('accepted'), [...moved.accepted].sort());
  assert.deepEqual(by('gone'), [...moved.expired].sort());
  assert.equal(acceptance.entries.length, 9);

  // The rate: accepted ÷ sent in the last 30 days (pending or left since; the expired
  // ones are older than that).
  const sent = pending.filter((i) => WITHIN_30_DAYS.has(i.sentAt)).length + moved.accepted.length;
  const percent = `${Math.round((moved.accepted.length * 100) / sent)}%`;
  const expected = msg('acceptLine', String(moved.accepted.length), String(sent), percent, '30');
  await page.locator('#accept-line', { hasText: expected }).waitFor();
  const spoken = await page.locator('#accept-line .sr-only').textContent();
  assert.ok(spoken.startsWith(msg('acceptTitle', '30', String(sent), String(moved.accepted.length), percent)), spoken);
  assert.equal(await line.getAttribute('title'), spoken, 'the hover says what the screen reader says');

  // Health: the pending count past the threshold, this week, LinkedIn's quota.
  const health = await page.locator('#health-line [aria-hidden]').textContent();
  assert.ok(health.startsWith(`${msg('healthPending', String(pending.length))} · `), health);
  assert.ok(health.includes(msg('healthQuotaWeek', '37', '90')), health);
  const warning = page.locator('#health-warn');
  await warning.filter({ hasText: msg('healthWarn', String(pending.length), '200') }).waitFor();

  // The details: the weekly chart (keyboard-reachable weeks named in words), who
  // accepted (LinkedIn profile links only), who left, and the history's CSV.
  await page.click('#accept-details summary');
  const weeks = page.locator('#accept-chart > li');
  assert.equal(await weeks.count(), 8);
  assert.match(await weeks.last().getAttribute('aria-label'), new RegExp(`, ${moved.accepted.length} accepted$`));
  await weeks.last().focus();
  assert.equal(await page.evaluate(() => document.activeElement?.closest('#accept-chart') != null), true);
  const links = await page.locator('#accepted-list a').evaluateAll((as) => as.map((a) => a.href));
  assert.equal(links.length, 6);
  assert.ok(links.every((h) => h.startsWith('https://www.linkedin.com/in/')), links.join(' '));
  assert.equal(await page.locator('#left-list li').count(), 3);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#history-export')]);
  assert.match(download.suggestedFilename(), /^pending-history-\d{4}-\d\d-\d\d\.csv$/);
  const csv = fs.readFileSync(await download.path(), 'utf8').replace(/^\ufeff/, '').split('\r\n').filter(Boolean);
  assert.equal(csv[0], '"Name","Profile URL","First seen","Sent","Left","Outcome"');
  assert.equal(csv.filter((l) => l.endsWith('"accepted"')).length, 6);
  assert.equal(csv.filter((l) => l.endsWith('"gone"')).length, 3);

  // "Show the oldest": the list keeps those older than 3 weeks, oldest first; the
  // bulk button counts them, and nothing is withdrawn unless confirmed.
  await page.click('#show-oldest');
  const oldest = pending.filter((i) => AT_LEAST_3_WEEKS.has(i.sentAt)).length;
  await page.waitForFunction((n) => Number(document.querySelector('#list > li')?.getAttribute('aria-setsize') ?? 0) === n, oldest);
  assert.equal(await page.locator('#older').inputValue(), '3');
  assert.equal(await page.locator('#order').inputValue(), 'oldest');
  assert.equal(await page.locator('#bulk-withdraw').textContent(), msg('act_withdraw_all', String(oldest)));
  await new Promise((r) => setTimeout(r, 500));
  const writes = (await (await fetch(s.baseUrl.replace(/\/linkedin$/, '/__writes'))).json()).writes;
  assert.deepEqual(writes, [], 'nothing is ever withdrawn without a confirmation');
  await page.close();
  await ext.worker.evaluate(() => chrome.storage.local.remove('testClientConfig'));
});
