// `make bench`: how fast the extension is where users feel it. Writes bench/results.md
// and prints it. Headless Chromium with dist/chrome, against the local mock.
//
// With BENCH_BASELINE=<another build's dist/chrome> (`make bench BASELINE=...`), that
// build (the baseline: say, the last commit before a migration) is measured in the same
// run, in a second Chromium of its own, on the same mock data: every timed step below
// alternates between the two builds (which one goes first alternates too), so both see
// the same machine state, and each figure is written with the baseline's beside it and
// the ratio current ÷ baseline. Without it, the current build's figures stand alone.
//
// 1. The demo dataset (225 sent, 37 received), production pacing: a full sync, popup
//    open, and a search keystroke.
// 2. A heavy account, fast test pacing (the test-only storage key `testClientConfig`;
//    the mock answers at once): 5,000 sent invitations, then 30,000 connections loaded
//    page by page in the open popup, through the background, as a user scrolling would.
//    Each figure is measured side by side with its reference, in the same run:
//    - first rows visible: the first row's paint (Element Timing, `elementtiming` on
//      the first row's name) from navigation start, for the popup and for a static copy
//      of the popup's final DOM (no script) loaded the same way; runs interleaved.
//    - popup open → the search answers: from navigation start until a query typed into
//      the search box as soon as the popup takes input shows its answer over the whole
//      snapshot (the module loaded, the stored snapshot read into the views, the query
//      answered), then the next frame. Its goal is relative to the baseline.
//    - a search keystroke: from the input event to the next frame (requestAnimationFrame,
//      then a task after it), p90, and the same loop on an input with no listener in the
//      same page.
//    - DOM elements in the popup, the most seen while opening, scrolling and searching.
// 3. Worker start → badge, a quiet day's requests (current build only: the policy, not
//    a speed), and the release .wasm gzipped as `make size` counts it.
// 4. A new heavy user's first sync (issue 18): 5,000 sent and 40 received, the
//    production pacing shrunk 50× (30 requests in 1.22 s, not 61 s: the walk keeps its
//    shape and takes seconds, not 17 minutes), the popup open when the key is saved.
//    From the sync's start: when Received is complete in the popup, when the first sent
//    rows show, and when the whole walk has ended (the final count), with the ratios.
//    `BENCH_ONLY=first-sync` runs this part alone and rewrites only its section of
//    bench/results.md.
import fs from 'node:fs';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import os from 'node:os';
import { launchExtension, configureThroughOptions, waitForBadge } from '../tests/e2e/chromium-helpers.mjs';

const mock = process.env.PENDING_MOCK_URL ?? 'http://127.0.0.1:8787';
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const RUNS = 21;
const SEARCH_RUNS = 21;
const SENT = 5000;
const CONNECTIONS = 30000;
// What the user types on opening the popup (a last name: about one row in twenty).
const QUERY = 'andersen';
const FIRST_SCREEN_ROWS = 40; // src/view/popup.rs: what the popup holds before the snapshot
const ONLY = process.env.BENCH_ONLY?.trim() || null;
// Part 4: the production pacing (30 requests per 61 s window) shrunk 50×.
const FIRST_SYNC_RECEIVED = 40;
const FIRST_SYNC_PACING = { maxRequests: 30, windowMs: 1220, minIntervalMs: 0 };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))];
const ms = (x) => x.toFixed(1);
const signed = (x) => `${x < 0 ? '−' : '+'}${Math.abs(x).toFixed(1)}`;
const times = (x) => `${x.toFixed(2)}×`;
const n = (x) => x.toLocaleString('en');

// What a user types: a name letter by letter, back to nothing, then other searches.
const TYPING = [
  ...['a', 'an', 'and', 'ande', 'ander', 'anders', 'anderse', 'andersen'],
  ...['anderse', 'anders', 'ander', 'ande', 'and', 'an', 'a', ''],
  ...['f', 'fo', 'fou', 'foun', 'found', 'founde', 'founder', ''],
  ...['m', 'mü', 'mül', 'müll', 'mülle', 'müller', ''],
  ...['v', 'va', 'van', 'van ', 'van d', 'van di', 'van dij', 'van dijk', ''],
];
const ROUNDS = 3;

