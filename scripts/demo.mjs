// `make demo` (client stage): loads the release WASM package in headless Chromium, runs
// one full sync with the production pacing against the mock API's demo dataset, and
// prints the snapshot's counts and what the sync cost.
import { chromium } from 'playwright-core';

const mock = process.env.PENDING_MOCK_URL ?? 'http://127.0.0.1:8787';
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage();
  page.on('console', (m) => { if (!m.text().startsWith('Failed to load resource')) console.log(`  [page] ${m.text()}`); });
  await page.goto(`${mock}/health`);
  const result = await page.evaluate(async (mockUrl) => {
    const wasm = await import(`${mockUrl}/static/pkg/pending_core.js`);
    await wasm.default({ module_or_path: `${mockUrl}/static/pkg/pending_core_bg.wasm` });
    const client = new wasm.Client({ apiKey: 'demo-key', baseUrl: `${mockUrl}/linkedin` });
    const snapshot = await client.sync((p) => {
      if (p.pages % 10 === 1) console.log(`${p.list}: page ${p.pages}, ${p.items} items so far`);
    });
    const connections = await client.connectionsPage(0, 12, 'recentlyAdded');
    const accounts = await client.accounts();
    return { snapshot, connections, accounts };
  }, mock);
  const { counts, cost } = result.snapshot;
  console.log('Demo sync through the WASM client (headless Chromium, production pacing):');
  console.log(`  pending sent invitations:     ${counts.sent}`);
  console.log(`  pending received invitations: ${counts.received}`);
  for (const [cat, n] of Object.entries(counts.receivedByCategory)) console.log(`    ${cat.padEnd(14)} ${n}`);
  console.log(`  connections, first page:      ${result.connections.items.length} (newest: ${result.connections.items[0]?.firstName} ${result.connections.items[0]?.lastName})`);
  console.log(`  accounts:                     ${result.accounts.map((a) => `${a.firstName} ${a.lastName}`).join(', ')}`);
  console.log(`  cost: ${cost.requests} requests, ${cost.pages} pages, ${cost.retries} retries, ${(cost.durationMs / 1000).toFixed(1)} s`);
  const oldest = [...result.snapshot.sent].sort((a, b) => (b.ageSecs ?? 0) - (a.ageSecs ?? 0))[0];
  if (oldest) console.log(`  oldest pending sent: ${oldest.profile.firstName} ${oldest.profile.lastName}, ${oldest.sentAt}`);
} finally {
  await browser.close();
}
