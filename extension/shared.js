// @ts-check
// What the background, popup and options page share: the browser API handle, the WASM
// module's loading, settings, translated strings and error words. No business logic:
// lists, filters, counts, CSV and the validation of everything read from storage are
// computed in Rust (pkg/pending_core.js).

import init, { readSettings, constants } from './pkg/pending_core.js';

/** @typedef {import('./pkg/pending_core.js').ApiError} ApiError */
/** @typedef {import('./pkg/pending_core.js').Request} Request */
/** @typedef {import('./pkg/pending_core.js').Settings} Settings */
/** @typedef {Readonly<Omit<ReturnType<typeof constants>, 'blocking'> & { blocking: Set<string> }>} Shared */

/** @type {ExtensionApi} */
export const api = globalThis.browser ?? globalThis.chrome;

/** The constants the pages share with the controller (categories, blocking error kinds,
 * the official API, the connections page size): defined once, in Rust. Null until
 * coreReady() has resolved, which every use follows (hence not typed `| null`). */
export let shared = /** @type {Shared} */ (/** @type {unknown} */ (null));

/** @type {Promise<void> | null} */
let core = null;
/** Loads the WASM module once per page or worker; every call into it awaits this first.
 * The popup's rows.js has already started compiling it. */
export function coreReady() {
  core ??= Promise.resolve(globalThis.pendingEarly?.wasm)
    .then((compiled) => init({ module_or_path: compiled ?? api.runtime.getURL('pkg/pending_core_bg.wasm') }))
    .then(() => {
      const c = constants();
      shared = Object.freeze({ ...c, blocking: new Set(c.blocking) });
    });
  return core;
}

/** The stored settings, validated (and migrated) in Rust: always complete, never throws.
 * @returns {Promise<Settings>} */
export async function getSettings() {
  await coreReady();
  const { settings } = await api.storage.local.get('settings');
  return readSettings(settings);
}

/** A translated string from _locales; `subs` fill its $PLACEHOLDERS$ in order.
 * Every key used here must be in every locale (tests/locales.rs checks it).
 * @param {string} key
 * @param {...unknown} subs
 * @returns {string} */
export function t(key, ...subs) {
  return api.i18n.getMessage(key, subs.map(String)) || key;
}

/** The browser's UI language (which also picks the _locales file): numbers, dates and
 * relative times are written as it writes them, through `Intl` ("2.000" in German, also
 * where the words fall back to English). `undefined` (JavaScript's default) if the
 * browser names a language `Intl` cannot read. */
export const uiLocale = (() => {
  try {
    return Intl.getCanonicalLocales(api.i18n.getUILanguage())[0];
  } catch {
    return undefined;
  }
})();
const numbers = new Intl.NumberFormat(uiLocale);
const dateTimes = new Intl.DateTimeFormat(uiLocale, { dateStyle: 'medium', timeStyle: 'short' });
const times = new Intl.DateTimeFormat(uiLocale, { timeStyle: 'short' });
const days = new Intl.DateTimeFormat(uiLocale, { month: 'short', day: 'numeric' });
const percents = new Intl.NumberFormat(uiLocale, { style: 'percent', maximumFractionDigits: 0 });
/** The language the words are in: the `lang` message of the _locales file the browser
 * picked ("en" when the UI language has no locale of its own). Plural forms follow it. */
export const wordsLocale = (() => {
  try {
    return Intl.getCanonicalLocales(t('lang'))[0];
  } catch {
    return 'en';
  }
})();
const plurals = new Intl.PluralRules(wordsLocale);

/** A count as the UI language writes it ("2,000"; German "2.000").
 * @param {number} n */
export const formatNumber = (n) => numbers.format(n);
/** An instant (epoch ms) as a date and time of the UI language.
 * @param {number} ms */
export const formatDateTime = (ms) => dateTimes.format(ms);
/** An instant (epoch ms) as a time of day of the UI language.
 * @param {number} ms */
export const formatTime = (ms) => times.format(ms);

/** An instant (epoch ms) as a day of the UI language ("Dec 6"; German "6. Dez.").
 * @param {number} ms */
export const formatDay = (ms) => days.format(ms);
/** A whole percentage (15) as the UI language writes it ("15%"; German "15 %").
 * @param {number} n */
export const formatPercent = (n) => percents.format(n / 100);

