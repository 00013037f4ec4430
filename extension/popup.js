// @ts-check
// The popup and side panel (one page). It renders the last data from storage at once,
// asks the background for a refresh, and re-renders when storage changes. The lists
// live in Rust while the page is open (Views): items cross into it once per change, a
// query once per keystroke, and only the rows on screen come back (slice). Rows,
// filters, sorting and CSV are decided there; API text only ever goes into the page
// through textContent. What storage holds is read through Rust (readSettings,
// Views.showFirstScreen, Views.loadSnapshot, statusView): malformed values, older
// schemas and another account's data read as absent.
//
// The list is virtualized: the DOM holds the rows in view plus OVERSCAN rows on either
// side, each laid out to its tab's fixed row height (--row-h in popup.css) and placed
// in a list as tall as all the rows together, so the scroll bar is the real one.

import { Views, freshness, readSettings, statusView, actionsView, tabCount, errorNote } from './pkg/pending_core.js';
import { drawInsights, exportHistory, offerOlderThan } from './insights.js';
import {
  api, t, plural, uiLocale, formatNumber, formatDateTime, formatTime, localize, send, errorText, coreReady, shared, permissionPatternFor,
} from './shared.js';

/** @typedef {import('./pkg/pending_core.js').AcceptanceView} AcceptanceView */
/** @typedef {import('./pkg/pending_core.js').ActionsView} ActionsView */
/** @typedef {import('./pkg/pending_core.js').AgeBucket} AgeBucket */
/** @typedef {import('./pkg/pending_core.js').ApiError} ApiError */
/** @typedef {import('./pkg/pending_core.js').ListName} ListName */
/** @typedef {import('./pkg/pending_core.js').Request} Request */
/** @typedef {import('./pkg/pending_core.js').Row} Row */
/** @typedef {import('./pkg/pending_core.js').Settings} Settings */
/** @typedef {import('./pkg/pending_core.js').Skips} Skips */
/** @typedef {import('./pkg/pending_core.js').Stop} Stop */
/** @typedef {import('./pkg/pending_core.js').Summary} Summary */
/** @typedef {import('./pkg/pending_core.js').SnapshotSummary} SnapshotSummary */
/** @typedef {import('./pkg/pending_core.js').StatusView} StatusView */
/** @typedef {import('./pkg/pending_core.js').ViewQuery} ViewQuery */
/** @typedef {Extract<Request, { type: 'connections' }>['sortBy']} SortBy */
/** @typedef {Extract<Request, { type: 'act' }>['action']} ActionKind */

/** The elements of popup.html whose own properties this file uses, by id.
 * @typedef {{
 *   refresh: HTMLButtonElement, 'banner-action': HTMLButtonElement, search: HTMLInputElement,
 *   order: HTMLSelectElement, older: HTMLSelectElement, 'conn-sort': HTMLSelectElement,
 *   export: HTMLButtonElement, 'bulk-withdraw': HTMLButtonElement, 'bulk-accept': HTMLButtonElement,
 *   'bulk-ignore': HTMLButtonElement, list: HTMLUListElement, 'load-more': HTMLButtonElement,
 *   confirm: HTMLDialogElement, 'confirm-ok': HTMLButtonElement, 'confirm-cancel': HTMLButtonElement,
 * }} Elements */
/** The element with this id; popup.html has every id this file names.
 * @type {<K extends string>(id: K) => K extends keyof Elements ? Elements[K] : HTMLElement} */
const $ = (id) => /** @type {any} */ (document.getElementById(id));
/** @type {ListName[]} */
const TABS = ['sent', 'received', 'connections'];
const OLDER_WEEKS = [0, 1, 2, 3, 4, 8, 12];
const OVERSCAN = 10;
// "5 minutes ago", "yesterday"; German "vor 5 Minuten", "gestern".
const relativeTime = new Intl.RelativeTimeFormat(uiLocale, { numeric: 'auto' });
/** @type {Record<string, Intl.RelativeTimeFormatUnit>} */
const FRESHNESS_UNITS = { minutes: 'minute', hours: 'hour', days: 'day' };
// rows.js: the row builder, and the rows it painted before this module ran.
const rows = globalThis.pendingRows;

// Storage is read while the WASM module loads (both started by rows.js). A heavy account's
// snapshot takes 120-260 ms to arrive (2.3 MB of JSON at 5,000 invitations), so the
// first screen comes from the small `firstScreen` value an earlier popup stored (see
// store::FirstScreen), and the snapshot is read right after it is shown.
const early = globalThis.pendingEarly?.stored ?? api.storage.local.get(['settings', 'status', 'firstScreen']);

// The three lists, in WASM memory (Views). Null until main() has loaded the module,
// which every use follows (hence not typed `| null`).
let views = /** @type {Views} */ (/** @type {unknown} */ (null));

/** @typedef {{ search: string, order: NonNullable<ViewQuery['order']>, olderThanWeeks: number, bucket: AgeBucket | '' }} SentQuery */
/** @typedef {{ search: string, category: string }} ReceivedQuery */
/** @typedef {{ next: number, done: boolean, loading: boolean, error: ApiError | null, sortBy: SortBy, loaded: number, skipped: Skips }} ConnectionsState */

