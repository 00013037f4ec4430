// Local mock of the ConnectSafely LinkedIn API, for tests and the demo.
//
//   node mock/server.mjs [--port 8787] [--host 127.0.0.1]
//
// Routes (CORS open, `Authorization: Bearer <key>` required):
//   GET /linkedin/{invitations/sent, invitations/received, connections, accounts}
//       the demo dataset (a few hundred sent, a few dozen received, 2,000 connections)
//   POST /linkedin/invitations/withdraw        {profileId: <publicIdentifier>, invitationId?,
//       memberId?, accountId?, ...}: validated as documented (a missing or mistyped field
//       is 400 with a ZodError body; a profileId or memberId that is not the invitation's
//       is 404 / 400); the invitation leaves the sent list; 200 {success, message, accountId};
//       no such pending invitation: 400 {success: false, error: "No pending invitation found ..."}
//   POST /linkedin/invitations/received/respond   {action: ACCEPT|IGNORE, invitationId,
//       validationToken, linkedInInvitationType, firstName, lastName, profileId?: <memberId>
//       (required for CONNECTION), accountId?}: validated likewise (a wrong action is 400
//       {success: false, code: "validation_error", message}; a wrong token or type is 400);
//       the invitation leaves the received list; 200 {success, message, accountId}
//   GET /linkedin/account/<accountId>/quota     (eol=1 only, else 404) {accountId, quotas:
//       [{feature, window, used, limit, linkedinLimit, remaining, limitReached,
//       limitReachedAt, resetAt}]} with WITHDRAW_INVITATION and RESPOND_INVITATION counting
//       this scenario's successful writes (limits 50 and 100 a day), and CONNECT, the
//       invitations sent this week: `quotaused` (default 37) of LinkedIn's 90 (the
//       service's 100), weekly, resetting next Monday 00:00 UTC
//   /t/<scenario>/linkedin/...    a test scenario; <scenario> is a query string:
//       id=<unique>          separates the state (counters, growth) of concurrent tests
//       sent=N received=N connections=N   dataset sizes (default 0; at most 20000 sent or
//                            received, 30000 connections: LinkedIn's own limit)
//       fault=<name>         401 403 404 400 429 500 502 503 nonjson malformed wrongtypes
//                            slow repeat longpage growing successfalse
//                            gone (400 "No pending invitation found": the write's target is
//                            already withdrawn or answered; nothing is removed)
//                            A fault on a write (on=withdraw|respond) is not performed,
//                            except `slow`: the write is done after the delay (a client
//                            that timed out meanwhile does not know it was)
//                            redirect (302 to this scenario's __redirected path on another
//                            origin: localhost <-> 127.0.0.1) reset (the connection is cut)
//       on=<endpoint>        only requests to this endpoint (sent|received|connections|accounts|
//                            count|withdraw|respond|quota) fault
//       times=N              only the first N matching requests fault, then the real answer
//       after=N              the first N matching requests answer normally, the fault follows
//       wait=MS              429: retry time from now (default 1500); slow: delay (default 3000)
//       evil=1               markup and javascript: URLs in the first items
//       messy=1              real-world mess mixed into the lists: a null profile, a number
//                            where a name belongs, null ids, a lone surrogate, a multi-byte
//                            time zone in an item's date, a 200 KB headline, an unknown
//                            category; and the first received request answers 429 with a
//                            multi-byte zone in holdUntil and X-RateLimit-Reset. Items with
//                            a number for a name or no id cannot be read: __stats says how
//                            many per list (`unreadable`)
//       eol=1                the newer API edition: `endOfList` on received and connection
//                            pages, `customMessage` notes, newsletter items as documented
//                            (newsletterName, empty memberId and profile URL), accounts with
//                            `enabled`, and /analytics/connections/count (404 without eol)
//       short=1              received and connection pages of full, 4, full, 2, ... items
//                            (LinkedIn's short pages mid-list; only sensible with eol=1)
//       count=null           the count endpoint answers `connectionCount: null`
//       quotaused=N          the CONNECT quota's `used` (default 37)
//       drift=A,E            invitations move over time: every `every` ms (default 60000)
//       every=MS               after the scenario's first request, A pending sent invitations
//                            are accepted (they leave the sent list and come first among the
//                            connections, "Connected on" today; every second one without a
//                            vanity name, only its profile URL) and the E oldest expire
//                            (they leave the list); see also __advance
//       fault=unavailable    502 {success:false, code: INVITATIONS_UNAVAILABLE | CONNECTIONS_UNAVAILABLE}
//       acctlimit=N          per-account limit: at most N requests per account in any
//       acctwindow=MS          MS (default 60000) ms, else 429 with Retry-After (seconds)
//       limits=1             the newer edition's per-account buckets and the key's: at most
//                            30 reads, 15 writes (withdraw, respond) and 10 /account/* requests
//                            per account, and 60 requests per API key, in any acctwindow ms;
//                            past one, 429 {success: false, code: "RATE_LIMITED", message} with
//                            Retry-After (seconds), X-RateLimit-Limit (that bucket's size),
//                            X-RateLimit-Remaining: 0 and X-RateLimit-Reset (epoch seconds).
//                            Every arrival counts, refused ones too. readlimit=N writelimit=N
//                            accountlimit=N keylimit=N change a size. __stats counts the 429s
//                            (`limited`, and by bucket `limitedBy`)
//       reset=iso|epoch|none|retryafter   429: how the retry time is given (default iso, in
//                            X-RateLimit-Reset; `hold` puts it in the body's holdUntil)
//   /t/<scenario>/__stats        {requests, byEndpoint, arrivals, endpoints, limited, limitedBy,
//                                unreadable, redirected: {hits, withKey}, accepted, expired} for
//                                that scenario (not counted; arrivals: ms timestamps of every
//                                request, endpoints: the endpoint of each, in the same order;
//                                accepted and expired: the sent invitation ids moved so far)
//   /t/<scenario>/__writes       {writes: [{endpoint, at, status, body}]}: every write request
//                                as it arrived (ms timestamp, the parsed JSON body or its raw
//                                text), with the status it was answered with (also in __stats)
//   /t/<scenario>/__advance?accept=A&expire=E   one such step now (also /__advance for
//                                the demo data): {accepted: [ids], expired: [ids]}
//   /t/<scenario>/__fault?<switches>   from now on, these switches (fault, on, times, wait,
//                                reset) override the scenario's own, with a fresh `times`
//                                count; no switches: back to the scenario's own
//   /t/<scenario>/__redirected   the target of fault=redirect: counts every hit (any method)
//                                and those carrying an Authorization header
//   /health                      {"status":"ok"}
//
// The dataset is deterministic: the same size gives the same items on every machine.

