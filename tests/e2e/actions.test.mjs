// End-to-end: withdraw, accept and ignore in headless Chromium with dist-test/chrome, against
// the mock API's write endpoints (which record every write: `__writes`). Nothing is sent
// before a confirmation or after Cancel; the bodies are exactly the documented ones; a
// bulk run acts on exactly the rows shown, paced, and can be stopped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { E2E_DIST, launchExtension, configureThroughOptions, waitForBadge, messages } from './chromium-helpers.mjs';
import { scenario, fetchAll } from './mock-helpers.mjs';

const API_KEY = 'sk_test_e2e_ACTIONS_77';
// The run's words are the en locale's (Rust sends counts and codes).
const msg = messages('en');
let ext;

before(async () => { ext = await launchExtension({ headless: true, dir: path.join(E2E_DIST, 'chrome') }); });
after(async () => { await ext?.close(); });

const writesOf = async (s) => (await (await fetch(s.baseUrl.replace(/\/linkedin$/, '/__writes'))).json()).writes;

async function openPopup() {
  const page = await ext.context.newPage();
  await page.goto(`chrome-extension://${ext.extensionId}/popup.html`);
  return page;
}

/** The worker's stored settings with these extra fields (options a user can set too). */
async function setSettings(extra) {
  await ext.worker.evaluate((x) => chrome.storage.local.get('settings')
    .then(({ settings }) => chrome.storage.local.set({ settings: { ...settings, ...x } })), extra);
}

test('one withdraw and one accept: nothing before confirming or after Cancel or Escape, exact bodies, the rows leave', async () => {
  const s = scenario('sent=6&received=4&eol=1');
  const sent = await fetchAll(s, 'invitations/sent');
  const received = await fetchAll(s, 'invitations/received');
  await configureThroughOptions(ext.context, ext.extensionId, { apiKey: API_KEY, baseUrl: s.baseUrl });
  assert.equal(await waitForBadge(ext.worker, (t) => t === '4'), '4');
  const page = await openPopup();
  await page.waitForFunction(() => document.querySelector('#count-sent').textContent === '6');

  const first = page.locator('#list > li').first();
  const id = await first.getAttribute('data-id');
  const item = sent.find((i) => i.invitationId === id);
  const name = `${item.profile.firstName} ${item.profile.lastName}`;
  const dialog = page.getByRole('dialog');

  // Cancel: nothing is sent.
  await first.getByRole('button', { name: /^Withdraw/ }).click();
  await dialog.waitFor();
  assert.ok((await dialog.textContent()).includes(name), 'the dialog names the person');
  assert.match(await dialog.textContent(), /three weeks/);
  assert.equal(await dialog.getByRole('button', { name: /^Withdraw/ }).count(), 1);
  await dialog.locator('#confirm-allowance', { hasText: 'withdraw 50 of 50' }).waitFor();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'hidden' });
  // Escape: nothing is sent either; the focus stays inside the dialog while it is open.
  await first.getByRole('button', { name: /^Withdraw/ }).click();
  await dialog.waitFor();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  assert.ok(await page.evaluate(() => document.getElementById('confirm').contains(document.activeElement)), 'focus trapped');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(await writesOf(s), []);

  // Confirmed: one write with the documented body; the row leaves the list.
  await first.getByRole('button', { name: /^Withdraw/ }).click();
  await dialog.getByRole('button', { name: /^Withdraw/ }).click();
  await page.waitForFunction(() => document.querySelector('#count-sent').textContent === '5', null, { timeout: 30_000 });
  let writes = await writesOf(s);
  assert.equal(writes.length, 1);
  assert.equal(writes[0].endpoint, 'withdraw');
  assert.equal(writes[0].body.profileId, item.profile.publicIdentifier);
  assert.equal(writes[0].body.invitationId, item.invitationId);
  for (const key of Object.keys(writes[0].body)) assert.ok(['profileId', 'invitationId', 'memberId', 'accountId'].includes(key), key);
  assert.equal(await page.locator(`#list > li[data-id="${id}"]`).count(), 0);
  await page.locator('#run-text', { hasText: `${msg('done_withdraw', 1)}.` }).waitFor();
  assert.equal(await page.textContent('#run-text'), '1 withdrawn.');

  // Accept on the Received tab: the badge follows without a sync.
  await page.click('#tab-received');
  const row = page.locator('#list > li').first();
  const rid = await row.getAttribute('data-id');
  const r = received.find((i) => i.invitationId === rid);
  await row.getByRole('button', { name: /^Accept/ }).click();
  await dialog.getByRole('button', { name: /^Accept/ }).click();
  assert.equal(await waitForBadge(ext.worker, (t) => t === '3'), '3');
  writes = await writesOf(s);
  assert.equal(writes.length, 2);
  const body = writes[1].body;
  assert.equal(writes[1].endpoint, 'respond');
  assert.equal(body.action, 'ACCEPT');
  assert.equal(body.invitationId, r.invitationId);
  assert.equal(body.validationToken, r.validationToken);
  assert.equal(body.firstName, r.profile.firstName);
  await page.close();
});