/** The message of `key` for the count `n`: `key_one` or `key_other` as the plural
 * rules of the words' language pick (en and de have just these two), with `n`
 * formatted as the first placeholder and `subs` after it. A form a locale file lacks
 * takes `key_other`.
 * @param {string} key
 * @param {number} n
 * @param {...unknown} subs
 * @returns {string} */
export function plural(key, n, ...subs) {
  const words = [formatNumber(n), ...subs].map(String);
  return api.i18n.getMessage(`${key}_${plurals.select(n)}`, words) || t(`${key}_other`, ...words);
}

/** Fills [data-i18n] text, [data-i18n-label] aria-labels, [data-i18n-placeholder] and
 * [data-i18n-title], and gives the page the words' language (screen readers, hyphens).
 * The selectors guarantee each attribute, hence the `string` casts. */
export function localize(root = document) {
  document.documentElement.lang = wordsLocale;
  /** @param {string} selector */
  const all = (selector) => /** @type {NodeListOf<HTMLElement>} */ (root.querySelectorAll(selector));
  for (const el of all('[data-i18n]')) el.textContent = t(/** @type {string} */ (el.dataset.i18n));
  for (const el of all('[data-i18n-label]')) el.setAttribute('aria-label', t(/** @type {string} */ (el.dataset.i18nLabel)));
  for (const el of all('[data-i18n-placeholder]')) el.setAttribute('placeholder', t(/** @type {string} */ (el.dataset.i18nPlaceholder)));
  for (const el of all('[data-i18n-title]')) el.setAttribute('title', t(/** @type {string} */ (el.dataset.i18nTitle)));
}

/** Sends a `Request` (see the `Request` type in pkg/pending_core.d.ts) to the
 * background and returns its `Reply`; a `{type: "error"}` reply throws its error.
 * @template {Request} Q
 * @param {Q} request
 * @returns {Promise<ReplyTo<Q>>} */
export async function send(request) {
  const reply = await api.runtime.sendMessage(request);
  if (!reply || typeof reply.type !== 'string') throw { kind: 'no_reply', message: 'the background did not answer' };
  if (reply.type === 'error') throw reply.error;
  return reply;
}

/** Any thrown value as `{kind, status?, message, retryAt?}` (the Rust ApiError shape).
 * @returns {ApiError} */
export function asApiError(e) {
  if (e && typeof e === 'object' && typeof e.kind === 'string') return e;
  return { kind: 'other', message: String(e?.message ?? e) };
}

/** The words a user sees for an error: its kind (and, for an invalid input, its
 * `reason`) worded from _locales; its `message` is for developers and never shown,
 * except for errors of the browser's own (kind `other`).
 * @returns {string} */
export function errorText(error) {
  const e = asApiError(error);
  switch (e.kind) {
    case 'no_key': return t('noKeyBody');
    case 'unauthorized': return t('errUnauthorized');
    case 'forbidden': return t('errForbidden');
    case 'no_account': return t('errNoAccount');
    case 'rate_limited':
      return e.retryAt ? t('errRateLimited', formatDateTime(e.retryAt)) : t('errRateLimitedNoTime');
    case 'network': return t('errOffline');
    case 'timeout': return t('errTimeout');
    case 'server': case 'http': case 'api': return t('errServer', e.status ?? '?');
    case 'bad_request': return t('errBadRequest', e.status ?? 400, e.apiMessage ?? '').trim();
    case 'decode': return t('errDecode');
    case 'pagination': return t('errPagination');
    case 'unavailable': return t('errUnavailable');
    case 'permission': return t('errPermission');
    case 'invalid_input': return e.reason ? t(`inv_${e.reason}`) : t('errInvalidInput');
    case 'cancelled': return t('errCancelled');
    case 'internal': return t('errInternal');
    case 'no_reply': return t('errNoReply');
    default: return t('errOther', e.message);
  }
}

/** The API origins the manifest asks host permission for (Firefox lets users revoke them).
 * @returns {string[]} */
export function manifestOrigins() {
  return (api.runtime.getManifest().host_permissions ?? []).map((p) => p.replace(/\/\*$/, ''));
}

/** The host-permission pattern for a base URL, when it is one the manifest names.
 * @param {string} baseUrl
 * @returns {string | null} */
export function permissionPatternFor(baseUrl) {
  let origin;
  try { origin = new URL(baseUrl).origin; } catch { return null; }
  return manifestOrigins().includes(origin) ? `${origin}/*` : null;
}