import http from 'node:http';
import { URL } from 'node:url';

const FIRST = ['Ava', 'Ben', 'Chloé', 'Dmitri', 'Elif', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kemi',
  'Liam', 'Maya', 'Noor', 'Oskar', 'Priya', 'Quinn', 'Rafael', 'Sofia', 'Tariq', 'Uma', 'Viktor', 'Wen', 'Yara', 'Zoe'];
const LAST = ['Andersen', 'Brown', 'Castillo', 'Dubois', 'Eriksen', 'Fischer', 'García', 'Haddad', 'Ito', 'Jensen',
  'Kowalski', 'Lopez', 'Müller', 'Nakamura', 'Okafor', 'Petrov', 'Rossi', 'Schmidt', 'Tanaka', 'Van Dijk'];
const TITLES = ['Founder & CEO', 'Head of Talent', 'Senior Recruiter', 'VP Sales', 'Account Executive',
  'Product Manager', 'Staff Engineer', 'Growth Marketer', 'CTO', 'Investor'];
const COMPANIES = ['Northwind', 'Acme Robotics', 'Blue Harbor', 'Lumen Labs', 'Quartz Capital', 'Tidal Systems',
  'Oak & Ivy', 'Parallel Health', 'Kite Logistics', 'Vela AI'];
const AGES = ['just now', '3 hours ago', '1 day ago', '2 days ago', '4 days ago', '1 week ago', '2 weeks ago',
  '3 weeks ago', '1 month ago', '2 months ago', '5 months ago', '1 year ago'];
const CATEGORIES = [
  ['CONNECTION', 'GenericInvitationType_CONNECTION'], ['CONNECTION', 'GenericInvitationType_CONNECTION'],
  ['ORGANIZATION', 'GenericInvitationType_ORGANIZATION'], ['CONNECTION', 'GenericInvitationType_CONNECTION'],
  ['NEWSLETTER', 'GenericInvitationType_CONTENT_SERIES'], ['EVENT', 'GenericInvitationType_EVENT'],
  ['CONNECTION', 'GenericInvitationType_CONNECTION'], ['MEMBER_FOLLOW', 'GenericInvitationType_MEMBER_FOLLOW'],
];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function person(i, salt) {
  const k = i * 7 + salt;
  const firstName = FIRST[k % FIRST.length];
  const lastName = LAST[(k * 3 + (k / FIRST.length | 0)) % LAST.length];
  const slug = `${firstName}-${lastName}-${(i + salt * 1000).toString(36)}`.toLowerCase()
    .normalize('NFD').replace(/[^a-z0-9-]/g, '');
  return { firstName, lastName, slug, headline: `${TITLES[k % TITLES.length]} at ${COMPANIES[(k >> 1) % COMPANIES.length]}` };
}

function memberId(i, salt) {
  return `ACoAA${(BigInt(1e15) + BigInt(i * 977 + salt)).toString(36).toUpperCase().padEnd(34, 'x')}`;
}

// Item i of each list. Ages grow with i, like the API's newest-first order.
export function sentItem(i) {
  const p = person(i, 1);
  const id = (7897046780350316544n - BigInt(i) * 7919n).toString();
  return {
    id, invitationId: id, invitationUrn: `urn:li:invitation:${id}`,
    memberId: memberId(i, 1), memberUrn: `urn:li:fsd_profile:${memberId(i, 1)}`,
    invitationType: 'SENT', sentAt: AGES[Math.min(AGES.length - 1, Math.floor(i / 25))],
    profile: { firstName: p.firstName, lastName: p.lastName, headline: p.headline,
      profileUrl: `https://www.linkedin.com/in/${p.slug}`, publicIdentifier: p.slug },
  };
}