/** `git describe` of the checkout holding `dir` (null outside one). */
function revisionOf(dir) {
  try {
    return execFileSync('git', ['-C', dir, 'describe', '--always', '--dirty'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

const baselineDir = process.env.BENCH_BASELINE?.trim() ? path.resolve(process.env.BENCH_BASELINE.trim()) : null;
if (baselineDir && !fs.existsSync(path.join(baselineDir, 'manifest.json'))) {
  throw new Error(`BENCH_BASELINE=${baselineDir} holds no manifest.json: build the baseline first (make build in its checkout; BENCH_BASELINE is its dist/chrome)`);
}
/** The builds measured: the current one (dist/chrome), then the baseline if any. Each
 * runs in its own Chromium with its own profile; both stay open for the whole run. */
const builds = [{ key: 'current', dir: path.join(root, 'dist', 'chrome') }];
if (baselineDir) builds.push({ key: 'baseline', dir: baselineDir });
const [cur, base] = builds;
/** The builds in the order of turn `i`: the first to go alternates. */
const inTurn = (i) => (i % 2 ? [...builds].reverse() : builds);

/** Opens the popup page of build `b` and waits until the whole snapshot is shown. */
async function openPopup(b) {
  const page = await b.context.newPage();
  await page.goto(`chrome-extension://${b.extensionId}/popup.html`);
  await page.waitForFunction(() => performance.getEntriesByName('pending:rows').length > 0, null, { timeout: 60_000 });
  return page;
}

/** The first paint of the element marked `elementtiming="first-row"`, ms since navigation start. */
async function firstRowPaint(page) {
  return page.evaluate(() => new Promise((resolve, reject) => {
    new PerformanceObserver((list) => {
      const found = list.getEntries().filter((e) => e.identifier === 'first-row').map((e) => e.renderTime || e.loadTime);
      if (found.length) resolve(Math.min(...found));
    }).observe({ type: 'element', buffered: true });
    setTimeout(() => reject(new Error('no first-row paint')), 10_000);
  }));
}

/** How many rows the popup of build `b`, fully loaded, shows for `query` on its Sent tab. */
async function searchCount(b, query) {
  const page = await openPopup(b);
  await page.fill('#search', query);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
  const count = await page.evaluate(() => Number(document.querySelector('#list > li')?.getAttribute('aria-setsize') ?? 0));
  await page.close();
  return count;
}

/** Popup open → the search answers: opens the popup of build `b` with a user who types
 * `query` into the search box as soon as it is there (and again whenever the popup,
 * starting, clears it), and returns when the list showed the answer over the whole
 * snapshot (`expected` rows, more than the first screen holds) and the next frame
 * came: ms since navigation start. `retyped`: how often the text was typed again while
 * it stood in the box (the popup ignored it; 0 expected). */
async function searchAnswer(b, query, expected) {
  const page = await b.context.newPage();
  await page.addInitScript(({ query, expected }) => {
    const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve();
      channel.port2.postMessage(null);
    }));
    let typedAt = 0;
    let retyped = 0;
    const poll = () => {
      const first = document.querySelector('#list > li');
      if (first && Number(first.getAttribute('aria-setsize')) === expected) {
        nextFrame().then(() => performance.mark('bench:answered', { detail: { retyped } }));
        return;
      }
      const input = document.getElementById('search');
      if (input) {
        const now = performance.now();
        const cleared = input.value !== query;
        // Text still unanswered 100 ms after the popup marked the whole snapshot shown
        // is typed again (the safety net of a user who sees nothing happen), and counted.
        const shownAt = performance.getEntriesByName('pending:rows')[0]?.startTime;
        if (cleared || (shownAt !== undefined && now - Math.max(shownAt, typedAt) > 100)) {
          if (!cleared) retyped += 1;
          input.value = query;
          input.dispatchEvent(new Event('input', { bubbles: true }));
          typedAt = now;
        }
      }
      setTimeout(poll, 2);
    };
    poll();
  }, { query, expected });
  await page.goto(`chrome-extension://${b.extensionId}/popup.html`);
  await page.waitForFunction(() => performance.getEntriesByName('bench:answered').length > 0, null, { timeout: 60_000 });
  const result = await page.evaluate(() => {
    const mark = performance.getEntriesByName('bench:answered')[0];
    const rows = performance.getEntriesByName('pending:rows')[0]?.startTime ?? null;
    return { at: mark.startTime, retyped: mark.detail.retyped, rows };
  });
  await page.close();
  return result;
}

/** Keystrokes into `#search` (or, for `bare`, into an input without listeners in the
 * same page): from the input event to the next frame, ms. */
async function keystrokes(page, texts, bare) {
  return page.evaluate(async ({ texts, rounds, bare }) => {
    const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve();
      channel.port2.postMessage(null);
    }));
    let input = document.getElementById('search');
    if (bare) {
      input = document.createElement('input');
      input.type = 'search';
      document.body.append(input);
    }
    const out = [];
    await nextFrame();
    for (let r = 0; r < rounds; r++) {
      for (const text of texts) {
        const t0 = performance.now();
        input.value = text;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        await nextFrame();
        out.push(performance.now() - t0);
      }
    }
    if (bare) input.remove();
    return out;
  }, { texts, rounds: ROUNDS, bare });
}