const state = {
  tab: /** @type {ListName} */ ('sent'),
  rawSettings: /** @type {unknown} */ (null), // as stored, for the account tag
  rawSnapshot: /** @type {unknown} */ (undefined), // as stored: read again against new settings
  rawWalk: /** @type {unknown} */ (undefined), // the stored walk header: a first sync's rows so far (store::so_far)
  summary: /** @type {SnapshotSummary | null} */ (null), // this account's snapshot without its lists (or its first screen's); or null
  loaded: false, // the whole snapshot has been read, not only the first screen
  actions: /** @type {ActionsView | null} */ (null), // actionsView(): the action run (progress, summary), decided in Rust
  runDismissed: false,
  status: /** @type {StatusView | null} */ (null), // statusView(): what the stored status means, decided in Rust
  rawStatus: /** @type {unknown} */ (undefined),
  rawFirstSeen: /** @type {unknown} */ (undefined), // when each invitation was first seen (ages in Rust)
  rawAcceptance: /** @type {unknown} */ (undefined), // what became of the sent invitations that left (as stored)
  accept: /** @type {AcceptanceView | null} */ (null), // Views.acceptance(): the Sent tab's acceptances and health, decided in Rust
  settings: /** @type {Settings | null} */ (null),
  wasm: false,
  // Sent opens newest first, as Rust computes the stored first screen (ViewQuery::opening).
  query: /** @type {{ sent: SentQuery, received: ReceivedQuery, connections: { search: string } }} */ ({
    sent: { search: '', order: 'newest', olderThanWeeks: 0, bucket: '' },
    received: { search: '', category: '' },
    connections: { search: '' },
  }),
  connections: /** @type {ConnectionsState} */ ({ next: 0, done: false, loading: false, error: null, sortBy: 'recentlyAdded', loaded: 0, skipped: { count: 0, paths: [] } }),
  // The rendered rows of the current tab by position; `stale` after a change of its
  // data or query; `active` is the row reached with Tab (roving tabindex).
  list: {
    rendered: new Map(rows.painted), stale: true, active: 0, scroll: { sent: 0, received: 0, connections: 0 },
    rowHeight: /** @type {Record<string, number>} */ ({}),
  },
};

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {string | null} [className]
 * @param {string} [text]
 * @returns {HTMLElementTagNameMap[K]}
 */
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

// ---------- header: freshness, progress, errors ----------

