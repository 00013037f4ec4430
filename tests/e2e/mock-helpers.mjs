// Reads the mock API's datasets directly, so end-to-end tests compare what the
// extension shows with what the API serves (never with numbers copied into the test).
export const MOCK = process.env.PENDING_MOCK_URL ?? 'http://127.0.0.1:8787';

/** A new heavy user's first sync, for the end-to-end tests of issue 18 (Chromium and
 * Firefox): 500 sent, 25 received and 30 connections, each sent page 250 ms late so that
 * the walk takes a while, and the mock's per-account and per-key buckets on (`limits=1`)
 * with 20 reads in 2 s per account (429 past it), the client's test pacing
 * (`testClientConfig`) a little below that. */
export const FIRST_SYNC = {
  sent: 500,
  received: 25,
  mock: 'sent=500&received=25&connections=30&fault=slow&on=sent&wait=250&limits=1&readlimit=20&acctwindow=2000',
  pacing: { maxRequests: 20, windowMs: 2300, minIntervalMs: 50 },
};

let counter = 0;
/** A fresh mock scenario: its own counters, the dataset that `query` describes. */
export function scenario(query) {
  const id = `${process.pid}-${Date.now()}-${counter++}`;
  const root = `${MOCK}/t/id=${id}&${query}`;
  return { baseUrl: `${root}/linkedin`, statsUrl: `${root}/__stats` };
}

/** Every item of a list, straight from the mock (no faults: read a clean twin scenario). */
export async function fetchAll(s, path) {
  const clean = s.baseUrl.replace(/&fault=[^&/]*/g, '');
  const key = path === 'connections' ? 'connections' : 'invitations';
  const items = [];
  for (let start = 0; ; ) {
    const r = await fetch(`${clean}/${path}?startIndex=${start}`, { headers: { Authorization: 'Bearer test' } });
    const page = (await r.json())[key];
    if (page.length === 0) return items;
    items.push(...page);
    start += page.length;
  }
}

const LABELS = { CONNECTION: 'Connection', ORGANIZATION: 'Organization', NEWSLETTER: 'Newsletter', EVENT: 'Event', MEMBER_FOLLOW: 'Follow' };

/** Chip label → count, for the five documented categories. */
export function expectedCategoryCounts(received) {
  const out = Object.fromEntries(Object.values(LABELS).map((l) => [l, 0]));
  for (const r of received) {
    const label = LABELS[r.invitationCategory] ?? 'Other';
    out[label] = (out[label] ?? 0) + 1;
  }
  return out;
}
