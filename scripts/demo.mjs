// `make demo`: Chromium with dist/chrome loaded, configured through its options page
// (as a user would) to use the mock API's demo dataset. With a display the browser stays
// open until Ctrl-C; without one it runs headless and writes screenshots of the popup
// (each tab, a bulk withdraw's confirmation and its run in progress), the side panel and
// the options page to dist/screenshots/.
import fs from 'node:fs';
import path from 'node:path';
import { launchExtension, configureThroughOptions, waitForBadge } from '../tests/e2e/chromium-helpers.mjs';

const mock = process.env.PENDING_MOCK_URL ?? 'http://127.0.0.1:8787';
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const shots = path.join(root, 'dist', 'screenshots');
const headless = !process.env.DISPLAY || process.env.HEADLESS === '1';

const { context, extensionId, worker, close } = await launchExtension({ headless });
try {
  await configureThroughOptions(context, extensionId, { apiKey: 'demo-key', baseUrl: `${mock}/linkedin` });
  const badge = await waitForBadge(worker, (text) => text !== '' && text !== '!', 120_000);
  const { snapshot } = await worker.evaluate(() => chrome.storage.local.get('snapshot'));
  const { counts, cost } = snapshot;
  console.log('Demo: the extension synced the demo dataset through the WASM client');
  console.log(`  badge: ${badge}   sent: ${counts.sent}   received: ${counts.received}`);
  for (const [cat, n] of Object.entries(counts.receivedByCategory)) console.log(`    ${cat.padEnd(14)} ${n}`);
  console.log(`  cost: ${cost.requests} requests, ${cost.pages} pages, ${cost.retries} retries, ${(cost.durationMs / 1000).toFixed(1)} s`);

  const popupUrl = `chrome-extension://${extensionId}/popup.html`;
  if (!headless) {
    const page = await context.newPage();
    await page.goto(popupUrl);
    console.log(`Browser open on ${popupUrl}; press Ctrl-C to stop.`);
    await new Promise((resolve) => { process.on('SIGINT', resolve); process.on('SIGTERM', resolve); context.on('close', resolve); });
  } else {
    fs.mkdirSync(shots, { recursive: true });
    const written = [];
    const page = await context.newPage();
    await page.setViewportSize({ width: 420, height: 600 });
    await page.goto(popupUrl);
    await page.locator('.row').first().waitFor();
    for (const tab of ['sent', 'received', 'connections']) {
      await page.click(`#tab-${tab}`);
      await page.locator('#list .row').first().waitFor();
      const file = path.join(shots, `popup-${tab}.png`);
      await page.screenshot({ path: file });
      written.push(file);
    }
    // Acting on invitations: the confirmation of a bulk withdraw of the oldest ones,
    // then the run in progress (stopped right after, so the demo data stays).
    await page.click('#tab-sent');
    await page.selectOption('#older', '4');
    await page.getByRole('button', { name: /^Withdraw all \(/ }).click();
    await page.getByRole('dialog').locator('#confirm-allowance', { hasText: 'Today' }).waitFor();
    written.push(path.join(shots, 'popup-confirm.png'));
    await page.screenshot({ path: written.at(-1) });
    await page.getByRole('dialog').getByRole('button', { name: /^Withdraw/ }).click();
    // Writes share the reads' pacing (30 a minute per account): right after the demo's
    // sync, the first one waits for the window.
    await page.locator('#run-text', { hasText: /Withdrawing: [1-9]\d* of/ }).waitFor({ timeout: 120_000 });
    written.push(path.join(shots, 'popup-bulk-run.png'));
    await page.screenshot({ path: written.at(-1) });
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.locator('#run-text', { hasText: 'Stopped' }).waitFor({ timeout: 30_000 });
    const panel = await context.newPage();
    await panel.setViewportSize({ width: 400, height: 900 });
    await panel.goto(popupUrl);
    await panel.click('#tab-received');
    await panel.locator('#list .row').first().waitFor();
    written.push(path.join(shots, 'side-panel.png'));
    await panel.screenshot({ path: written.at(-1) });
    const options = await context.newPage();
    await options.setViewportSize({ width: 640, height: 720 });
    await options.goto(`chrome-extension://${extensionId}/options.html`);
    await options.locator('#apiKey').waitFor();
    written.push(path.join(shots, 'options.png'));
    await options.screenshot({ path: written.at(-1) });
    console.log('Screenshots:');
    for (const f of written) console.log(`  ${path.relative(root, f)}`);
  }
} finally {
  await close();
}