/** Keystrokes in each build's popup (`pages`: build → its open page) and on a
 * listener-less input of the same page, alternating rounds and builds. Returns
 * build → { popup, bare }. */
async function keystrokePairs(pages) {
  const out = new Map(builds.map((b) => [b, { popup: [], bare: [] }]));
  for (let i = 0; i < 2; i++) {
    for (const b of inTurn(i)) {
      out.get(b).popup.push(...await keystrokes(pages.get(b), TYPING, false));
      out.get(b).bare.push(...await keystrokes(pages.get(b), TYPING, true));
    }
  }
  return out;
}

const domSize = (page) => page.evaluate(() => document.querySelectorAll('*').length);

/** The release .wasm of a build, as `make size` counts it (gzip -9). */
function wasmSize(dir) {
  const file = path.join(dir, 'pkg', 'pending_core_bg.wasm');
  if (!fs.existsSync(file)) return null;
  const raw = fs.statSync(file).size;
  let gz;
  try {
    gz = execFileSync('gzip', ['-9', '-c', file], { maxBuffer: 64 << 20 }).length;
  } catch {
    gz = zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length;
  }
  return { raw, gz };
}

/** Worker start → badge for build `b`: the worker is stopped (as Chrome does after 30 s
 * idle) and woken by a message; the background marks `pending:badge` when the badge is
 * drawn, in ms since the worker started. Returns null when no wake was seen. */
async function wake(b) {
  await b.cdp.send('ServiceWorker.stopAllWorkers');
  await new Promise((r) => setTimeout(r, 300));
  await b.waker.evaluate(() => chrome.runtime.sendMessage({ type: 'ping' }).catch(() => null));
  // Playwright keeps one handle for the extension's worker; after the restart it
  // reaches the new instance, whose performance timeline starts at its start.
  let at = null;
  for (let k = 0; k < 100 && at == null; k++) {
    const w = b.context.serviceWorkers().at(-1);
    at = w ? await w.evaluate(() => performance.getEntriesByName('pending:badge')[0]?.startTime ?? null).catch(() => null) : null;
    if (at == null) await new Promise((r) => setTimeout(r, 50));
  }
  return at;
}

/** A first sync of SENT sent and FIRST_SYNC_RECEIVED received for build `b`, the popup
 * opened as the key is saved: ms from the sync's start (its status' `startedAt`) until
 * Received shows complete (its final count), until the first sent rows show, and
 * until the final Sent count (the whole walk stored). */
async function firstSync(b) {
  await b.worker.evaluate((pacing) => chrome.storage.local.set({ testClientConfig: pacing }), FIRST_SYNC_PACING);
  const base = `${mock}/t/id=bench-first-${b.key}-${Date.now()}&sent=${SENT}&received=${FIRST_SYNC_RECEIVED}&eol=1/linkedin`;
  // The popup is open when the key is saved (a user who opens it at once) and sees every
  // change of the lists as storage reports it. What it showed before (another account's
  // lists: the heavy one of part 2) counts for nothing: the times are taken once the
  // key is saved (`armed`) and the Sent count has been empty or "so far" since.
  const popup = await b.context.newPage();
  await popup.addInitScript(() => {
    /** @type {{ armed: boolean, fresh: boolean, check?: () => void, received: number | null, firstSent: number | null, whole: number | null, texts: string[] }} */
    const at = { armed: false, fresh: false, received: null, firstSent: null, whole: null, texts: [] };
    globalThis.firstSyncAt = at;
    const watch = () => {
      const sent = document.getElementById('count-sent');
      const received = document.getElementById('count-received');
      const list = document.getElementById('list');
      if (!sent || !received || !list) return setTimeout(watch, 5);
      const check = () => {
        const now = Date.now();
        if (!at.armed) return;
        if (!at.fresh) {
          at.fresh = sent.textContent === '' || /so far/.test(sent.textContent);
          if (!at.fresh) return;
        }
        if (at.texts.at(-1) !== sent.textContent) at.texts.push(sent.textContent);
        if (at.received == null && /^\d[\d,]*$/.test(received.textContent) && received.textContent !== '0') at.received = now;
        const rows = Number(list.querySelector('li')?.getAttribute('aria-setsize') ?? 0);
        if (at.firstSent == null && rows > 0 && sent.textContent !== '') at.firstSent = now;
        if (at.whole == null && /^\d[\d,]*$/.test(sent.textContent) && Number(sent.textContent.replace(/\D/g, '')) >= 5000) at.whole = now;
      };
      new MutationObserver(check).observe(document.body, { childList: true, characterData: true, subtree: true, attributes: true });
      at.check = check;
      check();
    };
    document.addEventListener('DOMContentLoaded', watch);
  });
  await popup.goto(`chrome-extension://${b.extensionId}/popup.html`);
  await popup.waitForFunction(() => performance.getEntriesByName('pending:rows').length > 0, null, { timeout: 60_000 });
  await configureThroughOptions(b.context, b.extensionId, { apiKey: 'bench-key-first', baseUrl: base });
  await popup.evaluate(() => { globalThis.firstSyncAt.armed = true; globalThis.firstSyncAt.check?.(); });
  // The sync started on Save: its start, as its status says while it runs.
  let from = null;
  for (let k = 0; k < 200 && from == null; k++) {
    const { status: s } = await b.worker.evaluate(() => chrome.storage.local.get('status'));
    if (s?.state === 'syncing' && s.startedAt) from = s.startedAt;
    else await new Promise((r) => setTimeout(r, 20));
  }
  await popup.waitForFunction(() => globalThis.firstSyncAt.whole != null, null, { timeout: 600_000 });
  const { status } = await b.worker.evaluate(() => chrome.storage.local.get('status'));
  const at = await popup.evaluate(() => globalThis.firstSyncAt);
  await popup.close();
  await b.worker.evaluate(() => chrome.storage.local.remove('testClientConfig'));
  const since = (t) => (t == null || from == null ? null : t - from);
  const soFar = at.texts.filter((t) => /so far/.test(t)).length;
  return { received: since(at.received), firstSent: since(at.firstSent), whole: since(at.whole), soFar, state: status.state };
}

