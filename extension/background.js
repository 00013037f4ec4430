// Background (Chrome: module service worker; Firefox: event page). Every listener is
// registered synchronously on the first turn; handlers await the one WASM module. One
// sync at a time, shared by the popup, the alarm and browser start. The snapshot,
// progress and last error live in storage.local, so a stopped worker loses nothing and
// the popup renders from storage. Everything read back from storage is validated in
// Rust (readSettings, readSnapshot, readStatus): garbage there reads as absent.

import {
  Client, badgeText, readBadgeCounts, readSettings, readSnapshot, readStatus, settingsChange, storeSchema, resetCore, refreshPlan, __testArmTrap,
} from './pkg/pending_core.js';
import { api, coreReady, getSettings, t, errorText, asApiError, BLOCKING, permissionPatternFor } from './shared.js';

const ALARM = 'refresh';
// Failures are logged by kind only: never a message that could quote the key.
const logFailure = (what) => (e) => console.warn(`${what} failed:`, asApiError(e).kind);

let loaded = false; // the WASM module is instantiated (calls into it may be made synchronously)
let schema = 0; // the schema version every stored value carries (from Rust)
let running = null; // the promise of the sync in progress, if any
let current = null; // that sync's token: {cancelled}; once cancelled, it never writes storage again
let cached = null; // { key, client }: one client (one rate limiter) per settings

const ready = coreReady().then(() => {
  loaded = true;
  schema = storeSchema();
});

// ---- a trap in the WASM module: recorded, recovered from, never left hanging ----
// A trap (WebAssembly.RuntimeError) inside an async call never settles its promise: it
// surfaces as an uncaught error of this worker instead. Every await on the module races
// the current trap signal, which rejects with a typed `internal` error on any trap.

const INTERNAL = Object.freeze({ kind: 'internal', message: 'the WebAssembly module trapped and was restarted' });
const isTrap = (e) => e instanceof WebAssembly.RuntimeError;

function trapSignal() {
  let reject;
  const promise = new Promise((_, r) => { reject = r; });
  promise.catch(() => {}); // nobody may be waiting
  return { promise, reject };
}
let trap = trapSignal();

function onTrap() {
  const signal = trap;
  trap = trapSignal();
  cached = null; // clients of the trapped instance must not be used again
  try { resetCore(); } catch { /* the next call re-instantiates anyway, or fails as a trap again */ }
  signal.reject(INTERNAL);
}

/** Calls into the module; a trap becomes the typed internal error. */
function guard(fn) {
  try {
    return fn();
  } catch (e) {
    if (!isTrap(e)) throw e;
    onTrap();
    throw INTERNAL;
  }
}

/** A promise from the module, or the internal error if the module traps meanwhile. */
function guarded(promise) {
  return Promise.race([promise, trap.promise]);
}

globalThis.addEventListener('error', (e) => { if (isTrap(e.error)) onTrap(); });
globalThis.addEventListener('unhandledrejection', (e) => { if (isTrap(e.reason)) onTrap(); });

// ---- storage ----

async function stored() {
  await ready;
  await testConfigLoaded;
  const raw = await api.storage.local.get(['settings', 'snapshot', 'status']);
  const settings = guard(() => readSettings(raw.settings));
  return {
    raw,
    settings,
    snapshot: guard(() => readSnapshot(raw.snapshot, raw.settings)),
    status: guard(() => readStatus(raw.status)),
  };
}

/** Writes the status, unless the sync writing it was cancelled. */
async function setStatus(token, status) {
  if (token.cancelled) return;
  await api.storage.local.set({ status: { schema, ...status } });
}

// Test-only timings (faster backoff, pacing): set by the end-to-end tests under the
// storage key `testClientConfig`, never offered by the options page. Absent for users:
// the Rust defaults apply.
let testClientConfig = null;
const testConfigLoaded = api.storage.local.get('testClientConfig').then((r) => { testClientConfig = r.testClientConfig ?? null; });