export function receivedItem(i, newer = false) {
  const p = person(i, 2);
  const id = (7455891636745551899n - BigInt(i) * 104729n).toString();
  const [category, liType] = CATEGORIES[i % CATEGORIES.length];
  const isPerson = category === 'CONNECTION' || category === 'MEMBER_FOLLOW';
  const item = {
    id, invitationId: id, invitationUrn: `urn:li:invitation:${id}`,
    memberId: isPerson ? memberId(i, 2) : '', memberUrn: isPerson ? `urn:li:fsd_profile:${memberId(i, 2)}` : '',
    invitationType: 'RECEIVED', invitationCategory: category, linkedInInvitationType: liType,
    validationToken: Buffer.from(`t${i}`).toString('base64').slice(0, 8),
    receivedAt: AGES[Math.min(AGES.length - 1, Math.floor(i / 4))],
    profile: { firstName: p.firstName, lastName: p.lastName,
      profileUrl: `https://www.linkedin.com/in/${p.slug}/`, publicIdentifier: p.slug },
  };
  if (isPerson) item.profile.headline = p.headline;
  if (category === 'ORGANIZATION') item.companyName = COMPANIES[i % COMPANIES.length];
  const note = `Hi ${'there'}, I enjoyed your post on hiring — would love to connect.`;
  if (category === 'CONNECTION' && i % 3 === 0) item[newer ? 'customMessage' : 'message'] = note;
  if (newer && category === 'NEWSLETTER') {
    // As the newer documentation's example: the ORGANIZATION type, the newsletter's
    // name, and no member id or profile link for the inviter.
    item.linkedInInvitationType = 'GenericInvitationType_ORGANIZATION';
    item.newsletterName = `${COMPANIES[i % COMPANIES.length]} Weekly`;
    item.profile.profileUrl = '';
    item.profile.publicIdentifier = '';
  }
  return item;
}

export function connectionItem(i) {
  const p = person(i, 3);
  const day = 20300 - i * 2; // days since epoch, newest first
  const d = new Date(day * 86400000);
  return {
    firstName: p.firstName, lastName: p.lastName, vanityName: p.slug, headline: p.headline,
    connectedDate: `Connected on ${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}`,
    profileUrl: `https://www.linkedin.com/in/${p.slug}/`,
  };
}

// `drift` and `__advance`: `accept` pending sent invitations are accepted (every third
// from the second newest: recent ones, as acceptances mostly are), leaving the sent list
// and coming first among the connections, connected today (every second one without a
// vanity name: only its profile URL); the `expire` oldest leave the list.
function advance(state, accept, expire) {
  const sent = state.lists.sent;
  const now = new Date();
  const today = `Connected on ${MONTHS[now.getUTCMonth()]} ${now.getUTCDate()}, ${now.getUTCFullYear()}`;
  const picked = [];
  for (let i = 1; picked.length < accept && i < sent.length; i += 3) picked.push(sent[i]);
  const accepted = [];
  state.acceptedIds ??= [];
  for (const item of picked) {
    sent.splice(sent.indexOf(item), 1);
    const p = item.profile ?? {};
    const k = state.acceptedIds.length + accepted.length;
    const c = { firstName: p.firstName, lastName: p.lastName, headline: p.headline, connectedDate: today, profileUrl: `${p.profileUrl}/` };
    if (k % 2 === 0) c.vanityName = p.publicIdentifier;
    state.lists.connections.unshift(c);
    accepted.push(item.invitationId);
  }
  const expired = sent.splice(Math.max(0, sent.length - expire), expire).map((it) => it.invitationId);
  state.acceptedIds.push(...accepted);
  (state.expiredIds ??= []).push(...expired);
  return { accepted, expired };
}

// `drift=A,E&every=MS`: the steps due since the scenario's first request.
function drift(state, params) {
  const [accept, expire] = (params.get('drift') ?? '').split(',').map((n) => Math.max(0, parseInt(n, 10) || 0));
  if (!accept && !expire) return;
  const every = Math.max(100, parseInt(params.get('every') ?? '60000', 10) || 60000);
  state.driftFrom ??= Date.now();
  const due = Math.floor((Date.now() - state.driftFrom) / every);
  for (; (state.drifted ?? 0) < due; state.drifted = (state.drifted ?? 0) + 1) advance(state, accept, expire);
}

const ACCOUNTS = [
  { id: '696ce9e780e0483585e4e553', firstName: 'Demo', lastName: 'Founder', publicId: 'demo-founder',
    picture: 'https://media.licdn.com/dms/image/demo', status: 'AVAILABLE', apiSeatAllocated: true },
  { id: '60d21b4667d0d8992e610c85', firstName: 'John', lastName: 'Doe', publicId: 'john-doe-123',
    picture: 'https://media.licdn.com/dms/image/v2/D5603', status: 'AVAILABLE', apiSeatAllocated: true },
];

// One sync of the demo stays within one minute's 30 reads (23 sent pages, 5 received, 1 count).
export const DEMO = { sent: 225, received: 37, connections: 2000 };

function makeLists(sizes, newer) {
  return {
    sent: Array.from({ length: sizes.sent }, (_, i) => sentItem(i)),
    received: Array.from({ length: sizes.received }, (_, i) => receivedItem(i, newer)),
    connections: Array.from({ length: sizes.connections }, (_, i) => connectionItem(i)),
  };
}

