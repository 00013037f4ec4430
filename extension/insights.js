// @ts-check
// The Sent tab's acceptances and the pending invitations' health, drawn from what Rust
// decided (Views.acceptance: the rate, the chart's weeks, who accepted or left, the
// warning, the quota): this file only chooses words and builds elements with
// createElement/textContent; profile links are the safe LinkedIn URLs Rust hands over.

import { historyCsv } from './pkg/pending_core.js';
import { t, plural, formatNumber, formatDay, formatPercent } from './shared.js';

/** @typedef {import('./pkg/pending_core.js').AcceptanceView} AcceptanceView */
/** @typedef {import('./pkg/pending_core.js').HistoryRow} HistoryRow */

/** The element with this id; popup.html has every id this file names.
 * @param {string} id
 * @returns {HTMLElement} */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

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

/** Gives the age filter an "older than `weeks` weeks" choice when it has none.
 * @param {HTMLSelectElement} select
 * @param {number} weeks */
export function offerOlderThan(select, weeks) {
  if ([...select.options].some((o) => o.value === String(weeks))) return;
  const o = el('option', null, plural('olderThan', weeks));
  o.value = String(weeks);
  select.append(o);
}

/** Fills `node` with a short text on screen and a sentence for screen readers and the
 * hover (the same words when there is no more to say).
 * @param {HTMLElement} node
 * @param {string} short
 * @param {string} long */
function sayShortAndLong(node, short, long) {
  const visible = el('span', null, short);
  visible.setAttribute('aria-hidden', 'true');
  node.replaceChildren(visible, el('span', 'sr-only', long));
  node.title = long;
}

/** The acceptance line: "Accepted: 6 of 40 (15%) in the last 30 days · median 2 days".
 * @param {AcceptanceView} v */
function acceptanceWords(v) {
  const days = formatNumber(v.windowDays);
  if (!v.tracking) return [t('acceptNoHistory'), t('acceptNoHistory')];
  if (v.sent === 0) return [t('acceptNoneSent', days), `${t('acceptNoneSent', days)}. ${t('acceptHow')}`];
  const sent = formatNumber(v.sent);
  const percent = v.percent == null ? null : v.belowOnePercent ? t('percentBelowOne') : formatPercent(v.percent);
  let short = percent == null ? t('acceptNone', sent, days) : t('acceptLine', formatNumber(v.accepted), sent, percent, days);
  let long = percent == null ? `${short}.` : t('acceptTitle', days, sent, formatNumber(v.accepted), percent);
  if (v.medianDays != null) {
    short += ` · ${v.medianDays === 0 ? t('acceptMedianUnderDay') : plural('acceptMedian', v.medianDays)}`;
    long += ` ${plural('acceptMedianTitle', Math.max(1, v.medianDays))}`;
  }
  if (v.partial && v.sinceMs != null) long += ` (${t('acceptSince', formatDay(v.sinceMs))})`;
  return [short, `${long} ${t('acceptHow')}`];
}

/** The people of a recent list: a profile link (only a safe LinkedIn URL, from Rust),
 * the day they left and what became of them.
 * @param {HistoryRow[]} people */
function peopleItems(people) {
  if (!people.length) return [el('li', 'when', t('acceptedNone'))];
  return people.map((p) => {
    const li = el('li');
    const name = p.name || t('noName');
    let link;
    if (p.url) {
      link = el('a', null, name);
      link.href = p.url;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
    } else {
      link = el('span', null, name);
    }
    const what = p.outcome === 'accepted' ? (p.days === 0 ? t('acceptedWithinDay') : plural('acceptedAfter', p.days))
      : p.outcome === 'withdrawn' ? t('outcomeWithdrawn') : t('outcomeGone');
    li.append(link, el('span', 'when', ` · ${formatDay(p.leftMs)} · ${what}`));
    li.title = `${name}: ${what}`;
    return li;
  });
}

/** The weekly chart: per week a pair of bars (sent, accepted), each week reachable with
 * Tab and named in words. */
