// End-to-end: the budgets and priorities of the pacing in headless Chromium with
// dist-test/chrome, against the mock with the newer edition's per-account limits on
// (`limits=1`: 30 reads, 15 writes, 10 /account/* a window per account, 60 per key,
// each refused with a 429). The window is shrunk to a few seconds on both sides, the
// client's with the same arrival margin ratio as production's, so that a walk takes
// seconds, not minutes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { E2E_DIST, launchExtension, configureThroughOptions, waitForIdle } from './chromium-helpers.mjs';
import { scenario } from './mock-helpers.mjs';

const API_KEY = 'sk_test_e2e_PACING_31';
/** The mock's window, and the client's (the window plus its margin). */
const WINDOW_MS = 4_000;
const CLIENT_WINDOW_MS = WINDOW_MS + 400;

let ext;
before(async () => { ext = await launchExtension({ headless: true, dir: path.join(E2E_DIST, 'chrome') }); });
after(async () => { await ext?.close(); });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('during a long sent walk, the Connections tab gets its page at the first read slot, and the mock refuses nothing', async (t) => {
  // 800 sent: 81 pages, three windows of reads.
  const s = scenario(`eol=1&sent=800&received=5&connections=40&limits=1&acctwindow=${WINDOW_MS}`);
  await ext.worker.evaluate((w) => chrome.storage.local.set({ testClientConfig: { windowMs: w, minIntervalMs: 0 } }), CLIENT_WINDOW_MS);
  try {
    const since = Date.now();
    await configureThroughOptions(ext.context, ext.extensionId, { apiKey: API_KEY, baseUrl: s.baseUrl });
    const popup = await ext.context.newPage();
    await popup.goto(`chrome-extension://${ext.extensionId}/popup.html`);
    const status = () => ext.worker.evaluate(() => chrome.storage.local.get('status').then((r) => r.status));
    // Wait until the walk has used a window of reads and sleeps toward the next slot:
    // its page count stands still.
    let last = -1;
    let stillSince = Date.now();
    for (const until = Date.now() + 30_000; Date.now() < until; await sleep(50)) {
      const st = await status();
      const pages = st?.progress?.list === 'sent' ? st.progress.pages : -1;
      if (pages !== last) {
        last = pages;
        stillSince = Date.now();
      } else if (pages >= 20 && Date.now() - stillSince >= 400) {
        break;
      }
    }
    assert.ok(last >= 20, `the walk got going: ${last} pages`);
    const clicked = Date.now();
    await popup.click('#tab-connections');
    await popup.waitForFunction(() => Number(document.querySelector('#list > li')?.getAttribute('aria-setsize') ?? 0) > 0,
      null, { timeout: 15_000 });
    const took = Date.now() - clicked;
    t.diagnostic(`the first page of connections came ${took} ms after the click, ${last} sent pages in`);
    assert.ok(took < CLIENT_WINDOW_MS + 1_500, `the first page of connections took ${took} ms`);
    assert.equal((await status()).state, 'syncing', 'the walk was still going');

    // The mock's log: the connections request went before any page the walk had queued.
    const stats = await (await fetch(s.statsUrl)).json();
    const at = stats.endpoints.indexOf('connections');
    assert.ok(at > 0, JSON.stringify(stats.endpoints));
    const walkBetween = stats.endpoints.filter((e, i) => e === 'sent' && stats.arrivals[i] > clicked && i < at).length;
    assert.equal(walkBetween, 0, `${walkBetween} walk pages went between the click and the connections page`);

    // The walk ends with everything, and the server never had to refuse a request.
    const done = await waitForIdle(ext.worker, since, 60_000);
    assert.equal(done.state, 'ok', JSON.stringify(done));
    const snapshot = await ext.worker.evaluate(() => chrome.storage.local.get('snapshot').then((r) => r.snapshot));
    assert.equal(snapshot.counts.sent, 800);
    const end = await (await fetch(s.statsUrl)).json();
    assert.equal(end.limited, 0, `the mock sent 429s: ${JSON.stringify(end.limitedBy)}`);
    // The pacing used the budget, not less: some window saw nearly 30 reads.
    const reads = end.arrivals.filter((_, i) => end.endpoints[i] !== 'accounts');
    const busiest = Math.max(...reads.map((t, i) => reads.slice(i).filter((u) => u < t + WINDOW_MS).length));
    t.diagnostic(`busiest ${WINDOW_MS} ms: ${busiest} reads`);
    assert.ok(busiest >= 25 && busiest <= 30, `busiest window: ${busiest} reads`);
    await popup.close();
  } finally {
    await ext.worker.evaluate(() => chrome.storage.local.remove('testClientConfig'));
  }
});