// `evil=1`: the first item of each list carries markup in its text and a script URL,
// which the extension must show as text and must not link.
const EVIL_NAME = '<img src=x onerror="window.__pwned=1">';
function poison(lists) {
  for (const item of [lists.sent[0], lists.received[0]]) {
    if (!item) continue;
    item.profile = { ...item.profile, firstName: EVIL_NAME, lastName: '<script>window.__pwned=2</script>',
      headline: '<b onmouseover="window.__pwned=3">bold</b>', profileUrl: 'javascript:window.__pwned=4' };
  }
  if (lists.connections[0]) Object.assign(lists.connections[0], { firstName: EVIL_NAME, profileUrl: 'javascript:window.__pwned=5' });
}

// `messy=1`: what real data looks like after millions of people typed it and two
// services passed it on. Returns how many items of each list cannot be read (no id, or
// a number where a name belongs); every other oddity must be read.
const ODD_ZONE = '2024-02-15T10:00+1\u00e91';
function mess(lists) {
  const unreadable = { sent: 0, received: 0, connections: 0 };
  const at = (list, i, f, name) => { if (list[i]) { f(list[i]); if (name) unreadable[name] += 1; } };
  for (const [name, list] of [['sent', lists.sent], ['received', lists.received]]) {
    at(list, 1, (it) => { it.profile = null; });
    at(list, 3, (it) => { it.profile = { ...it.profile, firstName: 12345 }; }, name);
    at(list, 5, (it) => { it.id = null; it.invitationId = null; }, name);
    at(list, 7, (it) => { it.profile = { ...it.profile, firstName: 'Zoë \ud83d', lastName: '\ude00 Cut' }; });
    at(list, 9, (it) => { it[name === 'sent' ? 'sentAt' : 'receivedAt'] = ODD_ZONE; });
    at(list, 11, (it) => { it.profile = { ...it.profile, headline: 'h'.repeat(200 * 1024) }; });
    at(list, 13, (it) => { it.invitationCategory = 'GROUP'; it.unknownField = { nested: [1, 2, 3] }; });
  }
  at(lists.connections, 3, (it) => { it.firstName = 12345; }, 'connections');
  at(lists.connections, 5, (it) => { it.firstName = 'Zoë \ud83d'; it.vanityName = null; it.profileUrl = null; });
  return unreadable;
}

// Scenario state, keyed by the scenario text (which carries its test's unique id).
const states = new Map();
let demoState = null;

function scenarioState(key, params) {
  let s = states.get(key);
  if (!s) {
    const n = (k, max = 20000) => Math.max(0, Math.min(max, parseInt(params.get(k) ?? '0', 10) || 0));
    const newer = params.get('eol') === '1';
    s = { lists: makeLists({ sent: n('sent'), received: n('received'), connections: n('connections', 30000) }, newer),
      newer, requests: 0, byEndpoint: {}, faulted: 0, grown: 0, arrivals: [], endpoints: [], limited: 0, limitedBy: {},
      byAccount: new Map(), buckets: new Map(), override: null, redirected: { hits: 0, withKey: 0 }, writes: [] };
    if (params.has('evil')) poison(s.lists);
    if (params.get('messy') === '1') s.unreadable = mess(s.lists);
    states.set(key, s);
    if (states.size > 2000) states.delete(states.keys().next().value);
  }
  return s;
}

const ENDPOINTS = { 'invitations/sent': 'sent', 'invitations/received': 'received', connections: 'connections',
  accounts: 'accounts', 'analytics/connections/count': 'count', 'invitations/withdraw': 'withdraw',
  'invitations/received/respond': 'respond' };
const WRITES = new Set(['withdraw', 'respond']);

// `short=1`: the page at each boundary has full, 4, full, 2, full, 4, ... items.
const SHORT_PATTERN = [null, 4, null, 2];
function pageSize(start, full, short) {
  if (!short) return full;
  let offset = 0;
  for (let k = 0; offset <= start; k++) {
    const size = SHORT_PATTERN[k % SHORT_PATTERN.length] ?? full;
    if (offset === start) return size;
    offset += size;
  }
  return full; // not a boundary of the pattern: a full page from there
}

const MAX_ARRIVALS = 20000;

function cors(res) {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, Accept');
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
  res.setHeader('Access-Control-Expose-Headers',
    'X-RateLimit-Action, X-RateLimit-Limit, X-RateLimit-Used, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After');
  res.setHeader('Access-Control-Max-Age', '600');
}

