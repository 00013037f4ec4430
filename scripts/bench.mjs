// `make bench`: how fast the extension is where users feel it, on the demo dataset
// (225 sent, 37 received). Writes bench/results.md and prints it.
//   - popup open → counts shown (from storage, before WASM) and → rows rendered (after WASM)
//   - viewRows for every keystroke of a search over the 225 sent invitations
//   - a full sync with the production pacing (60/min, 250 ms apart) against the local mock
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { launchExtension, configureThroughOptions, waitForBadge } from '../tests/e2e/chromium-helpers.mjs';

const mock = process.env.PENDING_MOCK_URL ?? 'http://127.0.0.1:8787';
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const RUNS = 15;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];

const { context, extensionId, worker, close } = await launchExtension({ headless: true });
try {
  await configureThroughOptions(context, extensionId, { apiKey: 'bench-key', baseUrl: `${mock}/linkedin` });
  await waitForBadge(worker, (t) => t !== '' && t !== '!');
  const { snapshot } = await worker.evaluate(() => chrome.storage.local.get('snapshot'));

  const counts = [];
  const rows = [];
  for (let i = 0; i < RUNS; i++) {
    const page = await context.newPage();
    await page.goto(`chrome-extension://${extensionId}/popup.html`);
    await page.waitForFunction(() => performance.getEntriesByName('pending:rows').length > 0);
    const [c, r] = await page.evaluate(() => ['pending:counts', 'pending:rows'].map((n) => performance.getEntriesByName(n)[0].startTime));
    counts.push(c);
    rows.push(r);
    await page.close();
  }

  const page = await context.newPage();
  await page.goto(`chrome-extension://${extensionId}/popup.html`);
  await page.waitForFunction(() => performance.getEntriesByName('pending:rows').length > 0);
  const typing = await page.evaluate(async () => {
    const input = document.getElementById('search');
    const times = [];
    for (const text of ['a', 'an', 'and', 'ande', 'ander', 'anders', 'andersen', 'founder', 'acme', '']) {
      const t0 = performance.now();
      input.value = text;
      input.dispatchEvent(new Event('input'));
      times.push(performance.now() - t0);
    }
    return times;
  });

  const lines = [
    `# Benchmarks`,
    ``,
    `Measured by \`make bench\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}),`,
    `headless Chromium with dist/chrome, the mock's demo dataset (${snapshot.counts.sent} sent, ${snapshot.counts.received} received).`,
    ``,
    `| what | median | p90 |`,
    `|---|---|---|`,
    `| popup open → counts shown (from storage, before WASM), ms since navigation start | ${median(counts).toFixed(1)} | ${p90(counts).toFixed(1)} |`,
    `| popup open → ${snapshot.counts.sent} rows rendered (WASM loaded), ms | ${median(rows).toFixed(1)} | ${p90(rows).toFixed(1)} |`,
    `| one search keystroke over ${snapshot.counts.sent} sent rows (filter + render), ms | ${median(typing).toFixed(2)} | ${p90(typing).toFixed(2)} |`,
    ``,
    `Full sync with production pacing (60 requests/min, 250 ms apart), local mock: ${snapshot.cost.requests} requests, ` +
      `${snapshot.cost.pages} pages, ${(snapshot.cost.durationMs / 1000).toFixed(1)} s (the pacing is the cost, by design).`,
    ``,
    `Popup runs: ${RUNS}. Numbers vary with machine load; compare runs on the same machine.`,
  ];
  fs.mkdirSync(path.join(root, 'bench'), { recursive: true });
  fs.writeFileSync(path.join(root, 'bench', 'results.md'), lines.join('\n') + '\n');
  console.log(lines.join('\n'));
} finally {
  await close();
}
