// `make demo`: Chromium with dist/chrome loaded, configured through its options page
// (as a user would) to use the mock API's demo dataset. With a display the browser stays
// open until Ctrl-C; without one it runs headless and writes screenshots of the popup
// (each tab, after LinkedIn accepted some invitations between two syncs: the Sent tab's
// acceptance summary and a warning past a low threshold; the acceptances in detail; a
// bulk withdraw's confirmation and its run in progress), the side panel and
// the options page to dist/screenshots/, then the same again with the browser in German
// (`--lang=de` and LANGUAGE=de: a fresh profile, synced anew) to dist/screenshots/de/.
import fs from 'node:fs';
import path from 'node:path';
import { launchExtension, configureThroughOptions, waitForBadge, waitForIdle, messages } from '../tests/e2e/chromium-helpers.mjs';

const mock = process.env.PENDING_MOCK_URL ?? 'http://127.0.0.1:8787';
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const shots = path.join(root, 'dist', 'screenshots');
const headless = !process.env.DISPLAY || process.env.HEADLESS === '1';
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const clipped = [];

/** Screenshots `page` to `file`, and notes every control on it whose words do not fit:
 * a button, tab, select, chip or heading wider inside than its box, or past the page's
 * edge (longer German words must still fit the popup). */
async function shoot(page, file) {
  await page.screenshot({ path: file });
  const found = await page.evaluate(() => [...document.querySelectorAll('button, select, [role=tab], .chip, h1, h2, label')]
    .filter((e) => e.getClientRects().length > 0)
    .filter((e) => {
      const r = e.getBoundingClientRect();
      return e.scrollWidth > e.clientWidth + 1 || r.right > document.documentElement.clientWidth + 0.5 || r.left < -0.5;
    })
    .map((e) => `${e.id ? `#${e.id}` : e.tagName.toLowerCase()} "${(e.textContent ?? '').trim().slice(0, 40)}"`));
  for (const what of found) clipped.push(`${path.relative(root, file)}: ${what}`);
}

/** Launches the browser in `lang`, configures and syncs the extension, and with a
 * display leaves it open; headless, writes the screenshots to `dir`.
 * @param {string} lang
 * @param {string} dir */
async function demo(lang, dir) {
  const msg = messages(lang);
  const { context, extensionId, worker, close } = await launchExtension({ headless, lang });
  try {
    // A low warning threshold (the default is 1,000), so the Sent tab shows its warning.
    await configureThroughOptions(context, extensionId, { apiKey: 'demo-key', baseUrl: `${mock}/linkedin`, pendingWarnAt: 150, lang });
    const badge = await waitForBadge(worker, (text) => text !== '' && text !== '!', 120_000);
    const { snapshot } = await worker.evaluate(() => chrome.storage.local.get('snapshot'));
    const { counts, cost } = snapshot;
    const ui = await worker.evaluate(() => chrome.i18n.getUILanguage());
    console.log(`Demo (browser in ${ui}): the extension synced the demo dataset through the WASM client`);
    console.log(`  badge: ${badge}   sent: ${counts.sent}   received: ${counts.received}`);
    for (const [cat, n] of Object.entries(counts.receivedByCategory)) console.log(`    ${cat.padEnd(14)} ${n}`);
    console.log(`  cost: ${cost.requests} requests, ${cost.pages} pages, ${cost.retries} retries, ${(cost.durationMs / 1000).toFixed(1)} s`);

    const popupUrl = `chrome-extension://${extensionId}/popup.html`;
    if (!headless) {
      const page = await context.newPage();
      await page.goto(popupUrl);
      console.log(`Browser open on ${popupUrl}; press Ctrl-C to stop.`);
      await new Promise((resolve) => { process.on('SIGINT', resolve); process.on('SIGTERM', resolve); context.on('close', resolve); });
      return [];
    }
    fs.mkdirSync(dir, { recursive: true });
    const written = [];
    const page = await context.newPage();
    await page.setViewportSize({ width: 420, height: 600 });
    await page.goto(popupUrl);
    await page.locator('.row').first().waitFor();
    // LinkedIn moves on (the mock accepts 8 pending invitations and 4 expire), and a
    // refresh compares the sent list with the first one: the Sent tab's acceptances.
    await fetch(`${mock}/__advance?accept=8&expire=4`);
    const since = Date.now();
    await page.click('#refresh');
    await waitForIdle(worker, since, 120_000);
    await page.locator('#accept-details:not([hidden])').waitFor();
    for (const tab of ['sent', 'received', 'connections']) {
      await page.click(`#tab-${tab}`);
      // Two syncs in a row used the minute's 30 requests: the first page of connections
      // waits its turn (up to a minute).
      await page.locator('#list .row').first().waitFor({ timeout: 120_000 });
      written.push(path.join(dir, `popup-${tab}.png`));
      await shoot(page, written.at(-1));
    }
    // The acceptances in detail: the weekly chart, who accepted, who left.
    await page.click('#tab-sent');
    await page.click('#accept-details summary');
    written.push(path.join(dir, 'popup-acceptance.png'));
    await shoot(page, written.at(-1));
    await page.click('#accept-details summary');
    // Acting on invitations: the confirmation of a bulk withdraw of the oldest ones,
    // then the run in progress (stopped right after, so the demo data stays).
    await page.click('#tab-sent');
    await page.selectOption('#older', '4');
    await page.click('#bulk-withdraw');
    await page.waitForFunction(() => document.querySelector('#confirm-allowance')?.textContent !== '');
    written.push(path.join(dir, 'popup-confirm.png'));
    await shoot(page, written.at(-1));
    await page.click('#confirm-ok');
    // Writes share the reads' pacing (30 a minute per account): right after the demo's
    // sync, the first one waits for the window.
    const running = new RegExp(`^${escape(msg('running_withdraw', ''))}[1-9]`);
    await page.locator('#run-text', { hasText: running }).waitFor({ timeout: 120_000 });
    written.push(path.join(dir, 'popup-bulk-run.png'));
    await shoot(page, written.at(-1));
    await page.click('#run-stop');
    await page.locator('#run-stop').waitFor({ state: 'hidden', timeout: 30_000 });
    const panel = await context.newPage();
    await panel.setViewportSize({ width: 400, height: 900 });
    await panel.goto(popupUrl);
    await panel.click('#tab-received');
    await panel.locator('#list .row').first().waitFor();
    written.push(path.join(dir, 'side-panel.png'));
    await shoot(panel, written.at(-1));
    const options = await context.newPage();
    await options.setViewportSize({ width: 640, height: 720 });
    await options.goto(`chrome-extension://${extensionId}/options.html`);
    await options.locator('#apiKey').waitFor();
    written.push(path.join(dir, 'options.png'));
    await shoot(options, written.at(-1));
    return written;
  } finally {
    await close();
  }
}

const written = await demo('en-US', shots);
if (headless) {
  written.push(...await demo('de', path.join(shots, 'de')));
  console.log('Screenshots:');
  for (const f of written) console.log(`  ${path.relative(root, f)}`);
  if (clipped.length) {
    console.error(`Controls whose words do not fit:\n  ${clipped.join('\n  ')}`);
    process.exitCode = 1;
  }
}
