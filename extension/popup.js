// The popup and side panel (one page). It renders the last snapshot from storage at
// once, asks the background for a refresh, and re-renders when storage changes. Rows,
// filters, sorting and CSV come from Rust (viewRows, toCsv); API text only ever goes
// into the page through textContent. What storage holds is read through Rust
// (readSettings, readSnapshot, readStatus): malformed values, older schemas and another
// account's snapshot read as absent.

import { viewRows, toCsv, freshness, readSettings, readSnapshot, readStatus } from './pkg/pending_core.js';
import { api, t, localize, send, errorText, coreReady, CATEGORIES, BLOCKING, permissionPatternFor } from './shared.js';

const $ = (id) => document.getElementById(id);
const TABS = ['sent', 'received', 'connections'];
const OLDER_WEEKS = [0, 1, 2, 3, 4, 8, 12];
const CONNECTIONS_PAGE = 12;

const state = {
  tab: 'sent',
  rawSettings: null, // as stored, for readSnapshot
  rawSnapshot: null, // as stored: re-read against new settings
  snapshot: null, // this account's, validated; or null
  status: null,
  settings: null,
  wasm: false,
  query: {
    sent: { search: '', order: 'newest', olderThanWeeks: 0 },
    received: { search: '', category: '' },
    connections: { search: '' },
  },
  connections: { items: [], next: 0, done: false, loading: false, error: null, sortBy: 'recentlyAdded' },
  rows: [],
};

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

// ---------- header: freshness, progress, errors ----------

function renderFreshness() {
  const line = $('freshness');
  const snap = state.snapshot;
  const error = state.status?.state === 'error' ? state.status.error : null;
  let text = t('neverUpdated');
  if (snap?.takenAtMs && state.wasm) {
    const f = freshness(snap.takenAtMs, Date.now());
    text = { now: t('updatedNow'), minutes: t('updatedMinutes', f.n), hours: t('updatedHours', f.n), days: t('updatedDays', f.n) }[f.unit];
  }
  const stale = Boolean(snap && error);
  if (stale) text += ` ${t('staleMark')}`;
  line.textContent = text;
  line.classList.toggle('stale', stale);
}

function renderBanner() {
  const banner = $('banner');
  const action = $('banner-action');
  const status = state.status;
  action.hidden = true;
  action.onclick = null;
  banner.className = 'banner';
  banner.setAttribute('role', status?.state === 'error' ? 'alert' : 'status');
  if (status?.state === 'syncing') {
    const p = status.progress;
    $('banner-text').textContent = p ? t('progress', t(`tab${p.list[0].toUpperCase()}${p.list.slice(1)}`), p.pages) : t('progressStart');
    banner.hidden = false;
  } else if (status?.state === 'error') {
    const error = status.error;
    banner.classList.add(BLOCKING.has(error.kind) ? 'error' : 'warn');
    $('banner-text').textContent = error.kind === 'no_key' ? `${t('noKeyTitle')}. ${t('noKeyBody')}` : errorText(error);
    if (error.kind === 'permission') {
      action.textContent = t('grantPermission');
      action.onclick = grantPermission;
      action.hidden = false;
    } else if (BLOCKING.has(error.kind)) {
      action.textContent = t('openOptions');
      action.onclick = () => api.runtime.openOptionsPage();
      action.hidden = false;
    }
    banner.hidden = false;
  } else {
    banner.hidden = true;
  }
  $('refresh').disabled = status?.state === 'syncing';
}

function grantPermission() {
  // Must run inside the click handler: permissions.request needs the user gesture.
  const pattern = permissionPatternFor(state.settings?.baseUrl ?? '');
  if (!pattern) return;
  api.permissions.request({ origins: [pattern] }).then((granted) => { if (granted) refresh(true); });
}

// ---------- tabs, counts, filters ----------

function renderTabs() {
  document.body.dataset.tab = state.tab;
  for (const name of TABS) {
    const tab = $(`tab-${name}`);
    const selected = name === state.tab;
    tab.setAttribute('aria-selected', String(selected));
    tab.tabIndex = selected ? 0 : -1;
  }
  $('panel-main').setAttribute('aria-labelledby', `tab-${state.tab}`);
  const counts = state.snapshot?.counts;
  $('count-sent').textContent = counts ? String(counts.sent) : '';
  $('count-received').textContent = counts ? String(counts.received) : '';
  // Items the API sent that could not be read: said in words, next to the list, never
  // as a blocking error.
  const skipped = state.tab === 'connections' ? 0 : (state.snapshot?.skipped?.[state.tab]?.count ?? 0);
  $('skipped').hidden = !(skipped > 0);
  $('skipped').textContent = skipped > 0 ? t(skipped === 1 ? 'skippedOne' : 'skippedMany', skipped) : '';
  $('skipped').title = skipped > 0 ? (state.snapshot.skipped[state.tab].reasons ?? []).join('\n') : '';
  const c = state.connections;
  const exact = state.snapshot?.connectionCount;
  $('count-connections').textContent = exact != null ? exact.toLocaleString()
    : c.items.length ? `${c.items.length}${c.done ? '' : '+'}` : '';
  const q = state.query[state.tab];
  if ($('search').value !== q.search) $('search').value = q.search;
}