function clientFor(settings) {
  const key = JSON.stringify([settings.apiKey, settings.baseUrl, settings.accountId, testClientConfig]);
  if (cached?.key !== key) {
    const config = { ...(testClientConfig ?? {}), apiKey: settings.apiKey, baseUrl: settings.baseUrl, accountId: settings.accountId || undefined };
    const client = guard(() => new Client(config));
    cached = { key, client };
  }
  return cached.client;
}

async function ensureAlarm(settings) {
  const period = settings.refreshMinutes;
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

/** The badge from storage: counts only for the account of the current settings. It reads
 * the small `badgeCounts` value written beside the snapshot (a heavy account's snapshot
 * is megabytes), else the snapshot. `counts` (the received invitations of a sync still
 * running) replace the stored ones. */
async function applyBadge(counts) {
  await ready;
  const raw = await api.storage.local.get(['settings', 'status', 'badgeCounts']);
  const settings = guard(() => readSettings(raw.settings));
  const status = guard(() => readStatus(raw.status));
  const storedCounts = counts ? null : guard(() => readBadgeCounts(raw.badgeCounts, raw.settings));
  const snapshot = counts || storedCounts ? null : (await stored()).snapshot;
  const error = status?.state === 'error' ? status.error : null;
  if (error && BLOCKING.has(error.kind)) {
    await api.action.setBadgeText({ text: '!' });
    await api.action.setBadgeBackgroundColor({ color: '#b3261e' });
    await api.action.setTitle({ title: t('badgeErrTitle', errorText(error)) });
    return;
  }
  const shown = counts ?? storedCounts ?? snapshot?.counts;
  const text = shown ? guard(() => badgeText(shown, settings.badgeCategories)) : '';
  await api.action.setBadgeText({ text });
  await api.action.setBadgeBackgroundColor({ color: '#0a3d62' });
  await api.action.setTitle({ title: t('extName') + (error ? ` — ${errorText(error)}` : '') });
}

async function doRefresh(reason, token) {
  const { raw, settings, snapshot: previous } = await stored();
  if (token.cancelled) return;
  if (!settings.apiKey) {
    await setStatus(token, { state: 'error', error: { kind: 'no_key', message: 'no API key' }, at: Date.now() });
    return applyBadge();
  }
  // What to fetch is Rust's decision (the refresh policy): the scheduled refresh walks
  // the received invitations only, the sent ones refresh when stale.
  const scope = guard(() => refreshPlan(reason, raw.settings, previous?.takenAtMs, previous?.sentTakenAtMs, raw.status, Date.now()));
  if (!scope) return;
  const startedAt = Date.now();
  let earlyBadge = Promise.resolve(); // the badge drawn from the received counts mid-sync
  await setStatus(token, { state: 'syncing', startedAt, reason, progress: null });
  // Chrome stops a worker that makes no extension call for 30 s, and the pacing can wait
  // up to a minute between requests on a large account: a stopped sync would restart from
  // the first page and spend its request budget again. An API call every 20 s keeps it.
  const keepAlive = setInterval(() => api.runtime.getPlatformInfo(), 20_000);
  try {
    const client = clientFor(settings);
    // Writing progress after every page also keeps Chrome's worker alive during a long walk.
    const onProgress = (progress) => {
      // The received invitations are in: the badge shows them before the sent walk.
      if (progress.receivedCounts) {
        if (!token.cancelled) earlyBadge = applyBadge(progress.receivedCounts).catch(logFailure('badge'));
        return;
      }
      setStatus(token, { state: 'syncing', startedAt, reason, progress });
    };
    const sync = guard(() => client.sync(onProgress, scope, previous));
    // The snapshot comes tagged with the account it was fetched for (key, base URL, account).
    const snapshot = await guarded(sync);
    if (token.cancelled) return;
    await api.storage.local.set({
      snapshot,
      badgeCounts: { schema, account: snapshot.account, counts: snapshot.counts },
      status: { schema, state: 'ok', at: Date.now() },
    });
  } catch (error) {
    // Cancelled only by a settings change, which starts the next sync itself.
    if (token.cancelled || asApiError(error).kind === 'cancelled') return;
    // The last good snapshot stays in storage untouched.
    await setStatus(token, { state: 'error', error: await classify(error, settings), at: Date.now() });
  } finally {
    clearInterval(keepAlive);
  }
  // The final badge is drawn after the mid-sync one, never overwritten by it.
  await earlyBadge;
  if (!token.cancelled) await applyBadge();
}

function refresh(reason) {
  if (!running) {
    const token = { cancelled: false };
    current = token;
    running = doRefresh(reason, token)
      .catch(logFailure('refresh'))
      .finally(() => {
        running = null;
        if (current === token) current = null;
      });
  }
  return running;
}

async function start(reason) {
  const settings = await getSettings();
  await ensureAlarm(settings);
  await refresh(reason);
}

/** Cancels the running sync for good: it never writes storage again. */
function cancelSync() {
  if (current) current.cancelled = true;
  const old = cached;
  cached = null;
  try { old?.client.cancel(); } catch { /* a trapped instance: dropped anyway */ }
}

/** The settings changed: another account fetches anew; anything else re-draws the badge. */
async function onSettingsChanged(before, after) {
  if (!loaded) await ready;
  const change = guard(() => settingsChange(before, after));
  if (change.refetch) {
    // Synchronously, before any other turn: the old sync never writes again.
    cancelSync();
    // Another key, base URL or account: the stored snapshot is not this account's data.
    const { snapshot } = await stored();
    if (!snapshot) await api.storage.local.remove(['snapshot', 'badgeCounts']);
    await applyBadge();
    await running;
    await start('settings');
    return;
  }
  if (change.reschedule) await ensureAlarm(await getSettings());
  await applyBadge();
}

async function handle(message) {
  switch (message?.type) {
    case 'refresh': {
      // `popup` (opened: the policy decides what is stale) or `button` (everything).
      await refresh(message.reason === 'popup' ? 'popup' : 'button');
      return {};
    }
    case 'connections': {
      const client = clientFor(await getSettings());
      const page = guard(() => client.connectionsPage(message.startIndex ?? 0, message.limit ?? 12, message.sortBy ?? 'recentlyAdded'));
      return guarded(page);
    }
    case 'test': {
      await ready;
      const s = message.settings ?? {};
      const client = guard(() => new Client({ apiKey: s.apiKey ?? '', baseUrl: s.baseUrl, accountId: s.accountId || undefined }));
      try {
        return await guarded(guard(() => client.accounts()));
      } catch (error) {
        throw await classify(error, s);
      }
    }
    case 'testTrap': {
      // Test hook (see __testArmTrap): the next page of a sync traps. Accepted only while
      // storage.local holds `testHooks: true`, which only the end-to-end tests set.
      const { testHooks } = await api.storage.local.get('testHooks');
      if (testHooks !== true) break;
      await ready;
      guard(() => __testArmTrap());
      return { armed: true };
    }
    default:
      break;
  }
  throw { kind: 'invalid_input', message: `unknown message ${JSON.stringify(message?.type)}` };
}

// ---- listeners: all registered synchronously, on the worker's first turn ----
api.runtime.onInstalled.addListener(() => { start('installed').catch(logFailure('start')); });
api.runtime.onStartup.addListener(() => { start('startup').catch(logFailure('start')); });
api.alarms.onAlarm.addListener((alarm) => { if (alarm.name === ALARM) refresh('alarm'); });
api.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && changes.testClientConfig) testClientConfig = changes.testClientConfig.newValue ?? null;
  if (area === 'local' && changes.settings) {
    onSettingsChanged(changes.settings.oldValue, changes.settings.newValue).catch(logFailure('settings change'));
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

// Every wake (install, browser start, an alarm, a message): the badge from storage at
// once, before any request.
applyBadge().then(() => performance.mark('pending:badge')).catch(logFailure('badge'));

// A worker stopped mid-sync left status "syncing" behind: start that sync again.
// (Only the status is read here: the snapshot of a heavy account is megabytes, and the
// badge above must not wait behind it.)
ready.then(() => api.storage.local.get('status')).then((raw) => {
  const status = guard(() => readStatus(raw.status));
  if (status?.state === 'syncing' && !running) refresh('resume');
}).catch(() => {});