test('withdraw all: exactly the rows shown, paced on the mock, stopped mid-run, with a summary', async () => {
  const s = scenario('sent=40&received=0&eol=1');
  const sent = await fetchAll(s, 'invitations/sent');
  await configureThroughOptions(ext.context, ext.extensionId, { apiKey: API_KEY, baseUrl: s.baseUrl });
  await waitForBadge(ext.worker, () => true);
  await setSettings({ actionGapMs: 4000 });
  const page = await openPopup();
  await page.waitForFunction(() => document.querySelector('#count-sent').textContent === '40');
  // A search that keeps a few rows: the bulk action acts on exactly those.
  const term = sent[3].profile.lastName;
  const expected = sent.filter((i) => `${i.profile.firstName} ${i.profile.lastName}`.toLowerCase().includes(term.toLowerCase()));
  assert.ok(expected.length >= 2 && expected.length < 40, `${expected.length} rows for "${term}"`);
  await page.fill('#search', term);
  const bulk = page.getByRole('button', { name: `Withdraw all (${expected.length})` });
  await bulk.click();
  const dialog = page.getByRole('dialog');
  assert.match(await dialog.textContent(), new RegExp(`Withdraw ${expected.length} invitations\\?`));
  await dialog.getByRole('button', { name: /^Withdraw/ }).click();
  await page.locator('#run-text', { hasText: /Withdrawing: \d+ of/ }).waitFor();
  const until = Date.now() + 60_000;
  while (Date.now() < until && (await writesOf(s)).length < expected.length) await new Promise((r) => setTimeout(r, 200));
  const writes = await writesOf(s);
  assert.deepEqual(writes.map((w) => w.body.invitationId).sort(), expected.map((i) => i.invitationId).sort());
  const at = writes.map((w) => w.at);
  for (let i = 1; i < at.length; i++) assert.ok(at[i] - at[i - 1] >= 3_900, `writes ${at[i] - at[i - 1]} ms apart`);
  await page.locator('#run-text', { hasText: `${msg('done_withdraw', expected.length)}.` }).waitFor({ timeout: 15_000 });

  // A second run over the rest, stopped after its first write: nothing more is sent.
  await page.fill('#search', '');
  await page.getByRole('button', { name: /^Withdraw all \(/ }).click();
  await dialog.getByRole('button', { name: /^Withdraw/ }).click();
  const before = writes.length;
  while ((await writesOf(s)).length < before + 1) await new Promise((r) => setTimeout(r, 100));
  await page.getByRole('button', { name: 'Stop' }).click();
  await page.locator('#run-text', { hasText: /not sent/ }).waitFor({ timeout: 15_000 });
  const afterStop = (await writesOf(s)).length;
  await new Promise((r) => setTimeout(r, 5_000));
  assert.equal((await writesOf(s)).length, afterStop, 'nothing is sent after Stop');
  assert.ok(afterStop <= before + 2);
  const stopped = await page.textContent('#run-text');
  assert.ok(stopped.endsWith(` ${msg('stop_user')}`), stopped);
  assert.match(stopped, new RegExp(`^\\d+ withdrawn, \\d+ not sent\\. Stopped\\.$`), stopped);
  await page.close();
});

test('the Sent tab\'s age chart: five labelled bars; a click filters the list to its bar, and Withdraw all follows', async () => {
  const s = scenario('sent=160&received=0&eol=1');
  await configureThroughOptions(ext.context, ext.extensionId, { apiKey: API_KEY, baseUrl: s.baseUrl });
  await waitForBadge(ext.worker, () => true);
  const page = await openPopup();
  await page.waitForFunction(() => document.querySelector('#count-sent').textContent === '160');
  const bars = page.locator('#ages button');
  assert.equal(await bars.count(), 5);
  const labels = await bars.evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-label')));
  assert.match(labels[0], /^\d+ This week \(pending invitations of this age\)$/);
  const counts = labels.map((l) => Number(l.match(/^(\d+) /)[1]));
  assert.equal(counts.reduce((a, b) => a + b, 0), 160, labels.join(' | '));
  const i = counts.findIndex((c) => c > 0 && c < 160);
  await bars.nth(i).click();
  assert.equal(await bars.nth(i).getAttribute('aria-pressed'), 'true');
  await page.getByRole('button', { name: `Withdraw all (${counts[i]})` }).waitFor();
  await bars.nth(i).click();
  await page.getByRole('button', { name: 'Withdraw all (160)' }).waitFor();
  await page.close();
});

test('a run survives a stopped worker without repeating a write, and its summary names the already gone and the failed', async () => {
  // The first withdraw finds the invitation already gone (400), the second fails (500).
  const s = scenario('sent=6&received=0&eol=1&on=withdraw&fault=gone&times=1');
  await configureThroughOptions(ext.context, ext.extensionId, { apiKey: API_KEY, baseUrl: s.baseUrl });
  await waitForBadge(ext.worker, () => true);
  await setSettings({ actionGapMs: 4000 });
  const page = await openPopup();
  await page.waitForFunction(() => document.querySelector('#count-sent').textContent === '6');
  await page.getByRole('button', { name: 'Withdraw all (6)' }).click();
  await page.getByRole('dialog').getByRole('button', { name: /^Withdraw/ }).click();
  while ((await writesOf(s)).length < 1) await new Promise((r) => setTimeout(r, 100));
  await fetch(s.baseUrl.replace(/\/linkedin$/, '/__fault?on=withdraw&fault=500&times=1'));
  while ((await writesOf(s)).length < 3) await new Promise((r) => setTimeout(r, 100));
  // The worker stops mid-run (as Chrome stops idle workers) and wakes on a message.
  const cdp = await ext.context.newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await new Promise((r) => setTimeout(r, 500));
  await page.evaluate(() => chrome.runtime.sendMessage({ type: 'allowance', action: 'withdraw' }).catch(() => null));
  await page.locator('#run-text', { hasText: /withdrawn/ }).waitFor({ timeout: 90_000 });
  const writes = await writesOf(s);
  const ids = writes.map((w) => w.body.invitationId);
  assert.equal(new Set(ids).size, ids.length, `no write repeated: ${ids}`);
  assert.ok(writes.length <= 6);
  const text = await page.textContent('#run');
  assert.ok(text.includes(msg('runGone', 1)), text);
  assert.ok(text.includes(msg('runFailed', 1)), text);
  // The failure is named with its reason, worded from its code, status and the API's words.
  const details = await page.textContent('#run-details');
  assert.ok(details.includes(`: ${msg('reason_server', 500, 'Failed to fetch invitations')}`), details);
  assert.ok(details.includes(': The API had a problem (HTTP 500). Failed to fetch invitations'), details);
  ext.worker = ext.context.serviceWorkers().at(-1) ?? ext.worker;
  await page.close();
});