function renderWeeks(/** @type {AcceptanceView} */ v) {
  const NS = 'http://www.w3.org/2000/svg';
  const max = Math.max(1, ...v.weeks.map((w) => Math.max(w.sent, w.accepted)));
  $('accept-chart').replaceChildren(...v.weeks.map((w) => {
    const li = el('li');
    li.tabIndex = 0;
    const label = t('weekBar', formatDay(w.startMs), formatNumber(w.sent), formatNumber(w.accepted));
    li.setAttribute('aria-label', label);
    li.title = label;
    const svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('viewBox', '0 0 20 36');
    svg.setAttribute('preserveAspectRatio', 'none');
    svg.setAttribute('aria-hidden', 'true');
    for (const [cls, n, x] of /** @type {const} */ ([['sent', w.sent, 2], ['accepted', w.accepted, 11]])) {
      const rect = document.createElementNS(NS, 'rect');
      const h = Math.max(n ? 2 : 0, Math.round((n / max) * 36));
      rect.setAttribute('class', cls);
      rect.setAttribute('x', String(x));
      rect.setAttribute('width', '7');
      rect.setAttribute('y', String(36 - h));
      rect.setAttribute('height', String(h));
      svg.append(rect);
    }
    const day = el('span', null, formatDay(w.startMs));
    day.setAttribute('aria-hidden', 'true');
    li.append(svg, day);
    return li;
  }));
}

/** Downloads the history's CSV (made in Rust from the stored history of this account).
 * @param {unknown} rawAcceptance
 * @param {unknown} rawSettings */
export function exportHistory(rawAcceptance, rawSettings) {
  const csv = historyCsv(rawAcceptance, rawSettings);
  const blob = new Blob(['\ufeff', csv], { type: 'text/csv;charset=utf-8' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `pending-history-${new Date().toISOString().slice(0, 10)}.csv`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/** Draws the Sent tab's acceptances and health (`null`: hidden): the warning past the
 * threshold, the acceptance line, the health line and, once tracking, the details.
 * @param {AcceptanceView | null} v */
export function drawInsights(v) {
  $('insights').hidden = !v;
  if (!v) return;
  const h = v.health;
  $('health-warn').hidden = !h.over;
  if (h.over) {
    const warning = t('healthWarn', formatNumber(h.pending), formatNumber(h.warnAt));
    sayShortAndLong($('health-warn-text'), warning, `${warning} ${t('healthWarnTitle', formatNumber(h.oldestWeeks))}`);
  }
  const [short, long] = acceptanceWords(v);
  sayShortAndLong($('accept-line'), short, long);
  const parts = [t('healthPending', formatNumber(h.pending)), t('healthThisWeek', formatNumber(h.thisWeek))];
  let sentence = t('healthTitle', formatNumber(h.pending), formatNumber(h.warnAt), formatNumber(h.thisWeek));
  if (h.quota) {
    const q = h.quota;
    const window = (q.window ?? '').toLowerCase();
    const used = formatNumber(q.used);
    const limit = formatNumber(q.limit);
    let quota = window === 'weekly' ? t('healthQuotaWeek', used, limit)
      : window === 'daily' ? t('healthQuotaDay', used, limit) : t('healthQuota', used, limit);
    if (q.resetAtMs != null) quota += `, ${t('healthQuotaResets', formatDay(q.resetAtMs))}`;
    parts.push(quota);
    sentence += ` ${t('healthQuotaTitle', formatNumber(q.used), formatNumber(q.limit))} ${quota}.`;
  }
  sayShortAndLong($('health-line'), parts.join(' · '), sentence);
  $('accept-details').hidden = !v.tracking;
  if (!v.tracking) return;
  renderWeeks(v);
  $('accepted-list').replaceChildren(...peopleItems(v.acceptedRecent));
  $('left-list').replaceChildren(...peopleItems(v.leftRecent));
  /** @type {HTMLButtonElement} */ ($('history-export')).disabled = v.recorded === 0;
}