function send(res, status, body, type = 'application/json') {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  if (res.write_) res.write_.status = status;
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(text);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function pageOf(list, start, size) {
  return list.slice(start, start + size);
}

async function answer(req, res, endpoint, q, params, state) {
  const fault = params.get('fault');
  const on = params.get('on');
  const times = params.has('times') ? parseInt(params.get('times'), 10) : Infinity;
  const after = parseInt(params.get('after') ?? '0', 10) || 0;
  const matches = fault && (!on || on === endpoint);
  if (matches) state.matched = (state.matched ?? 0) + 1;
  const applies = matches && state.matched > after && state.faulted < times;
  if (applies) state.faulted += 1;
  const wait = parseInt(params.get('wait') ?? '', 10);

  if (applies) {
    switch (fault) {
      case '400': return send(res, 400, { success: false, error: { name: 'ZodError', issues: [{ code: 'invalid_type', expected: 'number', received: 'string', path: ['startIndex'], message: 'Expected number, received string' }] } });
      case '401': return send(res, 401, { error: 'Unauthorized - Invalid credentials' });
      case '403': return send(res, 403, { success: false, error: 'Your trial has expired. Please subscribe to continue using this feature.' });
      case '404': return send(res, 404, { error: 'No active LinkedIn account found' });
      case '500': return send(res, 500, { success: false, error: 'Failed to fetch invitations' });
      case '502': return send(res, 502, '<html><body><h1>502 Bad Gateway</h1></body></html>', 'text/html');
      case '503': return send(res, 503, { error: 'Service Unavailable' });
      case 'nonjson': return send(res, 200, '<!doctype html><html><body>Please sign in</body></html>', 'text/html');
      case 'malformed': return send(res, 200, '{"success":true,"invitations":[{"invitationId":"1",');
      case 'successfalse': return send(res, 200, { success: false, error: 'LinkedIn session expired' });
      case 'gone': return send(res, 400, { success: false, error: 'No pending invitation found for this profile' });
      case 'unavailable': {
        const code = endpoint === 'connections' ? 'CONNECTIONS_UNAVAILABLE' : 'INVITATIONS_UNAVAILABLE';
        return send(res, 502, { success: false, code, message: 'LinkedIn returned nothing for now; retry the request' });
      }
      case 'redirect': {
        // Another origin on this same server, so the test can see whether it is ever reached.
        const host = req.headers.host ?? '127.0.0.1';
        const other = host.startsWith('localhost') ? host.replace('localhost', '127.0.0.1') : host.replace(/^[^:]+/, 'localhost');
        res.writeHead(302, { Location: `http://${other}${state.root}/__redirected`, 'Cache-Control': 'no-store' });
        return res.end();
      }
      case 'reset': req.socket.destroy(); return undefined;
      case '429': {
        const at = Date.now() + (Number.isFinite(wait) ? wait : 1500);
        const how = params.get('reset') ?? 'iso';
        const body = { success: false, error: 'Rate limit exceeded: 60/60 requests used this minute' };
        if (how === 'iso') res.setHeader('X-RateLimit-Reset', new Date(at).toISOString());
        if (how === 'epoch') res.setHeader('X-RateLimit-Reset', String(Math.ceil(at / 1000)));
        if (how === 'retryafter') res.setHeader('Retry-After', String(Math.ceil((at - Date.now()) / 1000)));
        if (how === 'hold') body.holdUntil = new Date(at).toISOString();
        res.setHeader('X-RateLimit-Limit', '60');
        res.setHeader('X-RateLimit-Remaining', '0');
        return send(res, 429, body);
      }
      case 'slow': await sleep(Number.isFinite(wait) ? wait : 3000); break;
      default: break; // repeat, longpage, growing, wrongtypes shape the real answer below
    }
  }

  if (params.get('messy') === '1' && endpoint === 'received' && !state.messyLimited) {
    // Once: a rate limit whose retry times carry a multi-byte time zone (unreadable,
    // so the client falls back to its default wait).
    state.messyLimited = true;
    res.setHeader('X-RateLimit-Reset', ODD_ZONE);
    return send(res, 429, { success: false, error: 'Rate limit exceeded', holdUntil: ODD_ZONE });
  }
  if (WRITES.has(endpoint)) return answerWrite(res, endpoint, req.body_, state);
  if (endpoint === 'quota') {
    if (!state.newer) return send(res, 404, { success: false, error: `Cannot GET /linkedin/account/${req.quotaAccount_}/quota` });
    if (!/^[0-9a-f]{24}$/.test(req.quotaAccount_)) {
      return send(res, 400, { success: false, code: 'validation_error', message: 'accountId must be a 24-character hex string' });
    }
    const day = new Date().toISOString().slice(0, 10);
    const reset = `${new Date(Date.parse(day) + 86400000).toISOString().slice(0, 10)} 00:00:00+00:00`;
    const quota = (feature, used, limit) => ({ feature, window: 'daily', used, limit, linkedinLimit: null,
      remaining: Math.max(0, limit - used), limitReached: used >= limit, limitReachedAt: null, resetAt: reset });
    const done = (e) => state.writes.filter((w) => w.endpoint === e && w.status === 200).length;
    // LinkedIn's own weekly limit of invitations: reset next Monday 00:00 UTC.
    const today = Date.parse(day);
    const monday = new Date(today + (((8 - new Date(today).getUTCDay()) % 7) || 7) * 86400000).toISOString().slice(0, 10);
    const used = Math.max(0, parseInt(params.get('quotaused') ?? '37', 10) || 0);
    const connect = { ...quota('CONNECT', used, 100), window: 'weekly', linkedinLimit: 90, remaining: Math.max(0, 90 - used),
      limitReached: used >= 90, resetAt: `${monday} 00:00:00+00:00` };
    return send(res, 200, { accountId: req.quotaAccount_, quotas: [quota('WITHDRAW_INVITATION', done('withdraw'), 50),
      quota('RESPOND_INVITATION', done('respond'), 100), connect] });
  }
  if (endpoint === 'accounts') {
    return send(res, 200, state.newer ? ACCOUNTS.map((a, i) => ({ ...a, enabled: i !== 2, ...(i === 2 ? { status: 'WARMUP' } : {}) })) : ACCOUNTS);
  }
  if (endpoint === 'count') {
    if (!state.newer) return send(res, 404, { success: false, error: 'Cannot GET /linkedin/analytics/connections/count' });
    const count = params.get('count') === 'null' ? null : state.lists.connections.length;
    return send(res, 200, { success: true, accountId: q.get('accountId') || ACCOUNTS[0].id, connectionCount: count });
  }

  const lists = state.lists;
  const start = Math.max(0, parseInt(q.get('startIndex') ?? '0', 10) || 0);
  const accountId = q.get('accountId') || ACCOUNTS[0].id;
  const repeat = applies && fault === 'repeat';
  const servedStart = repeat ? 0 : start;
  let size = endpoint === 'connections'
    ? Math.min(12, Math.max(1, parseInt(q.get('limit') ?? '10', 10) || 10)) : 10;
  if (applies && fault === 'longpage') size = 25;
  if (endpoint !== 'sent') size = pageSize(servedStart, size, params.get('short') === '1');

  const list = lists[endpoint];
  const sortBy = q.get('sortBy');
  const sorted = () => {
    // Sorted once per list length (a growing list sorts again), not once per page.
    const cached = state.sorted?.[sortBy];
    if (cached?.length === list.length) return cached.items;
    const items = [...list].sort((a, b) => a[sortBy].localeCompare(b[sortBy]) || a.vanityName.localeCompare(b.vanityName));
    state.sorted = { ...state.sorted, [sortBy]: { length: list.length, items } };
    return items;
  };
  const ordered = endpoint === 'connections' && (sortBy === 'firstName' || sortBy === 'lastName') ? sorted() : list;
  let items = pageOf(ordered, servedStart, size);
  if (applies && fault === 'wrongtypes' && items.length > 3) {
    items = items.map((it, i) => (i === 3 ? { ...it, profile: { ...(it.profile ?? {}), firstName: 12345 } } : it));
    if (endpoint === 'connections') items[3] = { ...items[3], firstName: 12345 };
  }
  if (applies && fault === 'growing') {
    // Two new items appear at the front of the list after every answer.
    for (let k = 0; k < 2; k++) {
      const n = 100000 + state.grown++;
      list.unshift(endpoint === 'sent' ? sentItem(n) : endpoint === 'received' ? receivedItem(n) : connectionItem(n));
    }
  }
  // The newer edition: `endOfList` only on an empty page with nothing beyond it.
  const eol = state.newer && endpoint !== 'sent' ? { endOfList: items.length === 0 && servedStart >= list.length } : {};
  if (endpoint === 'connections') {
    return send(res, 200, { success: true, connections: items, ...eol, startIndex: servedStart, limit: size,
      sortBy: q.get('sortBy') || 'recentlyAdded', accountId });
  }
  res.setHeader('X-RateLimit-Limit', '60');
  return send(res, 200, { success: true, ...eol, invitations: items, count: items.length, startIndex: servedStart, accountId });
}

// ---- writes ---------------------------------------------------------------------------

const zod = (issues) => ({ success: false, error: { name: 'ZodError', issues } });
const kindOf = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

// The issues of a body against its fields: `required` must be non-empty strings,
// `optional` strings when present.
function check(body, required, optional) {
  if (kindOf(body) !== 'object') {
    return [{ code: 'invalid_type', expected: 'object', received: kindOf(body), path: [], message: 'Expected object' }];
  }
  const issues = [];
  for (const key of required) {
    const v = body[key];
    if (v === undefined) issues.push({ code: 'invalid_type', expected: 'string', received: 'undefined', path: [key], message: 'Required' });
    else if (typeof v !== 'string') issues.push({ code: 'invalid_type', expected: 'string', received: kindOf(v), path: [key], message: `Expected string, received ${kindOf(v)}` });
    else if (!v.trim()) issues.push({ code: 'too_small', minimum: 1, type: 'string', path: [key], message: 'String must contain at least 1 character(s)' });
  }
  for (const key of optional) {
    const v = body[key];
    if (v !== undefined && typeof v !== 'string') {
      issues.push({ code: 'invalid_type', expected: 'string', received: kindOf(v), path: [key], message: `Expected string, received ${kindOf(v)}` });
    }
  }
  return issues;
}

function answerWrite(res, endpoint, body, state) {
  if (body === undefined) return send(res, 400, { success: false, code: 'validation_error', message: 'The body is not JSON' });
  const accountId = (kindOf(body) === 'object' && body.accountId) || ACCOUNTS[0].id;
  if (endpoint === 'withdraw') {
    const issues = check(body, ['profileId'], ['invitationId', 'memberId', 'firstName', 'lastName', 'profileUrn', 'accountId']);
    if (issues.length) return send(res, 400, zod(issues));
    const list = state.lists.sent;
    const at = body.invitationId ? list.findIndex((it) => it?.invitationId === body.invitationId)
      : list.findIndex((it) => it?.profile?.publicIdentifier === body.profileId);
    const item = list[at];
    if (!item) return send(res, 400, { success: false, error: `No pending invitation found for ${body.profileId}` });
    // profileId is the vanity slug here (an ACoAA… member id is not a profile the server finds).
    if (item.profile?.publicIdentifier !== body.profileId) {
      return send(res, 404, { success: false, error: `LinkedIn profile not found: ${body.profileId}` });
    }
    if (body.memberId !== undefined && body.memberId !== item.memberId) {
      return send(res, 400, { success: false, error: 'memberId does not match the invitation' });
    }
    list.splice(at, 1);
    const p = item.profile ?? {};
    return send(res, 200, { success: true, message: `Successfully withdrew invitation to ${p.firstName} ${p.lastName}`, accountId });
  }
  // respond
  const issues = check(body, ['invitationId', 'validationToken', 'linkedInInvitationType', 'firstName', 'lastName'],
    ['profileId', 'accountId']);
  if (kindOf(body) === 'object' && body.action !== 'ACCEPT' && body.action !== 'IGNORE') {
    return send(res, 400, { success: false, code: 'validation_error',
      message: `action: Invalid enum value. Expected 'ACCEPT' | 'IGNORE', received '${body.action}'` });
  }
  if (issues.length) return send(res, 400, zod(issues));
  const list = state.lists.received;
  const at = list.findIndex((it) => it?.invitationId === body.invitationId);
  const item = list[at];
  if (!item) return send(res, 400, { success: false, error: `No pending invitation found: ${body.invitationId}` });
  if (item.validationToken !== body.validationToken) return send(res, 400, { success: false, error: 'Invalid validation token' });
  if (item.linkedInInvitationType !== body.linkedInInvitationType) {
    return send(res, 400, { success: false, error: 'linkedInInvitationType does not match the invitation' });
  }
  // profileId is the ACoAA… member id here; required for connection invitations.
  if (item.invitationCategory === 'CONNECTION' && body.profileId !== item.memberId) {
    return send(res, 400, { success: false, code: 'validation_error',
      message: body.profileId === undefined ? 'profileId is required for connection invitations' : 'profileId does not match the inviter' });
  }
  list.splice(at, 1);
  const verb = body.action === 'ACCEPT' ? 'accepted' : 'ignored';
  return send(res, 200, { success: true, message: `Invitation from ${body.firstName} ${body.lastName} ${verb}`, accountId });
}

async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 64 * 1024) break;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

