// Background (Chrome: module service worker; Firefox: event page). Every listener is
// registered synchronously on the first turn; handlers await the one WASM `ready`
// promise. One sync at a time, shared by the popup, the alarm and browser start. The
// snapshot, progress and last error live in storage.local, so a stopped worker loses
// nothing and the popup renders from storage.

import init, { Client, badgeText } from './pkg/pending_core.js';
import { api, getSettings, t, errorText, asApiError, BLOCKING, permissionPatternFor } from './shared.js';

const ALARM = 'refresh';
const ready = init({ module_or_path: api.runtime.getURL('pkg/pending_core_bg.wasm') });

let running = null; // the sync in progress, if any
let cached = null; // { key, client }: one client (one rate limiter) per settings

async function clientFor(settings) {
  await ready;
  // Test-only timings (faster backoff, pacing): set by the end-to-end tests in storage,
  // never offered by the options page. Absent for users: the Rust defaults apply.
  const { testClientConfig } = await api.storage.local.get('testClientConfig');
  const key = JSON.stringify([settings.apiKey, settings.baseUrl, settings.accountId, testClientConfig ?? null]);
  if (cached?.key !== key) {
    const config = { ...(testClientConfig ?? {}), apiKey: settings.apiKey, baseUrl: settings.baseUrl, accountId: settings.accountId || undefined };
    cached = { key, client: new Client(config) };
  }
  return cached.client;
}

async function ensureAlarm(settings) {
  const period = Math.max(1, Number(settings.refreshMinutes) || 15);
  const alarm = await api.alarms.get(ALARM);
  if (!alarm || alarm.periodInMinutes !== period) {
    await api.alarms.create(ALARM, { periodInMinutes: period, delayInMinutes: period });
  }
}

/** Network failures against an API origin whose host permission is missing are "permission". */
async function classify(error, settings) {
  const e = asApiError(error);
  if (e.kind === 'network') {
    const pattern = permissionPatternFor(settings.baseUrl);
    if (pattern && !(await api.permissions.contains({ origins: [pattern] }))) {
      return { kind: 'permission', message: 'host permission missing' };
    }
  }
  return e;
}

async function applyBadge(settings) {
  const { snapshot, status } = await api.storage.local.get(['snapshot', 'status']);
  const error = status?.state === 'error' ? status.error : null;
  if (error && BLOCKING.has(error.kind)) {
    await api.action.setBadgeText({ text: '!' });
    await api.action.setBadgeBackgroundColor({ color: '#b3261e' });
    await api.action.setTitle({ title: t('badgeErrTitle', errorText(error)) });
    return;
  }
  let text = '';
  if (snapshot?.counts) {
    await ready;
    text = badgeText(snapshot.counts, settings.badgeCategories ?? []);
  }
  await api.action.setBadgeText({ text });
  await api.action.setBadgeBackgroundColor({ color: '#0a3d62' });
  await api.action.setTitle({ title: t('extName') + (error ? ` — ${errorText(error)}` : '') });
}

async function setStatus(status) {
  await api.storage.local.set({ status });
}

async function doRefresh(reason) {
  const settings = await getSettings();
  if (!settings.apiKey) {
    await setStatus({ state: 'error', error: { kind: 'no_key', message: 'no API key' }, at: Date.now() });
    return applyBadge(settings);
  }
  const startedAt = Date.now();
  await setStatus({ state: 'syncing', startedAt, reason, progress: null });
  // Chrome stops a worker that makes no extension call for 30 s, and the pacing can wait
  // up to a minute between requests on a large account: a stopped sync would restart from
  // the first page and spend its request budget again. An API call every 20 s keeps it.
  const keepAlive = setInterval(() => api.runtime.getPlatformInfo(), 20_000);
  try {
    const client = await clientFor(settings);
    // Writing progress after every page also keeps Chrome's worker alive during a long walk.
    const snapshot = await client.sync((progress) => { setStatus({ state: 'syncing', startedAt, reason, progress }); });
    await api.storage.local.set({ snapshot, status: { state: 'ok', at: Date.now() } });
  } catch (error) {
    // Cancelled only by a settings change, which starts the next sync itself.
    if (asApiError(error).kind === 'cancelled') return;
    // The last good snapshot stays in storage untouched.
    await setStatus({ state: 'error', error: await classify(error, settings), at: Date.now() });
  } finally {
    clearInterval(keepAlive);
  }
  await applyBadge(settings);
}

function refresh(reason) {
  running ??= doRefresh(reason).finally(() => { running = null; });
  return running;
}

async function start(reason) {
  const settings = await getSettings();
  await ensureAlarm(settings);
  await refresh(reason);
}

/** New settings: a sync running with the old ones is cancelled, then one starts with the new. */
async function restart(reason) {
  const old = cached;
  cached = null;
  old?.client.cancel();
  await running;
  await start(reason);
}

async function handle(message) {
  switch (message?.type) {
    case 'refresh': {
      if (message.ifOlderThanMs) {
        const { snapshot, status } = await api.storage.local.get(['snapshot', 'status']);
        const fresh = snapshot && status?.state === 'ok' && Date.now() - snapshot.takenAtMs < message.ifOlderThanMs;
        if (fresh) return { skipped: true };
      }
      await refresh(message.reason ?? 'popup');
      return { skipped: false };
    }
    case 'connections': {
      const client = await clientFor(await getSettings());
      return client.connectionsPage(message.startIndex ?? 0, message.limit ?? 12, message.sortBy ?? 'recentlyAdded');
    }
    case 'test': {
      await ready;
      const s = message.settings ?? {};
      const client = new Client({ apiKey: s.apiKey ?? '', baseUrl: s.baseUrl, accountId: s.accountId || undefined });
      try {
        return await client.accounts();
      } catch (error) {
        throw await classify(error, s);
      }
    }
    default:
      throw { kind: 'invalid_input', message: `unknown message ${JSON.stringify(message?.type)}` };
  }
}

// ---- listeners: all registered synchronously, on the worker's first turn ----
api.runtime.onInstalled.addListener(() => { start('installed'); });
api.runtime.onStartup.addListener(() => { start('startup'); });
api.alarms.onAlarm.addListener((alarm) => { if (alarm.name === ALARM) refresh('alarm'); });
api.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && changes.settings) {
    const before = changes.settings.oldValue ?? {};
    const after = changes.settings.newValue ?? {};
    // Another key or account means other people's data: never show it as "last good".
    const otherAccount = before.apiKey !== after.apiKey || (before.accountId ?? '') !== (after.accountId ?? '');
    const forget = otherAccount
      ? api.storage.local.remove('snapshot').then(() => applyBadge(after))
      : Promise.resolve();
    forget.then(() => restart('settings'));
  }
});
api.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (sender.id !== api.runtime.id) return false;
  handle(message).then(
    (data) => sendResponse({ ok: true, data }),
    (error) => sendResponse({ ok: false, error: asApiError(error) }),
  );
  return true; // answer asynchronously
});

// A worker stopped mid-sync left status "syncing" behind: start that sync again.
api.storage.local.get('status').then(({ status }) => {
  if (status?.state === 'syncing' && !running) refresh('resume');
});