/** The section of part 4, as markdown lines. */
function firstSyncSection() {
  const sec = (x) => (x == null ? '—' : `${(x / 1000).toFixed(1)} s`);
  const ratio = (x, whole) => (x == null || !whole ? '—' : `${(x / whole).toFixed(3)}×`);
  const cell = (b, k) => `${sec(b.first[k])} (${ratio(b.first[k], b.first.whole)} the whole walk)`;
  const measured = builds.filter((b) => b.first);
  return [
    `## A first sync: ${n(SENT)} sent, ${FIRST_SYNC_RECEIVED} received, the popup open from the start`,
    ``,
    `The production pacing (30 requests per 61 s) shrunk 50× (30 per 1.22 s) on the local mock, so the walk of `
      + `${Math.floor(SENT / 10) + 1} sent pages takes seconds instead of about 17 minutes; the ratios carry over, the seconds do not. `
      + `Times from the sync's start (its status' \`startedAt\`) until the popup shows each.`,
    ``,
    `| what | ${measured.map((b) => b.key).join(' | ')} |`,
    `|${'---|'.repeat(measured.length + 1)}`,
    `| Received complete (its final count, the badge's data) | ${measured.map((b) => cell(b, 'received')).join(' | ')} |`,
    `| the first sent rows show (the count "so far") | ${measured.map((b) => cell(b, 'firstSent')).join(' | ')} |`,
    `| the whole walk: the final Sent count | ${measured.map((b) => sec(b.first.whole)).join(' | ')} |`,
    `| the Sent count's texts "… so far" seen before it | ${measured.map((b) => String(b.first.soFar)).join(' | ')} |`,
  ];
}

/** BENCH_ONLY=first-sync: part 4 alone; its section of bench/results.md is replaced
 * (or added), the rest of the file kept. */
async function runFirstSyncOnly() {
  builds[0].first = await firstSync(builds[0]);
  const section = firstSyncSection();
  const file = path.join(root, 'bench', 'results.md');
  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n';
  const lines = old.replace(/\n+$/, '').split('\n');
  const start = lines.findIndex((l) => l.startsWith('## A first sync'));
  const end = start < 0 ? -1 : lines.findIndex((l, i) => i > start && l.startsWith('## '));
  const measured = [``, `Measured by \`BENCH_ONLY=first-sync make bench\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} cores, ${builds.map((b) => `${b.key} ${b.rev ?? ''}`.trim()).join(', ')}.`];
  const block = [...section, ...measured, ``];
  if (start < 0) lines.push('', ...block);
  else lines.splice(start, (end < 0 ? lines.length : end) - start, ...block);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, lines.join('\n').replace(/\n+$/, '') + '\n');
  console.log(section.join('\n'));
}