function renderFreshness() {
  const line = $('freshness');
  const snap = state.summary;
  const error = state.status?.state === 'error' ? state.status.error : null;
  let text = t('neverUpdated');
  if (snap?.takenAtMs && state.wasm) {
    const f = freshness(snap.takenAtMs, Date.now());
    const unit = FRESHNESS_UNITS[f.unit];
    text = unit ? t('updatedAgo', relativeTime.format(-f.n, unit)) : t('updatedNow');
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
  const note = bannerError();
  banner.setAttribute('role', note ? 'alert' : 'status');
  if (note && (note.of === 'connections' || status?.state !== 'syncing')) {
    const { error, blocking } = note;
    banner.classList.add(blocking ? 'error' : 'warn');
    // The error's words, then what is on screen (Rust's errorNote): one message that
    // fits what is there.
    const shown = note.shown && {
      saved: t('shownSaved'), soFar: t('shownSoFar'), nothingSaved: t('shownNothing'),
      noConnections: t('emptyConnections'), connections: plural('shownConnections', state.connections.loaded),
    }[note.shown];
    const words = error.kind === 'no_key' ? `${t('noKeyTitle')}. ${t('noKeyBody')}` : errorText(error);
    $('banner-text').textContent = shown ? `${words} ${shown}` : words;
    if (error.kind === 'permission') {
      action.textContent = t('grantPermission');
      action.onclick = grantPermission;
      action.hidden = false;
    } else if (blocking) {
      action.textContent = t('openOptions');
      action.onclick = () => api.runtime.openOptionsPage();
      action.hidden = false;
    }
    banner.hidden = false;
  } else if (status?.state === 'syncing') {
    const p = status.progress;
    const list = p && { sent: t('tabSent'), received: t('tabReceived'), connections: t('tabConnections') }[p.list];
    // A list shown partial (a first sync reads it) says how many rows are in so far.
    const soFar = p && p.list !== 'connections' && state.summary?.partial?.[p.list] ? tabCount(views.total(p.list), true) : null;
    $('banner-text').textContent = soFar ? t('progressSoFar', list, formatNumber(soFar.n))
      : p ? t('progress', list, formatNumber(p.pages)) : t('progressStart');
    banner.hidden = false;
  } else {
    banner.hidden = true;
  }
  $('refresh').disabled = status?.state === 'syncing';
}

/** The error the banner shows on this tab, as Rust decides (errorNote): the sync's, or on
 * the Connections tab the connections' own; with what it says is on screen.
 * @returns {(import('./pkg/pending_core.js').ErrorNote & { error: ApiError, blocking: boolean }) | null} */
function bannerError() {
  const status = state.status;
  const c = state.connections;
  const failed = status?.state === 'error' ? /** @type {ApiError} */ (status.error) : null; // always set in the error state (app::status_view)
  if (!state.wasm) return failed && { of: 'sync', error: failed, blocking: Boolean(status?.blocking) };
  const partial = state.tab !== 'connections' && Boolean(state.summary?.partial?.[state.tab]);
  const note = errorNote(state.tab, failed?.kind, Boolean(c.error), Boolean(state.summary), partial, c.loaded);
  if (!note) return null;
  if (note.of === 'connections') {
    const error = /** @type {ApiError} */ (c.error);
    return { ...note, error, blocking: shared.blocking.has(error.kind) };
  }
  return { ...note, error: /** @type {ApiError} */ (failed), blocking: Boolean(status?.blocking) };
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
  $('count-sent').textContent = countText(state.summary, 'sent');
  $('count-received').textContent = countText(state.summary, 'received');
  // Items the API sent that could not be read: said in words, next to the list, never
  // as a blocking error.
  const conn = state.tab === 'connections';
  const skips = conn ? state.connections.skipped : state.summary?.skipped?.[state.tab];
  const skipped = skips?.count ?? 0;
  $('skipped').hidden = !(skipped > 0);
  $('skipped').textContent = skipped > 0 ? (conn ? plural('skippedConn', skipped) : plural('skipped', skipped)) : '';
  $('skipped').title = skipped > 0 ? (skips.paths ?? []).map((path) => t('skippedPath', path)).join('\n') : '';
  const c = state.connections;
  const exact = state.summary?.connectionCount;
  $('count-connections').textContent = exact != null ? formatNumber(exact)
    : c.loaded ? `${formatNumber(c.loaded)}${c.done ? '' : '+'}` : '';
  const q = state.query[state.tab];
  if ($('search').value !== q.search) $('search').value = q.search;
}

/** A list's count as its tab shows it, as Rust decides (tabCount): "1,230 so far" while
 * a first sync reads it, never a 0 that looks final.
 * @param {SnapshotSummary | null} summary
 * @param {'sent' | 'received'} list */
function countText(summary, list) {
  if (!summary || !state.wasm) return '';
  const c = tabCount(summary.counts[list], Boolean(summary.partial?.[list]));
  return !c ? '' : c.soFar ? t('countSoFar', formatNumber(c.n)) : formatNumber(c.n);
}

function renderCategories() {
  const box = $('categories');
  // Counts per category only once the received list is complete (they would look final).
  if (state.summary?.partial?.received) { box.replaceChildren(); return; }
  const by = state.summary?.counts?.receivedByCategory ?? {};
  /** @type {[string, string, number][]} */
  const chips = [['', t('categoryAll'), state.summary?.counts?.received ?? 0]];
  for (const cat of shared.categories) if (cat in by) chips.push([cat, t(`cat${cat}`), by[cat]]);
  box.replaceChildren(...chips.map(([cat, label, n]) => {
    const b = el('button', null, `${label} ${formatNumber(n)}`);
    b.type = 'button';
    b.dataset.category = cat;
    b.setAttribute('aria-pressed', String(state.query.received.category === cat));
    b.addEventListener('click', () => { state.query.received.category = cat; applyQuery(); render(); });
    return b;
  }));
}

// ---------- rows (virtualized) ----------

/** The row height of the current tab's list, from popup.css (read once per tab). */
/** @returns {number} */
function rowHeight() {
  const cache = state.list.rowHeight;
  cache[state.tab] ??= parseFloat(getComputedStyle($('list')).getPropertyValue('--row-h')) || 60;
  return cache[state.tab];
}

/** How the current tab's rows are drawn (rows.js rowElement and rowKey). */
/** @param {number} count
 * @param {number} height
 * @returns {RowOptions} */
function rowOptions(count, height) {
  const { tab, list, query } = state;
  return { tab, count, height, active: list.active, chips: tab === 'received' && query.received.category === '' };
}

/** Builds the rows in view (plus the overscan) that are missing and drops those out of
 * it. After a change of the data or the query (`stale`) every row that does not show
 * the same as before is built anew. */
function renderRows() {
  const tab = state.tab;
  const ul = $('list');
  const viewport = $('viewport');
  const list = state.list;
  const count = views.count(tab);
  const height = rowHeight();
  list.active = Math.max(0, Math.min(list.active, count - 1));
  ul.style.height = `${count * height}px`;
  const first = Math.floor(viewport.scrollTop / height);
  const last = Math.ceil((viewport.scrollTop + viewport.clientHeight) / height);
  const start = Math.max(0, first - OVERSCAN);
  const end = Math.min(count, last + OVERSCAN);
  const options = rowOptions(count, height);
  /** @type {Row[] | null} */
  let slice = null;
  let refocus;
  if (list.stale) {
    slice = views.slice(tab, start, end);
    for (const [pos, li] of list.rendered) {
      const row = slice[pos - start];
      if (row && li.rowKey === rows.rowKey(row, pos, options)) continue;
      if (li.contains(document.activeElement)) refocus = pos;
      li.remove();
      list.rendered.delete(pos);
    }
    list.stale = false;
  }
  // Rows out of the window go, except one holding the focus (it would be lost).
  for (const [pos, li] of list.rendered) {
    if ((pos < start || pos >= end) && !li.contains(document.activeElement)) {
      li.remove();
      list.rendered.delete(pos);
    }
  }
  let missing = false;
  for (let pos = start; pos < end && !missing; pos++) missing = !list.rendered.has(pos);
  if (missing) {
    // New rows go in position order among the kept ones (screen readers read the DOM
    // order); kept rows never move, so a focused one keeps the focus.
    const kept = [...list.rendered.keys()].sort((a, b) => a - b);
    let k = 0;
    (slice ?? views.slice(tab, start, end)).forEach((row, i) => {
      const pos = start + i;
      if (list.rendered.has(pos)) return;
      while (k < kept.length && kept[k] < pos) k++;
      const li = rows.rowElement(row, pos, options);
      ul.insertBefore(li, k < kept.length ? list.rendered.get(kept[k]) ?? null : null);
      list.rendered.set(pos, li);
    });
  }
  if (refocus !== undefined && count > 0) focusRow(Math.min(refocus, count - 1));
}

let framePending = false;
function renderRowsNextFrame() {
  if (framePending) return;
  framePending = true;
  requestAnimationFrame(() => {
    framePending = false;
    if (state.wasm) renderRows();
  });
}

/** The data or the query of the current tab changed: its rows are built anew. */
function invalidateRows({ toTop = false } = {}) {
  state.list.stale = true;
  if (toTop) {
    state.list.active = 0;
    $('viewport').scrollTop = 0;
  }
}

/** Moves the keyboard focus to the row at `pos`, scrolling it into view. */
/** @param {number} pos */
function focusRow(pos) {
  const count = views.count(state.tab);
  if (count === 0) return;
  const list = state.list;
  const target = Math.max(0, Math.min(count - 1, pos));
  const height = rowHeight();
  const viewport = $('viewport');
  if (target * height < viewport.scrollTop) viewport.scrollTop = target * height;
  else if ((target + 1) * height > viewport.scrollTop + viewport.clientHeight) {
    viewport.scrollTop = (target + 1) * height - viewport.clientHeight;
  }
  const old = list.rendered.get(list.active);
  if (old) rows.setActive(old, false);
  list.active = target;
  renderRows();
  const li = list.rendered.get(target);
  if (li) {
    rows.setActive(li, true);
    li.focus({ preventScroll: true });
  }
}

/** Arrow keys, Home, End, PageUp and PageDown move between rows. */
function onListKey(e) {
  const row = e.target.closest?.('li.row');
  const pos = row ? Number(row.dataset.pos) : state.list.active;
  const page = Math.max(1, Math.floor($('viewport').clientHeight / rowHeight()) - 1);
  const count = views.count(state.tab);
  const step = row ? 1 : 0; // from the list itself, the first key lands on the active row
  const next = {
    ArrowDown: pos + step, ArrowUp: pos - step, Home: 0, End: count - 1, PageDown: pos + page, PageUp: pos - page,
  }[e.key];
  if (next === undefined || count === 0) return;
  e.preventDefault();
  focusRow(next);
}

/** @returns {ViewQuery} */
function currentQuery(tab) {
  const q = state.query[tab];
  return tab === 'sent'
    ? { search: q.search, order: q.order, olderThanWeeks: q.olderThanWeeks || undefined, bucket: q.bucket || undefined }
    : { search: q.search, category: q.category || undefined };
}

/** The current tab's query changed: filtered in Rust; the list shows its top. */
function applyQuery() {
  if (!state.wasm) return;
  try {
    views.setQuery(state.tab, currentQuery(state.tab));
  } catch (e) {
    console.warn('could not filter rows:', e?.message ?? e);
  }
  invalidateRows({ toTop: true });
}

function renderList() {
  if (!state.wasm) return;
  renderBulk();
  renderChart();
  const tab = state.tab;
  $('list').setAttribute('aria-labelledby', `tab-${tab}`);
  renderRows();
  const count = views.count(tab);
  const total = views.total(tab);
  const c = state.connections;
  const empty = $('empty');
  const waiting = tab === 'connections' ? c.loading : Boolean(state.summary) && !state.loaded;
  // A failed page of connections is said once, in the banner, with what is loaded.
  empty.hidden = count > 0 || waiting || (tab === 'connections' && Boolean(c.error));
  const partial = tab !== 'connections' && Boolean(state.summary?.partial?.[tab]);
  if (!state.summary && tab !== 'connections') empty.textContent = t('neverUpdated');
  else if (partial && total === 0) empty.textContent = t('emptyPartial');
  else if (total > 0 && tab === 'connections' && !c.done) empty.textContent = t('emptyFilteredLoaded', formatNumber(total));
  else if (total > 0) empty.textContent = t('emptyFiltered');
  else empty.textContent = { sent: t('emptySent'), received: t('emptyReceived'), connections: t('emptyConnections') }[tab];
  // The export holds exactly the filtered rows: it waits for the whole snapshot, and
  // for a list a first sync is still reading.
  $('export').disabled = count === 0 || (tab !== 'connections' && (!state.loaded || partial));

  const exact = state.summary?.connectionCount;
  $('loaded').textContent = c.error && !c.loaded ? '' : c.done ? t('allLoaded', formatNumber(c.loaded))
    : exact != null ? t('loadedOf', formatNumber(c.loaded), formatNumber(exact)) : t('loadedCount', formatNumber(c.loaded));
  $('load-more').hidden = c.done;
  $('load-more').disabled = c.loading;
}

function render() {
  renderRun();
  renderFreshness();
  renderBanner();
  renderTabs();
  renderCategories();
  renderList();
  // Last: the lists and counts are drawn whatever happens here.
  renderInsights();
}

// ---------- acting on invitations: always confirmed first ----------

const running = () => state.actions?.state === 'running';

/** Shows the confirmation dialog; resolves true only for its confirming button.
 * A modal <dialog>: the page behind is inert (focus stays inside), Escape cancels. */
function confirmDialog({ title, body, ok, allowance }) {
  const dialog = $('confirm');
  $('confirm-title').textContent = title;
  $('confirm-body').textContent = body;
  $('confirm-ok').textContent = ok;
  $('confirm-allowance').textContent = '';
  allowance.then((text) => { $('confirm-allowance').textContent = text; });
  const opener = /** @type {HTMLElement | null} */ (document.activeElement);
  return new Promise((resolve) => {
    const done = (yes) => {
      $('confirm-ok').onclick = null;
      $('confirm-cancel').onclick = null;
      dialog.onclose = null;
      if (dialog.open) dialog.close();
      opener?.focus?.();
      resolve(yes);
    };
    $('confirm-ok').onclick = () => done(true);
    $('confirm-cancel').onclick = () => done(false);
    dialog.onclose = () => done(false); // Escape
    dialog.showModal();
    $('confirm-cancel').focus();
  });
}

/** What the day's cap (and LinkedIn's own quota, where the API reports it) still allows. */
/** @param {ActionKind} kind
 * @param {number} n
 * @returns {Promise<string>} */
async function allowanceText(kind, n) {
  try {
    const a = await send({ type: 'allowance', action: kind });
    const resets = formatDateTime(a.resetsAtMs);
    const remaining = formatNumber(a.remaining);
    let text = t(`allow_${kind === 'withdraw' ? 'withdraw' : 'respond'}`, remaining, formatNumber(a.cap), resets);
    if (a.remaining < n) text += ` ${t('allowShort', remaining)}`;
    if (a.quota?.remaining != null) text += ` ${t('allowQuota', formatNumber(a.quota.remaining))}`;
    return text;
  } catch (e) {
    return errorText(e);
  }
}

/** Confirms, then starts a run of `kind` on `ids` (one row, or exactly the rows shown). */
/** @param {ActionKind} kind
 * @param {string[]} ids
 * @param {string} [name] */
async function confirmAction(kind, ids, name) {
  if (!ids.length || running()) return;
  const one = ids.length === 1 && name != null;
  const yes = await confirmDialog({
    title: one ? t(`confirm_${kind}_title`, name) : plural(`confirm_${kind}_all_title`, ids.length),
    body: one ? t(`confirm_${kind}_body`, name) : plural(`confirm_${kind}_all_body`, ids.length),
    ok: one ? t(`act_${kind}`) : t(`act_${kind}_n`, formatNumber(ids.length)),
    allowance: allowanceText(kind, ids.length),
  });
  if (!yes) return;
  state.runDismissed = false;
  try {
    await send({ type: 'act', action: kind, ids });
  } catch (e) {
    state.actions = null;
    $('run').hidden = false;
    $('run-text').textContent = errorText(e);
  }
}

function onListClick(e) {
  const button = e.target.closest('button[data-action]');
  if (!button) return;
  const li = button.closest('li');
  const row = views.slice(state.tab, Number(li.dataset.pos), Number(li.dataset.pos) + 1)[0];
  if (row) confirmAction(button.dataset.action, [row.id], row.name || t('noName'));
}

/** @param {ActionKind} kind */
function bulk(kind) {
  const list = kind === 'withdraw' ? 'sent' : 'received';
  confirmAction(kind, views.shownIds(list));
}

/** The Sent tab's age chart: five bars, each a button that filters the list to it. */
function renderChart() {
  const box = $('ages');
  // A partial list's ages are those of its newest rows only: no chart until it is complete.
  if (state.tab !== 'sent' || !views.total('sent') || state.summary?.partial?.sent) { box.replaceChildren(); return; }
  const chart = views.ageChart('sent');
  const max = Math.max(1, ...chart.bars.map((b) => b.count));
  const NS = 'http://www.w3.org/2000/svg';
  box.replaceChildren(...chart.bars.map((bar) => {
    const b = el('button', null);
    b.type = 'button';
    const label = t(`age_${bar.bucket}`);
    // The visible text ("125 This week") starts the accessible name.
    b.setAttribute('aria-label', t('ageBar', formatNumber(bar.count), label));
    b.setAttribute('aria-pressed', String(state.query.sent.bucket === bar.bucket));
    const svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('viewBox', '0 0 20 28');
    svg.setAttribute('preserveAspectRatio', 'none');
    svg.setAttribute('aria-hidden', 'true');
    const rect = document.createElementNS(NS, 'rect');
    const h = Math.max(bar.count ? 2 : 0, Math.round((bar.count / max) * 28));
    rect.setAttribute('x', '2');
    rect.setAttribute('width', '16');
    rect.setAttribute('y', String(28 - h));
    rect.setAttribute('height', String(h));
    svg.append(rect);
    b.append(svg, el('span', null, formatNumber(bar.count)), ' ', el('span', null, label));
    b.addEventListener('click', () => {
      state.query.sent.bucket = state.query.sent.bucket === bar.bucket ? '' : bar.bucket;
      applyQuery();
      renderList();
    });
    return b;
  }));
}

function renderBulk() {
  if (!state.wasm) return;
  // Rows without the fields the API needs (no profile…) offer no action, nor in bulk.
  const sent = state.tab === 'sent' ? views.actionableCount('sent') : 0;
  const received = state.tab === 'received' ? views.actionableCount('received') : 0;
  $('bulk-withdraw').textContent = sent ? t('act_withdraw_all', formatNumber(sent)) : '';
  $('bulk-accept').textContent = received ? t('act_accept_all', formatNumber(received)) : '';
  $('bulk-ignore').textContent = received ? t('act_ignore_all', formatNumber(received)) : '';
  for (const id of /** @type {const} */ (['bulk-withdraw', 'bulk-accept', 'bulk-ignore'])) $(id).disabled = running();
}

function renderRun() {
  const run = state.actions;
  const box = $('run');
  const details = $('run-details');
  details.replaceChildren();
  if (!run || run.state === 'idle' || (state.runDismissed && !running())) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  $('run-stop').hidden = !running();
  $('run-close').hidden = running();
  if (running()) {
    const p = run.progress;
    let text = t(`running_${p.kind ?? 'mixed'}`, t('runProgress', formatNumber(p.handled), formatNumber(p.total)));
    if (p.current) text += ` — ${p.current}`;
    if (p.heldUntilMs) text += ` ${t('runHeld', formatTime(p.heldUntilMs))}`;
    if (p.pacedUntilMs) text += ` ${t('runPaced', formatTime(p.pacedUntilMs))}`;
    $('run-text').textContent = text;
  } else {
    $('run-text').textContent = summaryText(run.summary);
    for (const f of [...run.summary.failures, ...run.summary.unknowns]) {
      const name = f.name || t('unnamedInvitation', f.invitationId);
      // The reason's code with its HTTP status and the API's own words (or a field's name).
      details.append(el('li', null, f.reason ? `${name}: ${t(`reason_${f.reason}`, f.status ?? '', f.detail ?? '').trim()}` : name));
    }
  }
}

/** A finished or stopped run's tally in words: "12 withdrawn, 1 already gone, 2 failed.
 * Stopped." (Rust counts; the words are the locale's.)
 * @param {Summary} s */
function summaryText(s) {
  const parts = [t(`done_${s.kind ?? 'mixed'}`, formatNumber(s.done))];
  if (s.alreadyGone) parts.push(t('runGone', formatNumber(s.alreadyGone)));
  if (s.failed) parts.push(t('runFailed', formatNumber(s.failed)));
  if (s.unknown) parts.push(t('runUnknown', formatNumber(s.unknown)));
  if (s.notSent) parts.push(t('runNotSent', formatNumber(s.notSent)));
  const text = `${parts.join(', ')}.`;
  return s.stop ? `${text} ${stopText(s.stop)}` : text;
}

/** Why a run stopped, in words: which daily limit and when it resets, how long a rate
 * limit holds, the API's own words where it gave any.
 * @param {Stop} stop */
function stopText(stop) {
  const cap = stop.cap ? t(`cap_${stop.cap}`) : t('capActions');
  const when = stop.untilMs ? formatDateTime(stop.untilMs) : '';
  return t(`stop_${stop.reason}`, cap, when, stop.message ?? '').trim();
}

// ---------- the Sent tab's acceptances and health (drawn by insights.js) ----------

/** Reads the acceptances and health anew: after the snapshot, the settings or the history changed. */
function computeAcceptance() {
  state.accept = state.wasm && state.loaded && state.summary ? views.acceptance(state.rawAcceptance, state.rawSettings) : null;
}

function renderInsights() {
  drawInsights(state.tab === 'sent' ? state.accept : null);
}

/** "Show the oldest": the Sent list keeps the invitations older than the setting, oldest
 * first, so a confirmed, paced "Withdraw all" can follow if the person chooses. */
function showOldest() {
  const weeks = state.accept?.health.oldestWeeks ?? 3;
  offerOlderThan($('older'), weeks);
  $('older').value = String(weeks);
  $('order').value = 'oldest';
  Object.assign(state.query.sent, { olderThanWeeks: weeks, order: 'oldest', bucket: '', search: '' });
  applyQuery();
  render();
}

// ---------- refresh ----------

/** @param {boolean} force */
async function refresh(force) {
  try {
    await send({ type: 'refresh', reason: force ? 'button' : 'popup' });
  } catch (e) {
    state.status = { state: 'error', error: e, blocking: shared.blocking.has(e.kind) };
    render();
  }
}

/** @type {IntersectionObserver | null} */
let sentinelObserver = null;

/**
 * Scrolling loads more connections only while no search or filter hides loaded rows:
 * a search with few matches keeps the end of the list in view, and loading on would
 * walk the whole network (hundreds of requests of the account's budget) for it. A
 * search covers the loaded rows; "Load more" searches further, one page per click.
 */
const showsAllLoaded = () => views.count('connections') === views.total('connections');

async function loadConnections() {
  const c = state.connections;
  if (c.loading || c.done) return;
  c.loading = true;
  c.error = null;
  renderList();
  try {
    const page = await send({ type: 'connections', startIndex: c.next, limit: shared.connectionsPage, sortBy: c.sortBy });
    if (c !== state.connections) return; // the sort or settings changed meanwhile: the list started over
    views.addItems('connections', page.items); // new items only: the walk in Rust de-duplicates
    c.loaded = views.total('connections');
    c.next = page.nextStartIndex;
    c.done = page.done;
    c.skipped = {
      count: c.skipped.count + (page.skipped?.count ?? 0),
      paths: [...c.skipped.paths, ...(page.skipped?.paths ?? [])].slice(0, 5),
    };
    if (state.tab === 'connections') invalidateRows();
  } catch (e) {
    c.error = e;
  } finally {
    c.loading = false;
    render();
  }
  // Still at the end of the list (a tall side panel): the observer reports anew.
  if (c === state.connections && !c.done && !c.error && sentinelObserver && showsAllLoaded()) {
    sentinelObserver.unobserve($('sentinel'));
    sentinelObserver.observe($('sentinel'));
  }
}

/** Forgets the loaded connections; they load again when the Connections tab shows.
 * @param {SortBy} sortBy */
function resetConnections(sortBy) {
  state.connections = { next: 0, done: false, loading: false, error: null, sortBy, loaded: 0, skipped: { count: 0, paths: [] } };
  views.setItems('connections', []);
  if (state.tab === 'connections') {
    invalidateRows({ toTop: true });
    loadConnections();
  }
}

function exportCsv() {
  const csv = views.csv(state.tab);
  const rows = views.count(state.tab);
  const blob = new Blob(['\ufeff', csv], { type: 'text/csv;charset=utf-8' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  // The connections file says how many of the exact total it holds.
  const exact = state.summary?.connectionCount;
  const of = state.tab === 'connections' && exact != null ? `-${rows}-of-${exact}` : '';
  a.download = `pending-${state.tab}${of}-${new Date().toISOString().slice(0, 10)}.csv`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/** @param {ListName} name
 * @param {boolean} [focus] */
function selectTab(name, focus) {
  if (name !== state.tab) {
    state.list.scroll[state.tab] = $('viewport').scrollTop;
    state.tab = name;
    document.body.dataset.tab = name; // this tab's row height applies
    invalidateRows();
    state.list.active = 0;
  }
  if (name === 'connections' && state.connections.loaded === 0 && !state.connections.done) loadConnections();
  render();
  $('viewport').scrollTop = state.list.scroll[name];
  renderRows();
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
  $('list').addEventListener('keydown', onListKey);
  $('list').addEventListener('click', onListClick);
  $('bulk-withdraw').addEventListener('click', () => bulk('withdraw'));
  $('bulk-accept').addEventListener('click', () => bulk('accept'));
  $('bulk-ignore').addEventListener('click', () => bulk('ignore'));
  $('run-stop').addEventListener('click', () => send({ type: 'stopActions' }).catch(() => {}));
  $('run-close').addEventListener('click', () => { state.runDismissed = true; renderRun(); });
  $('viewport').addEventListener('scroll', renderRowsNextFrame, { passive: true });
  new ResizeObserver(renderRowsNextFrame).observe($('viewport'));
  $('search').addEventListener('input', (e) => { state.query[state.tab].search = /** @type {HTMLInputElement} */ (e.target).value; applyQuery(); renderList(); });
  // The <option> values of popup.html are the ViewQuery orders.
  $('order').addEventListener('change', (e) => { state.query.sent.order = /** @type {SentQuery['order']} */ (/** @type {HTMLSelectElement} */ (e.target).value); applyQuery(); renderList(); });
  $('older').replaceChildren(...OLDER_WEEKS.map((w) => {
    const o = el('option', null, w ? plural('olderThan', w) : t('olderAny'));
    o.value = String(w);
    return o;
  }));
  $('older').addEventListener('change', (e) => { state.query.sent.olderThanWeeks = Number(/** @type {HTMLSelectElement} */ (e.target).value); applyQuery(); renderList(); });
  // The <option> values of popup.html are the connections request's sort orders.
  $('conn-sort').addEventListener('change', (e) => resetConnections(/** @type {SortBy} */ (/** @type {HTMLSelectElement} */ (e.target).value)));
  $('load-more').addEventListener('click', loadConnections);
  $('export').addEventListener('click', exportCsv);
  $('show-oldest').addEventListener('click', showOldest);
  $('history-export').addEventListener('click', () => exportHistory(state.rawAcceptance, state.rawSettings));
  $('refresh').addEventListener('click', () => refresh(true));
  $('options').addEventListener('click', () => api.runtime.openOptionsPage());
  // Infinite scroll: the sentinel follows the whole (virtual) list inside the viewport.
  sentinelObserver = new IntersectionObserver((entries) => {
    if (state.tab === 'connections' && entries.some((e) => e.isIntersecting) && showsAllLoaded()) loadConnections();
  }, { root: $('viewport') });
  sentinelObserver.observe($('sentinel'));

  // The same page is the toolbar popup and the side panel (or a tab): only the popup
  // has a fixed size and offers to move to the side panel.
  const inPopup = (api.extension?.getViews?.({ type: 'popup' }) ?? []).includes(window);
  document.body.classList.toggle('panel', !inPopup);
  const panel = $('panel');
  if (inPopup && (api.sidePanel?.open || api.sidebarAction?.open)) {
    panel.hidden = false;
    /** @type {number | null | undefined} */
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
    for (const key of Object.keys(changes)) changedEarly.add(key);
    if (changes.settings) {
      state.rawSettings = changes.settings.newValue;
      state.settings = readSettings(state.rawSettings);
    }
    if (changes.snapshot) state.rawSnapshot = changes.snapshot.newValue;
    if (changes.status) state.rawStatus = changes.status.newValue;
    if (changes.actions) state.actions = actionsView(changes.actions.newValue);
    if (changes.status || changes.settings) state.status = statusView(state.rawStatus, state.rawSettings);
    if (changes.firstSeen) state.rawFirstSeen = changes.firstSeen.newValue;
    if (changes.walk) state.rawWalk = changes.walk.newValue;
    if (changes.acceptance) state.rawAcceptance = changes.acceptance.newValue;
    if (changes.snapshot || ((changes.settings || changes.firstSeen) && state.loaded)) applySnapshot();
    else {
      if (changes.walk && state.loaded) readSoFar();
      if (changes.acceptance) computeAcceptance();
    }
    if (changes.settings) resetConnections(state.connections.sortBy);
    render();
  });
}

/** The storage keys that changed (through onChanged) since the popup opened: main()'s
 * first read of them, which may answer later, must not overwrite what is newer. */
const changedEarly = new Set();

/** This account's snapshot (from the raw stored values) into the lists; stores or
 * removes the first screen for the next popup when Rust says it changed. */
function applySnapshot() {
  showLoaded(views.loadSnapshot(state.rawSnapshot, state.rawSettings, state.rawFirstSeen, state.rawWalk));
  readSoFar();
}

let readingSoFar = false;
let soFarAgain = false;
/** While a first sync reads a list (no complete one is stored), its rows so far are the
 * walk's pages: Rust names what to read of them (the header and the pages not shown
 * yet) and takes them in. One read at a time; a change meanwhile reads again. */
async function readSoFar() {
  if (readingSoFar) { soFarAgain = true; return; }
  readingSoFar = true;
  try {
    do {
      soFarAgain = false;
      const keys = views.soFarKeys(state.rawWalk, state.rawSettings);
      if (keys.length === 0) break;
      const stored = await api.storage.local.get(keys);
      const loaded = views.addSoFar(stored, state.rawSettings);
      if (loaded) {
        showLoaded(loaded);
        render();
      }
    } while (soFarAgain);
  } finally {
    readingSoFar = false;
  }
}

/** What Views.loadSnapshot or Views.addSoFar returned: the summary shown, and the first
 * screen stored or removed as Rust says.
 * @param {import('./pkg/pending_core.js').LoadedSnapshot} loaded */
function showLoaded(loaded) {
  state.summary = loaded.summary;
  state.loaded = true;
  computeAcceptance();
  if (state.tab !== 'connections') invalidateRows();
  if (loaded.firstScreen === null) {
    api.storage.local.remove('firstScreen');
    rows.forgetFirstPaint();
  } else if (loaded.firstScreen) {
    api.storage.local.set({ firstScreen: loaded.firstScreen });
    keepFirstPaint(loaded.firstScreen.summary, loaded.firstScreen.rows);
  }
}

/** What rows.js paints before the next popup's first paint: this first screen's counts
 * and rows, as Rust decided them. */
/** @param {SnapshotSummary} summary
 * @param {Row[]} firstRows */
function keepFirstPaint(summary, firstRows) {
  const { sent, received } = summary.counts;
  // The tabs' counts as words ("1,230 so far"), as this popup shows them.
  const labels = { sent: countText(summary, 'sent'), received: countText(summary, 'received') };
  // Their ages in words too: the next popup's first paint then needs no Intl object.
  const times = firstRows.map((row) => rows.age(row) ?? null);
  rows.keepFirstPaint({ counts: { sent, received }, labels, times, rows: firstRows });
}

async function main() {
  localize();
  document.body.dataset.tab = state.tab;
  // Stored values are validated in Rust, so the module loads before anything is shown.
  await coreReady();
  views = new Views();
  state.wasm = true;
  const stored = await early;
  state.rawSettings = stored.settings;
  state.settings = readSettings(state.rawSettings);
  state.rawStatus = stored.status;
  state.status = statusView(state.rawStatus, state.rawSettings);
  state.summary = views.showFirstScreen(stored.firstScreen, stored.settings);
  // Rust's reading of the stored first screen (its rows, primed: at most the first
  // screen's) is the copy the next popup paints first; render() replaces the rows
  // painted from this one where they differ.
  if (state.summary) keepFirstPaint(state.summary, views.slice('sent', 0, views.count('sent')));
  else rows.forgetFirstPaint();
  wire();
  render();
  performance.mark('pending:first-rows');
  // The snapshot is read once the first screen is painted: its arrival (megabytes made
  // into objects on this thread) must not hold that paint back.
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  if (state.settings.apiKey) refresh(false);

  const { snapshot, actions, firstSeen, openTab, walk, acceptance } =
    await api.storage.local.get(['snapshot', 'actions', 'firstSeen', 'openTab', 'walk', 'acceptance']);
  if (!changedEarly.has('walk')) state.rawWalk = walk;
  if (!changedEarly.has('actions')) state.actions = actionsView(actions);
  if (!changedEarly.has('firstSeen')) state.rawFirstSeen = firstSeen;
  if (!changedEarly.has('acceptance')) state.rawAcceptance = acceptance;
  // A click on the new-invitations notification asked for the Received tab.
  if (openTab === 'received') {
    api.storage.local.remove('openTab');
    selectTab('received');
  }
  // The snapshot as read, or (when one came through onChanged meanwhile) the newer one
  // again, now with the values read beside it.
  if (!changedEarly.has('snapshot')) state.rawSnapshot = snapshot;
  applySnapshot();
  render();
  performance.mark('pending:rows');
  setInterval(renderFreshness, 30_000);
}

main();
