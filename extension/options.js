// The options page: reads and writes `settings` in storage.local (the API key never
// leaves this browser except as the Authorization header to the configured API).
// "Test connection" asks the background to list the accounts with the form's values.

import init, { checkBaseUrl } from './pkg/pending_core.js';
import { api, t, localize, send, errorText, getSettings, CATEGORIES, DEFAULT_BASE_URL, permissionPatternFor } from './shared.js';

const $ = (id) => document.getElementById(id);
const REFRESH_CHOICES = [5, 15, 30, 60, 120];

function option(value, label) {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = label;
  return o;
}

function say(text, isError = false) {
  $('result').textContent = text;
  $('result').classList.toggle('error', isError);
}

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
}

/** The form's values, validated; throws an ApiError-shaped object. */
function readForm() {
  const baseUrl = checkBaseUrl($('baseUrl').value.trim() || DEFAULT_BASE_URL);
  const categories = [...document.querySelectorAll('#badgeCategories input:checked')].map((i) => i.value);
  return {
    apiKey: $('apiKey').value.trim(),
    accountId: $('accountId').value,
    baseUrl,
    refreshMinutes: Number($('refreshMinutes').value),
    // All boxes ticked means "all categories", including any new ones.
    badgeCategories: categories.length === CATEGORIES.length ? [] : categories,
  };
}

/** Fills the account list from GET /accounts (a database-only call: it does not touch
 * LinkedIn). `quiet` reports nothing on success, for the automatic load on open. */
async function loadAccounts(settings, quiet) {
  try {
    const accounts = await send({ type: 'test', settings });
    setAccounts(accounts, $('accountId').value || settings.accountId);
    if (!quiet) say(t('optTestOk', accounts.filter((a) => a.usable).length));
  } catch (e) {
    say(errorText(e), true);
  }
}

/** Firefox lets users withhold host permissions: ask, inside the click, for the API origin. */
function requestPermission() {
  const pattern = permissionPatternFor($('baseUrl').value.trim() || DEFAULT_BASE_URL);
  if (!pattern || !api.permissions?.request) return Promise.resolve(true);
  return api.permissions.request({ origins: [pattern] }).catch(() => false);
}

async function main() {
  localize();
  await init({ module_or_path: 'pkg/pending_core_bg.wasm' });
  const s = await getSettings();
  $('apiKey').value = s.apiKey;
  $('baseUrl').value = s.baseUrl;
  $('refreshMinutes').replaceChildren(...REFRESH_CHOICES.map((m) => option(String(m), t('optMinutes', m))));
  $('refreshMinutes').value = String(s.refreshMinutes);
  setAccounts([], s.accountId);
  $('badgeCategories').replaceChildren(...CATEGORIES.map((cat) => {
    const label = document.createElement('label');
    label.className = 'check';
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = cat;
    box.checked = s.badgeCategories.length === 0 || s.badgeCategories.includes(cat);
    label.append(box, ` ${t(`cat${cat}`)}`);
    return label;
  }));
  if (s.baseUrl !== DEFAULT_BASE_URL) $('advanced').open = true;
  if (s.apiKey) loadAccounts(s, true);

  $('showKey').addEventListener('change', (e) => { $('apiKey').type = e.target.checked ? 'text' : 'password'; });

  $('test').addEventListener('click', async () => {
    const permission = requestPermission();
    let settings;
    try { settings = readForm(); } catch (e) { return say(errorText(e), true); }
    if (!settings.apiKey) return say(t('noKeyBody'), true);
    say(t('optTesting'));
    await permission;
    await loadAccounts(settings, false);
  });

  $('form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const permission = requestPermission();
    let settings;
    try { settings = readForm(); } catch (err) { return say(errorText(err), true); }
    await permission;
    await api.storage.local.set({ settings });
    say(t('optSaved'));
  });
}

main();