async function run() {
  // ---- 1. the demo dataset, production pacing (both builds sync at once: the pacing is the cost) ----
  for (const b of builds) await configureThroughOptions(b.context, b.extensionId, { apiKey: 'bench-key', baseUrl: `${mock}/linkedin` });
  await Promise.all(builds.map((b) => waitForBadge(b.worker, (t) => t !== '' && t !== '!')));
  for (const b of builds) {
    b.demo = (await b.worker.evaluate(() => chrome.storage.local.get('snapshot'))).snapshot;
    b.demoOpen = { first: [], rows: [] };
    await (await openPopup(b)).close(); // the first open stores the first screen
  }
  for (let i = 0; i < RUNS; i++) {
    for (const b of inTurn(i)) {
      const page = await openPopup(b);
      const [first, rows] = await page.evaluate(() => ['pending:first-rows', 'pending:rows'].map((m) => performance.getEntriesByName(m)[0].startTime));
      b.demoOpen.first.push(first);
      b.demoOpen.rows.push(rows);
      await page.close();
    }
  }
  {
    const pages = new Map();
    for (const b of builds) pages.set(b, await openPopup(b));
    const keys = await keystrokePairs(pages);
    for (const b of builds) {
      b.demoKeys = keys.get(b);
      await pages.get(b).close();
    }
  }

  // ---- 2. a heavy account, fast pacing (one build after the other: the sync time is a figure) ----
  for (const b of builds) {
    await b.worker.evaluate(() => chrome.storage.local.set({ testClientConfig: { maxRequests: 100000, maxWrites: 100000, maxAccountRequests: 100000, maxKeyRequests: 100000, windowMs: 1000, minIntervalMs: 0 } }));
    // Each build its own mock state (the same data: it depends only on the sizes).
    const heavy = `${mock}/t/id=bench-${b.key}-${Date.now()}&sent=${SENT}&received=40&connections=${CONNECTIONS}&eol=1/linkedin`;
    const syncStart = Date.now();
    await configureThroughOptions(b.context, b.extensionId, { apiKey: 'bench-key', baseUrl: heavy });
    await waitForBadge(b.worker, (t) => t === '40', 300_000);
    b.syncMs = Date.now() - syncStart;
    b.stored = await b.worker.evaluate(async () => ({
      bytes: await chrome.storage.local.getBytesInUse('snapshot'),
      quota: chrome.storage.local.QUOTA_BYTES,
      sent: (await chrome.storage.local.get('snapshot')).snapshot.sent.length,
    }));
    if (b.stored.sent !== SENT) throw new Error(`${b.key}: synced ${b.stored.sent} sent invitations, not ${SENT}`);
  }

  // First rows visible: each build's popup and a static copy of its final DOM, interleaved.
  for (const b of builds) {
    const page = await openPopup(b); // stores the first screen
    await page.evaluate(() => { document.getElementById('viewport').scrollTop = 0; });
    await page.waitForTimeout(100);
    const html = (await page.evaluate(() => document.documentElement.outerHTML))
      .replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, '')
      .replace(/<link rel="(modulepreload|preload)"[^>]*>/g, '');
    await page.close();
    fs.writeFileSync(b.staticFile, `<!doctype html>\n${html}`);
    b.open = { popup: [], copy: [], firstScreen: [], whole: [], dom: [] };
  }
  for (let i = 0; i < RUNS; i++) {
    for (const b of inTurn(i)) {
      const page = await openPopup(b);
      b.open.popup.push(await firstRowPaint(page));
      const [first, whole] = await page.evaluate(() => ['pending:first-rows', 'pending:rows'].map((m) => performance.getEntriesByName(m)[0].startTime));
      b.open.firstScreen.push(first);
      b.open.whole.push(whole);
      b.open.dom.push(await domSize(page));
      await page.close();
      const copy = await b.context.newPage();
      await copy.goto(`chrome-extension://${b.extensionId}/bench-static.html`);
      b.open.copy.push(await firstRowPaint(copy));
      await copy.close();
    }
  }

  // Popup open → the search answers. The answer each build gives (fully loaded) is what
  // the timed runs wait for; it must be more than the first screen's rows could give.
  for (const b of builds) {
    b.searchExpected = await searchCount(b, QUERY);
    if (!(b.searchExpected > FIRST_SCREEN_ROWS && b.searchExpected < SENT)) {
      throw new Error(`${b.key}: "${QUERY}" finds ${b.searchExpected} of ${SENT} sent; the measure needs more than the first screen's ${FIRST_SCREEN_ROWS} and fewer than all`);
    }
    b.answer = [];
    b.answerRows = [];
    b.retyped = 0;
  }
  for (let i = 0; i < SEARCH_RUNS; i++) {
    for (const b of inTurn(i)) {
      const r = await searchAnswer(b, QUERY, b.searchExpected);
      b.answer.push(r.at);
      if (r.rows != null) b.answerRows.push(r.rows);
      b.retyped += r.retyped;
    }
  }

  // Keystrokes, scrolling and DOM size at 5,000 sent.
  const pages = new Map();
  for (const b of builds) pages.set(b, await openPopup(b));
  const sentKeys = await keystrokePairs(pages);
  for (const b of builds) {
    const page = pages.get(b);
    b.sentKeys = sentKeys.get(b);
    b.sentDom = [await domSize(page)];
    b.scroll = await page.evaluate(async () => {
      const viewport = document.getElementById('viewport');
      const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve();
        channel.port2.postMessage(null);
      }));
      const out = [];
      for (let i = 1; i <= 20; i++) {
        const t0 = performance.now();
        viewport.scrollTop = (viewport.scrollHeight * ((i * 7) % 20)) / 20;
        await nextFrame();
        out.push(performance.now() - t0);
      }
      viewport.scrollTop = viewport.scrollHeight;
      await nextFrame();
      const last = document.querySelector('#list > li:last-child')?.getAttribute('aria-posinset');
      return { times: out, last, elements: document.querySelectorAll('*').length };
    });
    b.sentDom.push(b.scroll.elements);
    await page.fill('#search', 'andersen');
    b.sentDom.push(await domSize(page));
    await page.fill('#search', '');
  }

  // 30,000 connections, loaded page by page through the background (Load more); one
  // build after the other (the load time is a figure), then keystrokes on both.
  for (const b of builds) {
    const page = pages.get(b);
    await page.click('#tab-connections');
    b.load = await page.evaluate(async () => {
      const button = document.getElementById('load-more');
      const t0 = performance.now();
      while (!button.hidden) {
        if (!button.disabled) button.click();
        await new Promise((r) => setTimeout(r, 1));
      }
      const shown = Number(document.querySelector('#list > li')?.getAttribute('aria-setsize') ?? 0);
      return { ms: performance.now() - t0, shown, text: document.getElementById('loaded').textContent };
    });
    if (b.load.shown !== CONNECTIONS) throw new Error(`${b.key}: loaded ${b.load.shown} connections: ${b.load.text}`);
  }
  const connKeys = await keystrokePairs(pages);
  for (const b of builds) {
    b.connKeys = connKeys.get(b);
    b.connDom = await domSize(pages.get(b));
    await pages.get(b).close();
  }

  // ---- 3. worker start → badge, drawn from storage before any request; wakes alternate ----
  for (const b of builds) {
    b.waker = await b.context.newPage();
    await b.waker.goto(`chrome-extension://${b.extensionId}/options.html`);
    b.cdp = await b.context.newCDPSession(b.waker);
    await b.cdp.send('ServiceWorker.enable');
    b.badge = [];
  }
  for (let i = 0; i < 9; i++) {
    for (const b of inTurn(i)) {
      const at = await wake(b);
      if (at != null) b.badge.push(at);
    }
  }
  for (const b of builds) {
    await b.waker.close();
    if (b.badge.length === 0) throw new Error(`${b.key}: no worker wake was measured`);
    b.size = wasmSize(b.dir);
  }

  // ---- 4. a first sync, the popup open from the start (the current build only: a
  // baseline from before partial lists shows nothing until the walk ends) ----
  builds[0].first = await firstSync(builds[0]);

  // ---- a quiet day's requests, on a fake clock (the current build's client and refresh policy) ----
  const quiet = Object.fromEntries(execFileSync('cargo', ['run', '--quiet', '--example', 'quiet_day', '--', String(SENT), '40'],
    { cwd: root, encoding: 'utf8' }).trim().split(' ').filter((kv) => kv.includes('=') && !kv.startsWith('hours'))
    .map((kv) => kv.split('=')).map(([k, v]) => [k, Number(v)]));

  report(quiet);
}