function renderCategories() {
  const box = $('categories');
  const by = state.snapshot?.counts?.receivedByCategory ?? {};
  const chips = [['', t('categoryAll'), state.snapshot?.counts?.received ?? 0]];
  for (const cat of CATEGORIES) if (cat in by) chips.push([cat, t(`cat${cat}`), by[cat]]);
  box.replaceChildren(...chips.map(([cat, label, n]) => {
    const b = el('button', null, `${label} ${n}`);
    b.type = 'button';
    b.dataset.category = cat;
    b.setAttribute('aria-pressed', String(state.query.received.category === cat));
    b.addEventListener('click', () => { state.query.received.category = cat; render(); });
    return b;
  }));
}

// ---------- rows ----------

function rowElement(row) {
  const li = el('li', 'row');
  li.tabIndex = -1;
  li.dataset.id = row.id;
  const head = el('div', 'row-head');
  let name;
  if (row.url) {
    name = el('a', 'name', row.name);
    name.href = row.url;
    name.target = '_blank';
    name.rel = 'noopener noreferrer';
  } else {
    name = el('span', 'name', row.name);
  }
  head.append(name);
  if (row.time) head.append(el('span', 'time', row.time));
  li.append(head);
  if (row.headline) li.append(el('div', 'headline', row.headline));
  if (row.company) li.append(el('div', 'company', `${t('rowCompany')}: ${row.company}`));
  if (row.newsletter) li.append(el('div', 'company newsletter', `${t('rowNewsletter')}: ${row.newsletter}`));
  if (row.category && state.query.received.category === '') li.append(el('span', 'chip', t(`cat${row.category}`)));
  if (row.message) li.append(el('p', 'message', row.message));
  return li;
}

function currentItems() {
  if (state.tab === 'connections') return state.connections.items;
  return state.snapshot?.[state.tab] ?? [];
}

function renderList() {
  if (!state.wasm) return;
  const q = state.query[state.tab];
  const query = state.tab === 'sent'
    ? { search: q.search, order: q.order, olderThanWeeks: q.olderThanWeeks || undefined }
    : { search: q.search, category: q.category || undefined };
  try {
    state.rows = viewRows(state.tab, currentItems(), query);
  } catch (e) {
    state.rows = [];
    console.warn('could not render rows:', e?.message ?? e);
  }
  $('list').replaceChildren(...state.rows.map(rowElement));
  const empty = $('empty');
  const total = currentItems().length;
  empty.hidden = state.rows.length > 0 || (state.tab === 'connections' && state.connections.loading);
  if (!state.snapshot && state.tab !== 'connections') empty.textContent = t('neverUpdated');
  else if (total > 0) empty.textContent = t('emptyFiltered');
  else empty.textContent = t({ sent: 'emptySent', received: 'emptyReceived', connections: 'emptyConnections' }[state.tab]);
  $('export').disabled = state.rows.length === 0;

  const c = state.connections;
  const exact = state.snapshot?.connectionCount;
  $('loaded').textContent = c.error ? errorText(c.error) : c.done ? t('allLoaded', c.items.length)
    : exact != null ? t('loadedOf', c.items.length.toLocaleString(), exact.toLocaleString()) : t('loadedCount', c.items.length);
  $('load-more').hidden = c.done;
  $('load-more').disabled = c.loading;
}

function render() {
  renderFreshness();
  renderBanner();
  renderTabs();
  renderCategories();
  renderList();
}

// ---------- actions ----------

async function refresh(force) {
  try {
    await send({ type: 'refresh', reason: force ? 'button' : 'popup' });
  } catch (e) {
    state.status = { state: 'error', error: e };
    render();
  }
}

async function loadConnections() {
  const c = state.connections;
  if (c.loading || c.done) return;
  c.loading = true;
  c.error = null;
  renderList();
  try {
    const page = await send({ type: 'connections', startIndex: c.next, limit: CONNECTIONS_PAGE, sortBy: c.sortBy });
    if (c !== state.connections) return; // the sort or settings changed meanwhile: the list started over
    c.items.push(...page.items); // new items only: the walk in Rust de-duplicates
    c.next = page.nextStartIndex;
    c.done = page.done;
  } catch (e) {
    c.error = e;
  } finally {
    c.loading = false;
    render();
  }
}