// `limits=1`: the newer documentation's buckets, 30 reads, 15 writes and 10 /account/*
// requests a minute per LinkedIn account, and 60 a minute per API key. Counts this
// arrival; answers 429 (and returns true) when a bucket is over its size.
function overBudget(req, res, endpoint, url, params, state, arrived) {
  const size = (k, dflt) => Math.max(1, parseInt(params.get(k) ?? '', 10) || dflt);
  const windowMs = parseInt(params.get('acctwindow') ?? '60000', 10) || 60000;
  const budget = endpoint === 'quota' ? 'account' : WRITES.has(endpoint) ? 'write' : 'read';
  const account = (endpoint === 'quota' ? req.quotaAccount_
    : WRITES.has(endpoint) ? req.body_?.accountId : url.searchParams.get('accountId')) || ACCOUNTS[0].id;
  const counted = (bucket) => {
    const seen = (state.buckets.get(bucket) ?? []).filter((t) => t > arrived - windowMs);
    seen.push(arrived);
    state.buckets.set(bucket, seen);
    return seen;
  };
  const limits = { read: size('readlimit', 30), write: size('writelimit', 15), account: size('accountlimit', 10) };
  const buckets = [['key', counted(`key ${req.headers.authorization}`), size('keylimit', 60)],
    [budget, counted(`${account} ${budget}`), limits[budget]]];
  const over = buckets.find(([, seen, limit]) => seen.length > limit);
  if (!over) return false;
  const [name, seen, limit] = over;
  state.limited += 1;
  state.limitedBy[name] = (state.limitedBy[name] ?? 0) + 1;
  const resetAt = seen[seen.length - limit - 1] + windowMs;
  res.setHeader('Retry-After', String(Math.max(1, Math.ceil((resetAt - arrived) / 1000))));
  res.setHeader('X-RateLimit-Limit', String(limit));
  res.setHeader('X-RateLimit-Remaining', '0');
  res.setHeader('X-RateLimit-Reset', String(Math.ceil(resetAt / 1000)));
  const what = name === 'key' ? 'requests for this API key' : `${name === 'account' ? '/account/*' : name} requests for this account`;
  send(res, 429, { success: false, code: 'RATE_LIMITED', message: `Rate limit exceeded: ${limit} ${what} per ${windowMs / 1000} s` });
  return true;
}

