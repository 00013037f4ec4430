// @ts-check
// The popup's rows, and its first paint. A deferred classic script in popup.html's head,
// marked render-blocking: it runs as soon as the page is parsed, and Chromium draws no
// frame before it has (without that mark, a first frame without the rows often came
// first, one frame earlier).
//
// - `pendingRows.rowElement` builds one row of a list; popup.js builds every row with it.
// - Before that first paint it shows the first screen the last popup showed, from a
//   copy in `localStorage` (read synchronously, unlike `storage.local`): the Sent
//   counts and first rows exactly as Rust last decided them (popup.js writes the copy
//   from `Views` whenever Rust stores or validates the first screen, and removes it
//   when Rust finds none; the options page removes it when the settings change).
// - Then, after that first frame, it starts reading storage and compiling the
//   WebAssembly module, and loads popup.js, the module behind the popup: all three would
//   otherwise hold the first paint back. popup.js draws the same screen again from
//   Rust's own validated reading of storage, keeping the rows painted here that it shows
//   the same, so a stale copy lasts only until then.
/** @typedef {import('./pkg/pending_core.js').Row} Row */

(() => {
  const api = globalThis.browser ?? globalThis.chrome;
  /** @type {(key: string, ...subs: unknown[]) => string} */
  const t = (key, ...subs) => api.i18n.getMessage(key, subs.map(String)) || key;
  // Counts in the UI language, as shared.js formatNumber writes them. Made at the first
  // use: the first Intl object of a page costs about 20 ms (Chromium loads its locale
  // data), and the first paint needs none when the copy holds its words.
  /** @type {Intl.NumberFormat | null | undefined} */
  let numbers;
  /** @type {(n: number) => string} */
  const formatNumber = (n) => {
    if (numbers === undefined) {
      try { numbers = new Intl.NumberFormat(api.i18n.getUILanguage()); } catch { numbers = null; }
    }
    return numbers ? numbers.format(n) : n.toLocaleString();
  };
  /** @type {Intl.PluralRules | undefined} */
  let plurals;
  /** The message of `key` for the count `n`, as shared.js plural() picks it.
   * @type {(key: string, n: number) => string} */
  const plural = (key, n) => {
    if (!plurals) {
      try { plurals = new Intl.PluralRules(t('lang')); } catch { plurals = new Intl.PluralRules('en'); }
    }
    return api.i18n.getMessage(`${key}_${plurals.select(n)}`, [formatNumber(n)]) || t(`${key}_other`, formatNumber(n));
  };
  /** A row's age as shown: "first seen 19 days ago" where Rust found first sight the
   * better age (its whole days), else the API's own time text.
   * @type {(row: Row) => string | undefined} */
  const age = (row) => {
    const days = row.firstSeenDays;
    if (days == null) return row.time;
    return days === 0 ? t('firstSeenToday') : plural('firstSeen', days);
  };
  const CACHE = 'pending.firstScreen';
  const PROFILE = 'https://www.linkedin.com/';
  /** @type {Record<string, string>} */
  const labels = {}; // the action buttons' words, looked up once

  /**
   * @template {keyof HTMLElementTagNameMap} K
   * @param {K} tag
   * @param {string | null} [className]
   * @param {unknown} [text]
   * @returns {HTMLElementTagNameMap[K]}
   */
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = String(text);
    return node;
  }

  /** What a row element shows, as one string: popup.js keeps a row whose key did not
   * change instead of building it again (no second paint of the same row).
   * @param {Row} row
   * @param {number} pos
   * @param {RowOptions} options
   * @returns {string} */
  function rowKey(row, pos, { tab, count, height, active, chips }) {
    return JSON.stringify([row, pos, pos === active, tab, count, height, chips]);
  }

  /** One row of a list: `row` as `Views.slice` returns it, at position `pos` (0-based)
   * of `count`, `height` px tall. `active`: the row reached with Tab (roving tabindex);
   * `chips`: show the category chip of received invitations. API text only ever goes
   * in through textContent, and only LinkedIn profile URLs become links.
   * @param {Row} row
   * @param {number} pos
   * @param {RowOptions} options
   * @returns {RowElement} */
  function rowElement(row, pos, options) {
    const { tab, count, height, active, chips } = options;
    /** @type {RowElement} */
    const li = el('li', 'row');
    li.rowKey = rowKey(row, pos, options);
    li.dataset.pos = String(pos);
    li.dataset.id = String(row.id);
    li.setAttribute('aria-setsize', String(count));
    li.setAttribute('aria-posinset', String(pos + 1));
    li.style.top = `${pos * height}px`;
    const head = el('div', 'row-head');
    let name;
    if (typeof row.url === 'string' && row.url.startsWith(PROFILE)) {
      name = el('a', 'name', row.name || (labels.noName ??= t('noName')));
      name.href = row.url;
      name.target = '_blank';
      name.rel = 'noopener noreferrer';
    } else {
      name = el('span', 'name', row.name || (labels.noName ??= t('noName')));
    }
    // `make bench` times the first row's paint with the Element Timing API.
    if (pos === 0) name.setAttribute('elementtiming', 'first-row');
    head.append(name);
    const time = options.time ?? age(row);
    if (time) head.append(el('span', 'time', time));
    // Acting on an invitation always goes through the confirmation (popup.js confirmAction).
    // A row without the fields the API needs (Rust says which) offers no action.
    const kinds = row.actionable ? { sent: ['withdraw'], received: ['accept', 'ignore'] }[tab] : null;
    if (kinds) {
      const box = el('span', 'row-actions');
      for (const kind of kinds) {
        const b = el('button', null, (labels[kind] ??= t(`act_${kind}`)));
        b.type = 'button';
        b.dataset.action = kind;
        b.setAttribute('aria-label', t(`act_${kind}_named`, row.name || (labels.noName ??= t('noName'))));
        box.append(b);
      }
      head.append(box);
    }
    li.append(head);
    if (row.headline) li.append(el('div', 'headline', row.headline));
    const chip = row.category && chips;
    if (chip || row.company || row.newsletter) {
      const detail = el('div', 'detail');
      if (chip) detail.append(el('span', 'chip', t(`cat${row.category}`)));
      if (row.company) detail.append(el('span', 'company', `${t('rowCompany')}: ${row.company}`));
      if (row.newsletter) detail.append(el('span', 'company newsletter', `${t('rowNewsletter')}: ${row.newsletter}`));
      li.append(detail);
    }
    if (row.message) {
      // One line of the note in the row; all of it on hover and for screen readers.
      const message = el('p', 'message', row.message);
      message.title = String(row.message);
      li.append(message);
    }
    setActive(li, pos === active);
    return li;
  }

  /** Roving tabindex: the active row, its name link and its buttons are reached with
   * Tab; every other row's are not (arrow keys move between rows).
   * @param {HTMLElement} li
   * @param {boolean} on */
  function setActive(li, on) {
    const index = on ? 0 : -1;
    li.tabIndex = index;
    for (const node of /** @type {NodeListOf<HTMLElement>} */ (li.querySelectorAll('a, button'))) node.tabIndex = index;
  }

  /** Stores (`first`: `{counts: {sent, received}, labels, times, rows}`) or removes (`null`) the copy
   * the next popup paints first; written only when it changed.
   * @param {FirstPaint | null} first */
  function keepFirstPaint(first) {
    try {
      const text = first ? JSON.stringify(first) : null;
      if (text === localStorage.getItem(CACHE)) return;
      if (text === null) localStorage.removeItem(CACHE);
      else localStorage.setItem(CACHE, text);
    } catch {
      // localStorage unavailable or full: the popup only paints a little later.
    }
  }

  // Rows painted here, by position: popup.js takes them over, and keeps those that
  // Rust's first screen shows the same.
  /** @type {Map<number, RowElement>} */
  const painted = new Map();
  globalThis.pendingRows = { rowElement, rowKey, setActive, age, keepFirstPaint, forgetFirstPaint: () => keepFirstPaint(null), painted };

  const list = document.getElementById('list');
  if (!list) return; // not the popup (the options page only uses keepFirstPaint)
  paintFirstScreen(list);
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    // The two slow steps of opening the popup start together, before popup.js loads:
    // reading the small stored values the first screen needs, and compiling the
    // WebAssembly module. popup.js and shared.js (coreReady) take them from here.
    globalThis.pendingEarly = {
      stored: api.storage.local.get(['settings', 'status', 'firstScreen']),
      // null when the browser cannot compile while downloading: coreReady then loads
      // the module itself.
      wasm: WebAssembly.compileStreaming(fetch(api.runtime.getURL('pkg/pending_core_bg.wasm'))).catch(() => null),
    };
    import('./popup.js');
  };
  requestAnimationFrame(() => setTimeout(start, 0));
  setTimeout(start, 100); // no frame comes while the page is hidden

  /** Paints the copy of the last first screen into `list`, if there is a readable one.
   * @param {HTMLElement} list */
  function paintFirstScreen(list) {
    document.body.dataset.tab = 'sent';
    try {
      const first = JSON.parse(localStorage.getItem(CACHE) ?? 'null');
      const counts = first?.counts;
      if (!Array.isArray(first?.rows) || !Number.isSafeInteger(counts?.sent) || first.rows.length > counts.sent) return;
      // Both are in popup.html (a missing one would throw, caught below: nothing painted).
      // The tabs' counts as the last popup wrote them ("1,230 so far" while a first
      // sync reads a list: Rust's tabCount), else the numbers.
      const labels = first.labels;
      const label = (/** @type {'sent' | 'received'} */ list) => (typeof labels?.[list] === 'string' ? labels[list] : formatNumber(counts[list]));
      /** @type {HTMLElement} */ (document.getElementById('count-sent')).textContent = label('sent');
      if (Number.isSafeInteger(counts.received)) /** @type {HTMLElement} */ (document.getElementById('count-received')).textContent = label('received');
      const height = parseFloat(getComputedStyle(list).getPropertyValue('--row-h')) || 60;
      list.style.height = `${counts.sent * height}px`;
      // Each row's age as the last popup worded it (no Intl before the first paint).
      const times = Array.isArray(first.times) ? first.times : [];
      first.rows.forEach((row, pos) => {
        const time = typeof times[pos] === 'string' ? times[pos] : undefined;
        const li = rowElement(row, pos, { tab: 'sent', count: counts.sent, height, active: 0, chips: false, time });
        list.append(li);
        painted.set(pos, li);
      });
    } catch {
      // An unreadable copy: nothing painted early; popup.js draws from storage.
    }
  }
})();