/** Forgets the loaded connections; they load again when the Connections tab shows. */
function resetConnections(sortBy) {
  state.connections = { items: [], next: 0, done: false, loading: false, error: null, sortBy };
  if (state.tab === 'connections') loadConnections();
}

function exportCsv() {
  const csv = toCsv(state.rows);
  const blob = new Blob(['\ufeff', csv], { type: 'text/csv;charset=utf-8' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  // The connections file says how many of the exact total it holds.
  const exact = state.snapshot?.connectionCount;
  const of = state.tab === 'connections' && exact != null ? `-${state.rows.length}-of-${exact}` : '';
  a.download = `pending-${state.tab}${of}-${new Date().toISOString().slice(0, 10)}.csv`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

function selectTab(name, focus) {
  state.tab = name;
  if (name === 'connections' && state.connections.items.length === 0 && !state.connections.done) loadConnections();
  render();
  if (focus) $(`tab-${name}`).focus();
}

function wire() {
  for (const name of TABS) $(`tab-${name}`).addEventListener('click', () => selectTab(name));
  $('tabs').addEventListener('keydown', (e) => {
    const i = TABS.indexOf(state.tab);
    const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: TABS.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    selectTab(TABS[(next + TABS.length) % TABS.length], true);
  });
  $('list').addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const rows = [...$('list').children];
    const i = rows.indexOf(document.activeElement);
    const next = rows[e.key === 'ArrowDown' ? Math.min(rows.length - 1, i + 1) : Math.max(0, i - 1)];
    if (next) { e.preventDefault(); next.focus(); }
  });
  $('search').addEventListener('input', (e) => { state.query[state.tab].search = e.target.value; renderList(); });
  $('order').addEventListener('change', (e) => { state.query.sent.order = e.target.value; renderList(); });
  $('older').replaceChildren(...OLDER_WEEKS.map((w) => {
    const o = el('option', null, w ? t('olderThan', w) : t('olderAny'));
    o.value = String(w);
    return o;
  }));
  $('older').addEventListener('change', (e) => { state.query.sent.olderThanWeeks = Number(e.target.value); renderList(); });
  $('conn-sort').addEventListener('change', (e) => resetConnections(e.target.value));
  $('load-more').addEventListener('click', loadConnections);
  $('export').addEventListener('click', exportCsv);
  $('refresh').addEventListener('click', () => refresh(true));
  $('options').addEventListener('click', () => api.runtime.openOptionsPage());
  new IntersectionObserver((entries) => {
    if (state.tab === 'connections' && entries.some((e) => e.isIntersecting)) loadConnections();
  }).observe($('sentinel'));

  // The same page is the toolbar popup and the side panel (or a tab): only the popup
  // has a fixed width and offers to move to the side panel.
  const inPopup = (api.extension?.getViews?.({ type: 'popup' }) ?? []).includes(window);
  document.body.classList.toggle('panel', !inPopup);
  const panel = $('panel');
  if (inPopup && (api.sidePanel?.open || api.sidebarAction?.open)) {
    panel.hidden = false;
    let windowId = null;
    api.windows?.getCurrent?.().then((w) => { windowId = w.id; });
    panel.addEventListener('click', () => {
      // Called synchronously from the click: both browsers require the user gesture.
      if (api.sidebarAction?.open) api.sidebarAction.open();
      else if (windowId != null) api.sidePanel.open({ windowId });
      window.close();
    });
  }

  // Registered once the module is loaded (main), so every change is read through Rust.
  api.storage.onChanged.addListener((changes, area) => {
    if (area !== 'local') return;
    if (changes.settings) state.rawSettings = changes.settings.newValue;
    if (changes.snapshot) state.rawSnapshot = changes.snapshot.newValue;
    if (changes.status) state.status = readStatus(changes.status.newValue);
    if (changes.settings || changes.snapshot) readStored();
    if (changes.settings) resetConnections(state.connections.sortBy);
    render();
  });
}

/** Settings and this account's snapshot from the raw stored values. */
function readStored() {
  state.settings = readSettings(state.rawSettings);
  state.snapshot = readSnapshot(state.rawSnapshot, state.rawSettings);
}

async function main() {
  localize();
  // Stored values are validated in Rust, so the module loads before anything is shown.
  await coreReady();
  state.wasm = true;
  const stored = await api.storage.local.get(['settings', 'snapshot', 'status']);
  state.rawSettings = stored.settings;
  state.rawSnapshot = stored.snapshot;
  state.status = readStatus(stored.status);
  readStored();
  wire();
  render();
  performance.mark('pending:counts');
  performance.mark('pending:rows');
  if (state.settings.apiKey) refresh(false);
  else state.status = { state: 'error', error: { kind: 'no_key', message: 'no API key' } };
  render();
  setInterval(renderFreshness, 30_000);
}

main();
