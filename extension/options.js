// @ts-check
// The options page: reads and writes `settings` in storage.local (the API key never
// leaves this browser except as the Authorization header to the configured API).
// "Test connection" asks the background to list the accounts with the form's values.
// Saving or testing a base URL other than the official API first warns, naming the host
// that would receive the key (decided in Rust: keyDestination); a second click on the
// same button confirms.

import { keyDestination, readSettings, readSnapshot, dailyCost } from './pkg/pending_core.js';
import { api, t, plural, formatNumber, localize, send, errorText, getSettings, coreReady, manifestOrigins, shared } from './shared.js';

/** @typedef {import('./pkg/pending_core.js').Account} Account */
/** @typedef {import('./pkg/pending_core.js').KeyDestination} KeyDestination */
/** @typedef {import('./pkg/pending_core.js').Settings} Settings */

/** The elements of options.html whose own properties this file uses, by id.
 * @typedef {{
 *   form: HTMLFormElement, apiKey: HTMLInputElement, showKey: HTMLInputElement, accountId: HTMLSelectElement,
 *   refreshMinutes: HTMLSelectElement, sentMaxAgeMinutes: HTMLSelectElement, sentRefreshesPerDay: HTMLSelectElement,
 *   actionGapSeconds: HTMLInputElement, withdrawCap: HTMLInputElement, respondCap: HTMLInputElement,
 *   pendingWarnAt: HTMLInputElement, oldestWeeks: HTMLInputElement,
 *   advanced: HTMLDetailsElement, baseUrl: HTMLInputElement, test: HTMLButtonElement, save: HTMLButtonElement,
 * }} Elements */
/** The element with this id; options.html has every id this file names.
 * @type {<K extends string>(id: K) => K extends keyof Elements ? Elements[K] : HTMLElement} */
const $ = (id) => /** @type {any} */ (document.getElementById(id));
const REFRESH_CHOICES = [5, 15, 30, 60, 120];
const SENT_AGE_CHOICES = [30, 60, 180, 360, 720, 1440];
const SENT_PER_DAY_CHOICES = [0, 1, 2, 4, 6];

/** @param {string} value
 * @param {string} label */
function option(value, label) {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = label;
  return o;
}

/** @param {string} text */
function say(text, isError = false) {
  $('result').textContent = text;
  $('result').classList.toggle('error', isError);
}

/** @param {Account[]} accounts
 * @param {string} [selected] */
function setAccounts(accounts, selected) {
  const choices = [option('', t('optAccountDefault'))];
  for (const a of accounts) {
    const name = [a.firstName, a.lastName].filter(Boolean).join(' ') || a.publicId || a.id;
    // Accounts that are not ready are marked with their status in words; the ones that
    // cannot serve API calls are listed but cannot be chosen.
    const o = option(a.id, a.attention ? `${name} — ${t(`acct_${a.attention}`, a.status ?? '')}` : name);
    o.disabled = !a.usable && a.id !== selected;
    choices.push(o);
  }
  if (selected && !accounts.some((a) => a.id === selected)) choices.push(option(selected, selected));
  $('accountId').replaceChildren(...choices);
  $('accountId').value = selected ?? '';
  // "Load the list with Test connection" is said only while there is no list.
  $('account-help').hidden = accounts.length > 0;
}

/** The form's values, validated, and where they would send the key; throws an
 * ApiError-shaped object.
 * @returns {{ settings: Omit<Settings, 'schema'>, dest: KeyDestination }} */
