// End-to-end in headless Firefox ESR: dist-test/firefox (`make build-test`) installed as
// a temporary add-on through geckodriver (plain WebDriver over HTTP), against the mock
// API that `make test` starts. The core flow: options, badge, popup counts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { scenario, fetchAll, FIRST_SYNC } from './mock-helpers.mjs';
import { E2E_DIST, messages } from './chromium-helpers.mjs';

const GECKO_ID = JSON.parse(fs.readFileSync(path.join(E2E_DIST, 'firefox/manifest.json'), 'utf8')).browser_specific_settings.gecko.id;
const UUID = '6f1c2a55-4b8e-4d8f-9a59-2f3c1d0e7a11';
const BASE = `moz-extension://${UUID}`;
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

let driver;
let port;
let session;

async function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

async function wd(method, url, body) {
  const r = await fetch(`http://127.0.0.1:${port}${url}`, {
    method, headers: { 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : undefined,
  });
  const json = await r.json();
  if (!r.ok) throw new Error(`${method} ${url}: ${JSON.stringify(json.value)}`);
  return json.value;
}

const s = (url) => `/session/${session}${url}`;
const run = (script, ...args) => wd('POST', s('/execute/sync'), { script, args });
const runAsync = (script, ...args) => wd('POST', s('/execute/async'), { script, args });
const find = async (css) => (await wd('POST', s('/element'), { using: 'css selector', value: css }))[ELEMENT];
const type = async (css, text) => {
  const id = await find(css);
  await wd('POST', s(`/element/${id}/clear`), {});
  await wd('POST', s(`/element/${id}/value`), { text });
};
const click = async (css) => wd('POST', s(`/element/${await find(css)}/click`), {});

/** Save on the options page for a base URL other than the official API: the first click
 * warns, naming the host that would receive the key; the second confirms. */
async function saveConfirmed(baseUrl) {
  await click('#save');
  const host = new URL(baseUrl).host;
  await waitFor(() => run('return document.querySelector("#result").textContent.startsWith(arguments[0])', `Your API key will be sent to ${host},`));
  await click('#save');
  await waitFor(() => run('return document.querySelector("#result").textContent === "Saved."'));
}

/** The options page, open and ready (its selects filled). */
async function openOptions() {
  await openExtensionPage('options.html');
  await waitFor(() => run('return document.querySelector("#refreshMinutes").options.length > 0'));
}

/** On the open options page: the key (none when `apiKey` is empty) and the API base URL,
 * saved past the other-host confirmation. */
async function saveSettings(baseUrl, apiKey = 'sk_firefox_e2e_key') {
  if (apiKey) await type('#apiKey', apiKey);
  if (!(await run('return document.querySelector("#advanced").open'))) await click('#advanced summary');
  await type('#baseUrl', baseUrl);
  await saveConfirmed(baseUrl);
}

/** WebDriver cannot navigate to moz-extension:// URLs; open them as a tab from chrome context. */
async function openExtensionPage(page) {
  const before = await wd('GET', s('/window/handles'));
  await wd('POST', s('/moz/context'), { context: 'chrome' });
  await run(`gBrowser.selectedTab = gBrowser.addTab(arguments[0], {
    triggeringPrincipal: Services.scriptSecurityManager.getSystemPrincipal() });`, `${BASE}/${page}`);
  await wd('POST', s('/moz/context'), { context: 'content' });
  const after = await wd('GET', s('/window/handles'));
  const handle = after.find((h) => !before.includes(h));
  await wd('POST', s('/window'), { handle });
  await waitFor(() => run('return document.readyState === "complete" && location.href.startsWith("moz-extension:")'));
}

async function waitFor(check, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  let last;
  while (Date.now() < until) {
    last = await check().catch((e) => e);
    if (last === true || (last && !(last instanceof Error) && last !== false)) return last;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out; last: ${last}`);
}

before(async () => {
  port = await freePort();
  driver = spawn(process.env.GECKODRIVER ?? 'geckodriver', ['--port', String(port), '--allow-system-access'], { stdio: 'ignore' });
  await waitFor(() => fetch(`http://127.0.0.1:${port}/status`).then((r) => r.ok), 20_000);
  const created = await wd('POST', '/session', {
    capabilities: { alwaysMatch: { browserName: 'firefox', 'moz:firefoxOptions': {
      binary: process.env.FIREFOX ?? '/usr/bin/firefox-esr',
      args: ['-headless'],
      prefs: { 'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: UUID }), 'datareporting.policy.dataSubmissionEnabled': false },
    } } },
  });
  session = created.sessionId;
  const addon = fs.readFileSync(path.join(E2E_DIST, 'pending-firefox.zip')).toString('base64');
  await wd('POST', s('/moz/addon/install'), { addon, temporary: true });
});

after(async () => {
  if (session) await wd('DELETE', s('')).catch(() => {});
  driver?.kill();
});

test('Firefox: options → badge → popup counts match the dataset', async () => {
  const sc = scenario('sent=27&received=14&connections=5');
  const sent = await fetchAll(sc, 'invitations/sent');
  const received = await fetchAll(sc, 'invitations/received');

  await openOptions();
  await saveSettings(sc.baseUrl);

  const badge = await waitFor(async () => {
    const text = await runAsync('browser.action.getBadgeText({}).then(arguments[0])');
    return text === String(received.length) ? text : false;
  });
  assert.equal(badge, '14');

  await openExtensionPage('popup.html');
  // The badge comes with the received invitations, before the sent walk ends; the sent
  // rows show as they come, their count "so far" until the sync has stored them all.
  await waitFor(() => run('return document.querySelector("#count-sent").textContent === arguments[0]', String(sent.length)));
  assert.equal(await run('return document.querySelector("#count-received").textContent'), String(received.length));
  // The list is virtualized: every rendered row carries the list's size and its position.
  const shown = () => run('return Number(document.querySelector("#list > li")?.getAttribute("aria-setsize") ?? 0)');
  assert.equal(await shown(), sent.length);
  await run('const v = document.getElementById("viewport"); v.scrollTop = v.scrollHeight;');
  const last = await waitFor(() => run('return document.querySelector(`#list > li[aria-posinset="${arguments[0]}"] .name`)?.textContent ?? false', sent.length));
  const newest = sent.at(-1).profile;
  assert.equal(last, `${newest.firstName} ${newest.lastName}`);
  await click('#tab-received');
  assert.equal(await shown(), received.length);
  const stored = await runAsync('browser.storage.local.get("snapshot").then((r) => arguments[0](r.snapshot.counts))');
  assert.equal(stored.received, received.length);
});

test('Firefox: a rejected key shows its message and a "!" badge', async () => {
  const sc = scenario('sent=2&received=1&fault=401');
  await openOptions();
  await saveSettings(sc.baseUrl, '');
  await waitFor(async () => (await runAsync('browser.action.getBadgeText({}).then(arguments[0])')) === '!');
  await openExtensionPage('popup.html');
  const text = await waitFor(() => run('const t = document.querySelector("#banner-text").textContent; return t.includes("rejected") && t'));
  assert.match(text, /The API key was rejected/);
});

test('Firefox: a trap in the WASM module shows the internal error, the counts stay, the next refresh works', async () => {
  const sc = scenario('sent=12&received=3');
  await openOptions();
  await saveSettings(sc.baseUrl);
  await waitFor(async () => (await runAsync('browser.action.getBadgeText({}).then(arguments[0])')) === '3');
  await openExtensionPage('popup.html');
  await waitFor(() => run('return document.querySelector("#count-sent").textContent === "12"'));
  const send = (message) => runAsync('browser.runtime.sendMessage(arguments[0]).then(arguments[1])', message);
  const refreshed = () => runAsync(`browser.runtime.sendMessage({ type: 'refresh', reason: 'test' })
    .then(() => browser.storage.local.get('status')).then((r) => arguments[0](r.status))`);

  assert.equal((await send({ type: 'testTrap' })).type, 'error', 'refused without the storage flag');
  await runAsync('browser.storage.local.set({ testHooks: true }).then(() => arguments[0]())');
  try {
    assert.deepEqual(await send({ type: 'testTrap' }), { type: 'armed' });
    const status = await refreshed();
    assert.equal(status.error?.kind, 'internal', JSON.stringify(status));
    await waitFor(() => run('return document.querySelector("#banner-text").textContent.includes("internal error")'));
    assert.equal(await run('return document.querySelector("#count-sent").textContent'), '12');
    assert.equal(await runAsync('browser.action.getBadgeText({}).then(arguments[0])'), '3');
    const next = await refreshed();
    assert.equal(next.state, 'ok', JSON.stringify(next));
  } finally {
    await runAsync('browser.storage.local.remove("testHooks").then(() => arguments[0]())');
  }
});

test('Firefox: messy real-world data: readable items counted, the rest said in words, a second refresh works', async () => {
  const sc = scenario('messy=1&sent=20&received=16');
  await openOptions();
  // The mock's one 429 has an unreadable reset time: the default wait applies, shortened
  // here through the test-only storage key.
  await runAsync('browser.storage.local.set({ testClientConfig: { defaultRateLimitWaitMs: 200, rateLimitMarginMs: 50 } }).then(() => arguments[0](true))');
  await saveSettings(sc.baseUrl);
  const { unreadable } = await (await fetch(sc.statsUrl)).json();
  assert.deepEqual([unreadable.sent, unreadable.received], [2, 2]);
  const idle = () => runAsync('browser.storage.local.get("status").then((r) => arguments[0](r.status?.state === "ok" && r.status.at))');
  await waitFor(async () => (await runAsync('browser.action.getBadgeText({}).then(arguments[0])')) === '14' && idle());
  await openExtensionPage('popup.html');
  await waitFor(() => run('return document.querySelector("#count-sent").textContent === "18"'));
  assert.equal(await run('return document.querySelector("#count-received").textContent'), '14');
  await waitFor(() => run('return document.querySelector("#skipped").textContent === "2 invitations could not be read and are not counted."'));
  assert.equal(await run('return document.querySelector("#banner").hidden'), true, 'never a blocking error');
  const before = await idle();
  await click('#refresh');
  await waitFor(async () => { const at = await idle(); return Boolean(at && at > before); });
  assert.equal(await run('return document.querySelector("#count-received").textContent'), '14');
  await runAsync('browser.storage.local.remove("testClientConfig").then(() => arguments[0](true))');
});

test('Firefox: one withdraw and one accept, each only after its confirmation; Cancel sends nothing', async () => {
  const sc = scenario('sent=5&received=3&eol=1');
  const sent = await fetchAll(sc, 'invitations/sent');
  const received = await fetchAll(sc, 'invitations/received');
  const writes = async () => (await (await fetch(sc.baseUrl.replace(/\/linkedin$/, '/__writes'))).json()).writes;
  await openOptions();
  await saveSettings(sc.baseUrl);
  await waitFor(async () => (await runAsync('browser.action.getBadgeText({}).then(arguments[0])')) === '3');
  await openExtensionPage('popup.html');
  await waitFor(() => run('return document.querySelector("#count-sent").textContent === "5"'));

  const id = await run('return document.querySelector("#list > li").dataset.id');
  const item = sent.find((i) => i.invitationId === id);
  await click('#list > li [data-action="withdraw"]');
  await waitFor(() => run('return document.querySelector("#confirm").open'));
  assert.match(await run('return document.querySelector("#confirm").textContent'), /three weeks/);
  await click('#confirm-cancel');
  await waitFor(() => run('return !document.querySelector("#confirm").open'));
  assert.deepEqual(await writes(), []);
  await click('#list > li [data-action="withdraw"]');
  await waitFor(() => run('return document.querySelector("#confirm").open'));
  assert.match(await run('return document.querySelector("#confirm-ok").textContent'), /^Withdraw/);
  await click('#confirm-ok');
  await waitFor(() => run('return document.querySelector("#count-sent").textContent === "4"'));
  let w = await writes();
  assert.equal(w.length, 1);
  assert.equal(w[0].body.profileId, item.profile.publicIdentifier);
  assert.equal(w[0].body.invitationId, item.invitationId);

  await click('#tab-received');
  const rid = await run('return document.querySelector("#list > li").dataset.id');
  const r = received.find((i) => i.invitationId === rid);
  await click('#list > li [data-action="accept"]');
  await waitFor(() => run('return document.querySelector("#confirm").open'));
  await click('#confirm-ok');
  await waitFor(async () => (await runAsync('browser.action.getBadgeText({}).then(arguments[0])')) === '2', 60_000);
  w = await writes();
  assert.equal(w.length, 2);
  assert.equal(w[1].body.action, 'ACCEPT');
  assert.equal(w[1].body.invitationId, r.invitationId);
  assert.equal(w[1].body.validationToken, r.validationToken);
});

test('Firefox: a first sync of 500 sent shows Received first, then the sent rows "so far" and the connections, then the final count; no 429', async () => {
  const sc = scenario(FIRST_SYNC.mock);
  await openOptions();
  await runAsync('browser.storage.local.set({ testClientConfig: arguments[0] }).then(() => arguments[1](true))', FIRST_SYNC.pacing);
  try {
    await saveSettings(sc.baseUrl, 'sk_firefox_e2e_first');
    await openExtensionPage('popup.html');
    const count = (list) => run('return document.querySelector(`#count-${arguments[0]}`).textContent', list);
    const rows = () => run('return Number(document.querySelector("#list > li")?.getAttribute("aria-setsize") ?? 0)');
    await waitFor(async () => (await count('received')) === String(FIRST_SYNC.received));
    const pages = await runAsync('browser.storage.local.get("walk").then((r) => arguments[0](r.walk?.sent?.pages ?? 0))');
    assert.ok(pages < (FIRST_SYNC.sent / 10 + 1) / 3, `Received final at sent page ${pages}`);
    await click('#tab-received');
    await waitFor(async () => (await rows()) === FIRST_SYNC.received);
    await click('#tab-sent');
    const during = await waitFor(async () => {
      const [text, n] = [await count('sent'), await rows()];
      return /^\d[\d,]* so far$/.test(text) && n > 0 && n < FIRST_SYNC.sent && { text, n };
    }, 60_000);
    assert.equal(during.text, `${during.n.toLocaleString('en-US')} so far`);
    // The Connections tab's first page within seconds, during the walk.
    await click('#tab-connections');
    await waitFor(async () => (await rows()) > 0, 10_000);
    assert.match(await count('sent'), /so far$/, 'the connections came during the walk');
    await click('#tab-sent');
    await waitFor(async () => (await count('sent')) === String(FIRST_SYNC.sent), 120_000);
    assert.equal(await rows(), FIRST_SYNC.sent);
    const { limited } = await (await fetch(sc.statsUrl)).json();
    assert.equal(limited, 0, 'paced below the mock\'s limit: no 429');
  } finally {
    await runAsync('browser.storage.local.remove("testClientConfig").then(() => arguments[0](true))');
  }
});

test('Firefox: the acceptance line says "not known yet" after one sync, and the rate after two', async () => {
  const msg = messages('en');
  const sc = scenario('sent=30&received=2&connections=10&eol=1');
  await openOptions();
  await saveSettings(sc.baseUrl);
  const idle = () => runAsync('browser.storage.local.get("status").then((r) => arguments[0](r.status?.state === "ok" && r.status.at))');
  await waitFor(async () => (await runAsync('browser.action.getBadgeText({}).then(arguments[0])')) === '2' && idle());
  await openExtensionPage('popup.html');
  await waitFor(() => run('return document.querySelector("#count-sent").textContent === "30"'));
  const line = () => run('return document.querySelector("#accept-line")?.textContent ?? ""');
  await waitFor(async () => (await line()).includes(msg('acceptNoHistory')));
  assert.doesNotMatch(await line(), /%/, 'never 0% before a second sync');
  // 3 accept and the oldest expires on the mock; then a refresh: 3 of the 30 sent.
  await fetch(sc.baseUrl.replace(/\/linkedin$/, '/__advance?accept=3&expire=1'));
  const before = await idle();
  await click('#refresh');
  await waitFor(async () => { const at = await idle(); return Boolean(at && at > before); }, 60_000);
  const expected = msg('acceptLine', '3', '30', '10%', '30');
  await waitFor(async () => (await line()).includes(expected));
});