function report(quiet) {
  const met = (ok) => (ok ? 'met' : '**not met**');
  const stat = (xs) => (xs.length ? `${ms(median(xs))} (p90 ${ms(p90(xs))})` : '—');
  const label = (b) => (b.rev ? `${b.key} (${b.rev})` : b.key);
  for (const b of builds) {
    b.ratio = median(b.open.popup) / median(b.open.copy);
    // Each popup run is followed by a copy run: the ratio within pairs is less sensitive
    // to the machine's load changing during the runs.
    b.paired = median(b.open.popup.map((p, i) => p / b.open.copy[i]));
    b.sentOver = p90(b.sentKeys.popup) - p90(b.sentKeys.bare);
    b.connOver = p90(b.connKeys.popup) - p90(b.connKeys.bare);
    b.maxDom = Math.max(...b.open.dom, ...b.sentDom, b.connDom);
  }
  // current ÷ baseline of a figure, as medians (or whatever `f` takes from a build).
  const vs = (f, digits = 2) => (base ? `${(f(cur) / f(base)).toFixed(digits)}×` : '');
  const answerRatio = base ? median(cur.answer) / median(base.answer) : null;
  // The runs alternate builds: run i of the current build beside run i of the baseline.
  const answerPaired = base ? median(cur.answer.map((a, i) => a / base.answer[i])) : null;

  // One row of the main table: what, goal, then one cell per build, then the comparison.
  const row = (what, goal, cell, compare) => `| ${[what, goal, ...builds.map(cell), ...(base ? [compare ?? '—'] : [])].join(' | ')} |`;
  const head = [
    `| ${['what', 'goal', ...builds.map(label), ...(base ? ['current ÷ baseline'] : [])].join(' | ')} |`,
    `|${'---|'.repeat(builds.length + 2 + (base ? 1 : 0))}`,
  ];
  const mainRows = [
    row(`first rows visible, ms from navigation start (median of ${RUNS}; Element Timing of the first row)`, '≤ 1.2× a static copy of the popup\'s final DOM, same run',
      (b) => `${stat(b.open.popup)}; copy ${stat(b.open.copy)}: ${times(b.ratio)} ${met(b.ratio <= 1.2)} (paired runs ${times(b.paired)})`,
      vs((b) => median(b.open.popup))),
    row(`popup open → the search answers at ${n(SENT)} sent: "${QUERY}" typed as soon as the box takes it, until its ${base ? `${cur.searchExpected} / ${base.searchExpected}` : cur.searchExpected} rows show, then the next frame; ms from navigation start (${SEARCH_RUNS} runs)`,
      '≤ 1.25× the baseline, same run',
      (b) => stat(b.answer),
      base ? `${times(answerRatio)} ${met(answerRatio <= 1.25)} (paired runs ${times(answerPaired)})` : undefined),
    row(`search keystroke over ${n(SENT)} sent, input event → next frame, p90 of ${cur.sentKeys.popup.length}, ms`, '≤ 16.7 ms above an input with no listener, same page',
      (b) => `${ms(p90(b.sentKeys.popup))} (median ${ms(median(b.sentKeys.popup))}); no listener ${ms(p90(b.sentKeys.bare))}: ${signed(b.sentOver)} ms ${met(b.sentOver <= 16.7)}`,
      base ? `${vs((b) => p90(b.sentKeys.popup))} (p90); above the input: ${signed(cur.sentOver)} vs ${signed(base.sentOver)} ms` : undefined),
    row(`search keystroke over ${n(CONNECTIONS)} loaded connections, same measure, ms`, '≤ 16.7 ms above an input with no listener, same page',
      (b) => `${ms(p90(b.connKeys.popup))} (median ${ms(median(b.connKeys.popup))}); no listener ${ms(p90(b.connKeys.bare))}: ${signed(b.connOver)} ms ${met(b.connOver <= 16.7)}`,
      base ? `${vs((b) => p90(b.connKeys.popup))} (p90); above the input: ${signed(cur.connOver)} vs ${signed(base.connOver)} ms` : undefined),
    row(`worker start → badge drawn from storage, before any request, ms (median of ${cur.badge.length}${base ? ` / ${base.badge.length}` : ''} wakes)`, '≤ 50 ms',
      (b) => `${stat(b.badge)} ${met(median(b.badge) <= 50)}`,
      vs((b) => median(b.badge))),
    row(`DOM elements in the popup (most seen: opening, scrolling, searching, ${n(CONNECTIONS)} connections)`, '≤ 1,000',
      (b) => `${b.maxDom} ${met(b.maxDom <= 1000)}`),
    row('release .wasm, gzipped (gzip -9, as `make size`)', '≤ 200 KB',
      (b) => (b.size ? `${(b.size.gz / 1024).toFixed(1)} KB (${n(b.size.gz)} bytes; raw ${n(b.size.raw)}) ${met(b.size.gz <= 200 * 1024)}` : 'no pkg/pending_core_bg.wasm'),
      cur.size && base?.size ? vs((b) => b.size.gz) : undefined),
    row(`requests in a quiet hour (no popup; fake clock, the real client and refresh policy), S = ${n(SENT)}, R = 40`,
      `≤ 4 × ⌈R/10 + 1⌉ = ${quiet.goal} an hour, plus the configured sent refreshes; a day as the policy's own cost model (${n(quiet.model)})`,
      (b) => (b === cur
        ? `at most ${quiet.quiet_hour_max} an hour; ${n(quiet.day)} a day with the ${quiet.sent_walks} sent walks ${met(quiet.quiet_hour_max <= quiet.goal && quiet.day === quiet.model)}`
        : 'not measured (the refresh policy, not a speed)')),
  ];

  // The tables of medians and p90s: one column per build, then the ratio of medians.
  const statHead = [
    `| ${['what', ...builds.map((b) => `${label(b)}: median (p90)`), ...(base ? ['current ÷ baseline'] : [])].join(' | ')} |`,
    `|${'---|'.repeat(builds.length + 1 + (base ? 1 : 0))}`,
  ];
  const statRow = (what, f) => `| ${[what, ...builds.map((b) => stat(f(b))), ...(base ? [vs((b) => median(f(b))) ] : [])].join(' | ')} |`;
  const each = (f) => (base ? builds.map((b) => `${b.key} ${f(b)}`).join('; ') : `${f(cur)}`);

  const lines = [
    `# Benchmarks`,
    ``,
    `Measured by \`make bench\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}),`,
    `headless Chromium against the local mock. Numbers vary with machine load; compare runs on the same machine.`,
    ...(base ? [
      ``,
      `Two builds in the same run, each in its own Chromium on the same mock data, every timed step alternating between them:`,
      `current = ${path.relative(root, cur.dir) || cur.dir} (${cur.rev ?? 'no git revision'}), baseline = ${base.dir} (${base.rev ?? 'no git revision'}).`,
      `The last column is current ÷ baseline (medians unless it says otherwise).`,
    ] : [
      ``,
      `The current build (dist/chrome${cur.rev ? `, ${cur.rev}` : ''}) alone: \`make bench BASELINE=<a baseline build's dist/chrome>\` measures one beside it.`,
    ]),
    ``,
    `## A heavy account: ${n(SENT)} sent invitations, ${n(CONNECTIONS)} connections`,
    ``,
    ...head,
    ...mainRows,
    ``,
    ...(base ? [] : [`Popup open → the search answers has its goal relative to a baseline build: run with \`BASELINE=\` to compare.`, ``]),
    ...(builds.some((b) => b.retyped > 0) ? [`Note: the popup had shown the whole snapshot without answering the typed query, which was typed again (100 ms later): ${each((b) => `${b.retyped} times`)}.`, ``] : []),
    `Also measured at ${n(SENT)} sent:`,
    ``,
    ...statHead,
    statRow(`popup: the module's first screen drawn (stored \`firstScreen\` validated in Rust, after rows.js painted its copy), ms since navigation start (${RUNS} runs)`, (b) => b.open.firstScreen),
    statRow('popup: whole snapshot read from storage and shown, ms since navigation start', (b) => b.open.whole),
    statRow('the same, in the popup open → the search answers runs', (b) => b.answerRows),
    statRow('scroll to another place in the list → its rows, next frame, ms (20 jumps)', (b) => b.scroll.times),
    ``,
    `Scrolled to the bottom, the last row rendered is number ${each((b) => b.scroll.last)}. `
      + `The stored snapshot is ${each((b) => `${(b.stored.bytes / 1e6).toFixed(2)} MB`)} of the ${(cur.stored.quota / 1048576).toFixed(0)} MB \`storage.local\` quota. `
      + `Setup, fast pacing${base ? ', one build after the other' : ''}: the sync of ${n(SENT)} sent took ${each((b) => `${(b.syncMs / 1000).toFixed(1)} s`)}; `
      + `loading ${n(CONNECTIONS)} connections 12 at a time through the background took ${each((b) => `${(b.load.ms / 1000).toFixed(1)} s`)} (${Math.ceil(CONNECTIONS / 12)} pages).`,
    ``,
    `## The demo dataset (${cur.demo.counts.sent} sent, ${cur.demo.counts.received} received)`,
    ``,
    ...statHead,
    statRow(`popup open → the module's first screen drawn (after rows.js painted its copy), ms since navigation start (${RUNS} runs)`, (b) => b.demoOpen.first),
    statRow('popup open → whole snapshot shown, ms since navigation start', (b) => b.demoOpen.rows),
    statRow(`search keystroke over ${cur.demo.counts.sent} sent rows, input event → next frame, ms`, (b) => b.demoKeys.popup),
    statRow('the same on an input with no listener, ms', (b) => b.demoKeys.bare),
    ``,
    `Full sync with production pacing (30 requests a minute, 250 ms apart), local mock${base ? ', both builds at once' : ''}: `
      + each((b) => `${b.demo.cost.requests} requests, ${b.demo.cost.pages} pages, ${(b.demo.cost.durationMs / 1000).toFixed(1)} s`)
      + ' (the pacing is the cost, by design).',
    ``,
    ...firstSyncSection(),
  ];
  fs.mkdirSync(path.join(root, 'bench'), { recursive: true });
  fs.writeFileSync(path.join(root, 'bench', 'results.md'), lines.join('\n') + '\n');
  console.log(lines.join('\n'));
}

try {
  for (const b of builds) {
    b.rev = revisionOf(b.dir);
    b.staticFile = path.join(b.dir, 'bench-static.html');
    Object.assign(b, await launchExtension({ headless: true, dir: b.dir }));
  }
  if (ONLY === 'first-sync') await runFirstSyncOnly();
  else if (ONLY) throw new Error(`BENCH_ONLY=${ONLY}: only first-sync can run alone`);
  else await run();
} finally {
  for (const b of builds) {
    if (b.staticFile) fs.rmSync(b.staticFile, { force: true });
    if (!b.context) continue;
    await (b.context.serviceWorkers().at(-1) ?? b.worker).evaluate(() => chrome.storage.local.remove('testClientConfig')).catch(() => {});
    await b.close();
  }
}