export function createServer() {
  return http.createServer(async (req, res) => {
    cors(res);
    const url = new URL(req.url, 'http://mock');
    let rest = url.pathname;
    let key = 'demo';
    let params = new URLSearchParams();
    const m = rest.match(/^\/t\/([^/]+)(\/.*)$/);
    if (m) {
      key = decodeURIComponent(m[1]);
      params = new URLSearchParams(key);
      rest = m[2];
    }
    // The demo serves the newer edition.
    const state = m ? scenarioState(key, params) : (demoState ??= { lists: makeLists(DEMO, true), newer: true, requests: 0,
      byEndpoint: {}, faulted: 0, grown: 0, arrivals: [], endpoints: [], limited: 0, limitedBy: {}, byAccount: new Map(),
      buckets: new Map(), override: null, redirected: { hits: 0, withKey: 0 }, writes: [] });
    state.root = m ? `/t/${m[1]}` : '';
    if (rest === '/__redirected') {
      state.redirected.hits += 1;
      if (req.headers.authorization) state.redirected.withKey += 1;
    }

    if (req.method === 'OPTIONS') { res.writeHead(204); return res.end(); }
    if (req.method !== 'GET' && req.method !== 'POST') return send(res, 405, { success: false, error: 'method not allowed' });
    if (url.pathname === '/health') return send(res, 200, { status: 'ok' });
    if (rest === '/__stats') {
      return send(res, 200, { requests: state.requests, byEndpoint: state.byEndpoint, arrivals: state.arrivals,
        endpoints: state.endpoints, limited: state.limited, limitedBy: state.limitedBy,
        unreadable: state.unreadable ?? { sent: 0, received: 0, connections: 0 }, redirected: state.redirected, writes: state.writes,
        accepted: state.acceptedIds ?? [], expired: state.expiredIds ?? [] });
    }
    if (rest === '/__advance') {
      const n = (k) => Math.max(0, parseInt(url.searchParams.get(k) ?? '0', 10) || 0);
      return send(res, 200, advance(state, n('accept'), n('expire')));
    }
    if (rest === '/__writes') return send(res, 200, { writes: state.writes });
    if (rest === '/__fault') {
      state.override = url.searchParams.size ? url.searchParams : null;
      state.faulted = 0;
      state.matched = 0;
      return send(res, 200, { override: Object.fromEntries(url.searchParams) });
    }
    // What a client that followed the redirect would get: a real page, so following it
    // would look like success.
    if (rest === '/__redirected') return send(res, 200, { success: true, invitations: [], count: 0, startIndex: 0 });
    if (state.override) {
      params = new URLSearchParams(params);
      for (const k of ['fault', 'on', 'times', 'wait', 'reset', 'after']) params.delete(k);
      for (const [k, v] of state.override) params.set(k, v);
    }

    const em = rest.match(/^\/linkedin\/(.+?)\/?$/);
    const qm = rest.match(/^\/linkedin\/account\/([^/]+)\/quota\/?$/);
    if (qm) req.quotaAccount_ = decodeURIComponent(qm[1]);
    const endpoint = qm ? 'quota' : em && ENDPOINTS[em[1]];
    if (!endpoint) return send(res, 404, { success: false, error: `no such endpoint: ${rest}` });
    if ((req.method === 'POST') !== WRITES.has(endpoint)) {
      return send(res, 404, { success: false, error: `Cannot ${req.method} /linkedin/${em?.[1] ?? ''}` });
    }
    if (WRITES.has(endpoint)) {
      const at = Date.now();
      const text = await readBody(req);
      let parsed;
      try { parsed = JSON.parse(text); } catch { parsed = undefined; }
      req.body_ = parsed;
      res.write_ = { endpoint, at, status: null, body: parsed === undefined ? text : parsed };
      if (state.writes.length < MAX_ARRIVALS) state.writes.push(res.write_);
    }
    drift(state, params);
    const arrived = Date.now();
    state.requests += 1;
    state.byEndpoint[endpoint] = (state.byEndpoint[endpoint] ?? 0) + 1;
    if (state.arrivals.length < MAX_ARRIVALS) {
      state.arrivals.push(arrived);
      state.endpoints.push(endpoint);
    }

    const auth = req.headers.authorization ?? '';
    if (!/^Bearer \S+$/.test(auth) || auth === 'Bearer invalid-key') {
      return send(res, 401, { error: 'Unauthorized - Invalid credentials' });
    }
    // Per-account limit (the newer documentation: 30 reads a minute per LinkedIn
    // account): every arrival counts, refused ones included, as a server would.
    const limit = parseInt(params.get('acctlimit') ?? '', 10);
    if (Number.isFinite(limit) && limit > 0) {
      const windowMs = parseInt(params.get('acctwindow') ?? '60000', 10) || 60000;
      const account = url.searchParams.get('accountId') || ACCOUNTS[0].id;
      const seen = (state.byAccount.get(account) ?? []).filter((t) => t > arrived - windowMs);
      seen.push(arrived);
      state.byAccount.set(account, seen);
      if (seen.length > limit) {
        state.limited += 1;
        res.setHeader('Retry-After', String(Math.max(1, Math.ceil((seen[seen.length - limit - 1] + windowMs - arrived) / 1000))));
        return send(res, 429, { success: false, code: 'RATE_LIMITED', message: `Rate limit exceeded: ${limit} reads per ${windowMs / 1000} s for this account` });
      }
    }
    if (params.get('limits') === '1' && overBudget(req, res, endpoint, url, params, state, arrived)) return undefined;
    try {
      await answer(req, res, endpoint, url.searchParams, params, state);
    } catch (e) {
      send(res, 500, { success: false, error: `mock failure: ${e.message}` });
    }
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name, dflt) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : dflt;
  };
  const port = parseInt(arg('port', process.env.MOCK_PORT ?? '8787'), 10);
  const host = arg('host', '127.0.0.1');
  const server = createServer();
  server.listen(port, host, () => console.log(`mock API listening on http://${host}:${port}/linkedin`));
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