function readForm() {
  const dest = keyDestination($('baseUrl').value.trim() || shared.defaultBaseUrl, manifestOrigins());
  const categories = [.../** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll('#badgeCategories input:checked'))].map((i) => i.value);
  const settings = {
    apiKey: $('apiKey').value.trim(),
    accountId: $('accountId').value,
    baseUrl: dest.baseUrl,
    refreshMinutes: Number($('refreshMinutes').value),
    sentMaxAgeMinutes: Number($('sentMaxAgeMinutes').value),
    sentRefreshesPerDay: Number($('sentRefreshesPerDay').value),
    // All boxes ticked means "all categories", including any new ones.
    badgeCategories: categories.length === shared.categories.length ? [] : categories,
    alertCategories: [.../** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll('#alertCategories input:checked'))].map((i) => i.value),
    // Read back (and clamped: never below 4 s) in Rust.
    actionGapMs: Math.round(Number($('actionGapSeconds').value) * 1000),
    withdrawCap: Number($('withdrawCap').value),
    respondCap: Number($('respondCap').value),
    // Out of range or not a whole number: Rust takes the default.
    pendingWarnAt: Number($('pendingWarnAt').value),
    oldestWeeks: Number($('oldestWeeks').value),
  };
  return { settings, dest };
}

/** @type {{ button: string, baseUrl: string } | null} */
let armed = null; // { button, baseUrl }: warned about, waiting for the confirming click

/** Whether the click on `button` may send the key to `dest`: at once for the official API;
 * otherwise the first click warns, naming the host, and a second click on the same button
 * (for the same URL) confirms.
 * @param {'test' | 'save'} button
 * @param {KeyDestination} dest */
function confirmed(button, dest) {
  if (dest.official || (armed?.button === button && armed.baseUrl === dest.baseUrl)) {
    armed = null;
    return true;
  }
  armed = { button, baseUrl: dest.baseUrl };
  say(t('optKeyWarning', dest.host, $(button).textContent), true);
  return false;
}

/** Fills the account list from GET /accounts (a database-only call: it does not touch
 * LinkedIn). `quiet` reports nothing on success, for the automatic load on open.
 * @param {{ apiKey: string, baseUrl: string, accountId: string }} settings
 * @param {boolean} quiet */
async function loadAccounts(settings, quiet) {
  try {
    const { accounts } = await send({ type: 'test', settings });
    setAccounts(accounts, $('accountId').value || settings.accountId);
    const usable = accounts.filter((a) => a.usable).length;
    if (!quiet) say(plural('optTestOk', usable));
  } catch (e) {
    say(errorText(e), true);
  }
}

/** Firefox lets users withhold host permissions: ask, inside the click, for the API
 * origin that receives the key (only that origin, and only one the manifest lists).
 * @param {KeyDestination} dest
 * @param {{ alertCategories: string[] }} [settings] */
function requestPermission(dest, settings) {
  // Alerts (opt-in) need the notifications permission, asked for only then.
  /** @type {chrome.runtime.ManifestPermission[]} */
  const permissions = settings?.alertCategories?.length ? ['notifications'] : [];
  const origins = dest.permission ? [dest.permission] : [];
  if ((!origins.length && !permissions.length) || !api.permissions?.request) return Promise.resolve(true);
  return api.permissions.request({ origins, permissions }).catch(() => false);
}

async function main() {
  localize();
  await coreReady();
  const s = await getSettings();
  $('apiKey').value = s.apiKey;
  $('baseUrl').value = s.baseUrl;
  $('refreshMinutes').replaceChildren(...REFRESH_CHOICES.map((m) => option(String(m), t('optMinutes', formatNumber(m)))));
  $('refreshMinutes').value = String(s.refreshMinutes);
  $('sentMaxAgeMinutes').replaceChildren(...SENT_AGE_CHOICES.map((m) => option(String(m),
    m < 60 ? t('optMinutes', formatNumber(m)) : t('optHours', formatNumber(m / 60)))));
  $('sentMaxAgeMinutes').value = String(s.sentMaxAgeMinutes);
  $('sentRefreshesPerDay').replaceChildren(...SENT_PER_DAY_CHOICES.map((n) => option(String(n), n === 0 ? t('optNever') : formatNumber(n))));
  $('sentRefreshesPerDay').value = String(s.sentRefreshesPerDay);
  // What the settings cost, at the sizes of the stored lists: worked out in Rust.
  const showCost = async () => {
    const { snapshot } = await api.storage.local.get('snapshot');
    const current = readSnapshot(snapshot, await api.storage.local.get('settings').then((r) => r.settings));
    const sent = current?.counts.sent ?? 0;
    const received = current?.counts.received ?? 0;
    const cost = dailyCost({ refreshMinutes: Number($('refreshMinutes').value), sentMaxAgeMinutes: Number($('sentMaxAgeMinutes').value),
      sentRefreshesPerDay: Number($('sentRefreshesPerDay').value) }, sent, received);
    $('cost').textContent = t('optCost', formatNumber(cost.total), formatNumber(sent), formatNumber(received));
  };
  for (const id of ['refreshMinutes', 'sentMaxAgeMinutes', 'sentRefreshesPerDay']) $(id).addEventListener('change', showCost);
  showCost();
  setAccounts([], s.accountId);
  const checks = (checked) => shared.categories.map((cat) => {
    const label = document.createElement('label');
    label.className = 'check';
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = cat;
    box.checked = checked(cat);
    label.append(box, ` ${t(`cat${cat}`)}`);
    return label;
  });
  $('badgeCategories').replaceChildren(...checks((cat) => s.badgeCategories.length === 0 || s.badgeCategories.includes(cat)));
  $('alertCategories').replaceChildren(...checks((cat) => s.alertCategories.includes(cat)));
  $('actionGapSeconds').value = String(s.actionGapMs / 1000);
  $('withdrawCap').value = String(s.withdrawCap);
  $('respondCap').value = String(s.respondCap);
  $('pendingWarnAt').value = String(s.pendingWarnAt);
  $('oldestWeeks').value = String(s.oldestWeeks);
  if (s.baseUrl !== shared.defaultBaseUrl) $('advanced').open = true;
  if (s.apiKey) loadAccounts(s, true);

  $('showKey').addEventListener('change', (e) => { $('apiKey').type = /** @type {HTMLInputElement} */ (e.target).checked ? 'text' : 'password'; });

  $('baseUrl').addEventListener('input', () => { armed = null; });

  // Everything up to the permission request runs synchronously inside the click:
  // permissions.request needs the user gesture.
  $('test').addEventListener('click', async () => {
    let form;
    try { form = readForm(); } catch (e) { armed = null; return say(errorText(e), true); }
    if (!form.settings.apiKey) {
      $('apiKey').focus();
      return say(t('optKeyFirst'), true);
    }
    if (!confirmed('test', form.dest)) return;
    const permission = requestPermission(form.dest);
    say(t('optTesting'));
    await permission;
    await loadAccounts(form.settings, false);
  });

  $('form').addEventListener('submit', async (e) => {
    e.preventDefault();
    let form;
    try { form = readForm(); } catch (err) { armed = null; return say(errorText(err), true); }
    if (!confirmed('save', form.dest)) return;
    const permission = requestPermission(form.dest, form.settings);
    await permission;
    // Stored as Rust reads it back: complete, with the schema version.
    await api.storage.local.set({ settings: readSettings(form.settings) });
    // The popup's early copy of its first screen may be another account's now.
    globalThis.pendingRows.forgetFirstPaint();
    say(t('optSaved'));
  });
}

main();
