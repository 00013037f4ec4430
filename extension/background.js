// @ts-check
// Background (Chrome: module service worker; Firefox: event page). Thin by design: it
// registers every listener synchronously on the first turn and hands each event, and
// every page's message (a typed `Request`), to the one controller in Rust (`App`, see
// src/app/controller.rs). The controller decides everything (what to fetch, the status, which
// errors block, the badge, forgetting another account's data, resuming a stopped
// sync); this file only gives it the browser: storage, the badge, permissions, the
// alarm and the keep-alive (`host` below), and recovers from a WebAssembly trap.

import { App, resetCore } from './pkg/pending_core.js';
import { api, coreReady, t, plural, errorText, asApiError, manifestOrigins } from './shared.js';

/** @typedef {import('./pkg/pending_core.js').AppHost} AppHost */
/** @typedef {import('./pkg/pending_core.js').Badge} Badge */

const ALARM = 'refresh';
// Failures are logged by kind only: never a message that could quote the key.
const logFailure = (what) => (e) => console.warn(`${what} failed:`, asApiError(e).kind);

/** @type {number | undefined} */
let keepAlive;
let badgeMarked = false;

/** Draws the badge the controller computed; the title is worded here (translations).
 * @param {Badge} badge */
async function drawBadge(badge) {
  const words = badge.error ? errorText(badge.error) : '';
  const title = badge.blocking ? t('badgeErrTitle', words) : t('extName') + (words ? ` — ${words}` : '');
  await Promise.all([
    api.action.setBadgeText({ text: badge.text }),
    api.action.setBadgeBackgroundColor({ color: badge.color }),
    api.action.setTitle({ title }),
  ]);
  if (!badgeMarked) {
    badgeMarked = true;
    performance.mark('pending:badge'); // make bench: worker start → badge
  }
}

/** What the controller needs of the browser (the `AppHost` interface).
 * @type {AppHost} */
const host = {
  load: (keys) => api.storage.local.get(keys),
  save: (entries) => api.storage.local.set(entries),
  remove: (keys) => api.storage.local.remove(keys),
  badge: (badge) => { drawBadge(badge).catch(logFailure('badge')); },
  // New received invitations (opt-in; Rust picks them and clips the names); without
  // the permission, nothing.
  notify(alert) {
    if (!api.notifications?.create) return;
    const names = alert.names.map((name) => name || t('alertSomeone')).join(', ');
    api.notifications.create('new-invitations', {
      type: 'basic',
      iconUrl: api.runtime.getURL('icons/icon-128.png'),
      title: plural('alertTitle', alert.count),
      message: alert.more ? t('alertNamesMore', names) : names,
    }).catch(logFailure('notification'));
  },
  permissionGranted: (pattern) => api.permissions.contains({ origins: [pattern] }),
  origins: () => manifestOrigins(),
  async schedule(minutes) {
    const alarm = await api.alarms.get(ALARM);
    if (!alarm || alarm.periodInMinutes !== minutes) {
      await api.alarms.create(ALARM, { periodInMinutes: minutes, delayInMinutes: minutes });
    }
  },
  // Chrome stops a worker that makes no extension call for 30 s; a long paced walk
  // keeps it alive with one call every 20 s.
  keepAlive(on) {
    clearInterval(keepAlive);
    keepAlive = on ? setInterval(() => api.runtime.getPlatformInfo(), 20_000) : undefined;
  },
};

// ---- the controller, and recovery from a trap ----
// A trap (WebAssembly.RuntimeError) inside an async call never settles its promise: it
// surfaces as an uncaught error of this worker instead. Every call races the current
// trap signal, which rejects with the typed `internal` error; the module is then
// re-instantiated, a new controller records the error, and nothing is left running.

const INTERNAL = Object.freeze({ kind: 'internal', message: 'the WebAssembly module trapped and was restarted' });
const isTrap = (e) => e instanceof WebAssembly.RuntimeError;

function trapSignal() {
  let reject;
  const promise = new Promise((_, r) => { reject = r; });
  promise.catch(() => {}); // nobody may be waiting
  return { promise, reject };
}
let trap = trapSignal();
/** @type {App | null} */
let app = null;

function controller() {
  app ??= new App(host);
  return app;
}

/** Recovers from a trap; its waiters learn of it once the error is recorded. */
function onTrap() {
  const signal = trap;
  trap = trapSignal();
  app = null; // the trapped instance's controller is never used again
  host.keepAlive(false);
  try { resetCore(); } catch { /* the next call re-instantiates anyway */ }
  return call((a) => a.trapped()).catch(logFailure('trap record')).finally(() => signal.reject(INTERNAL));
}

/** Calls the controller; a trap, now or while its promise runs, rejects with INTERNAL.
 * @template T
 * @param {(app: App) => Promise<T>} fn
 * @returns {Promise<T>} */
async function call(fn) {
  await coreReady();
  let promise;
  try {
    promise = fn(controller());
  } catch (e) {
    if (isTrap(e)) { await onTrap(); throw INTERNAL; }
    throw e;
  }
  return Promise.race([promise, trap.promise]);
}

globalThis.addEventListener('error', (e) => { if (isTrap(e.error)) onTrap(); });
globalThis.addEventListener('unhandledrejection', (e) => { if (isTrap(e.reason)) onTrap(); });

// ---- listeners: all registered synchronously, on the worker's first turn ----
api.runtime.onInstalled.addListener(() => { call((a) => a.start('installed')).catch(logFailure('start')); });
api.runtime.onStartup.addListener(() => { call((a) => a.start('startup')).catch(logFailure('start')); });
api.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === ALARM) call((a) => a.alarm()).catch(logFailure('refresh'));
});
api.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && changes.settings) {
    call((a) => a.settingsChanged(changes.settings.oldValue, changes.settings.newValue)).catch(logFailure('settings change'));
  }
});
// A click on the new-invitations notification opens the list on the Received tab. The
// permission is optional (asked for when alerts are switched on): the listener goes on
// at start when it is granted, else as soon as it is.
async function onNotificationClick(id) {
  if (id !== 'new-invitations') return;
  api.notifications.clear(id);
  await api.storage.local.set({ openTab: 'received' });
  try {
    await api.action.openPopup();
  } catch {
    await api.windows.create({ url: api.runtime.getURL('popup.html'), type: 'popup', width: 440, height: 620 });
  }
}
let clickListening = false;
function listenToNotificationClicks() {
  if (clickListening || !api.notifications?.onClicked) return;
  clickListening = true;
  api.notifications.onClicked.addListener((id) => { onNotificationClick(id).catch(logFailure('notification click')); });
}
listenToNotificationClicks();
api.permissions?.onAdded?.addListener(listenToNotificationClicks);
api.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (sender.id !== api.runtime.id) return false;
  call((a) => a.handle(message)).then(sendResponse, (e) => sendResponse({ type: 'error', error: asApiError(e) }));
  return true; // answer asynchronously
});

// Every wake (install, browser start, an alarm, a message): the badge from storage at
// once, before any request; a sync a stopped worker left behind resumes.
call((a) => a.wake()).catch(logFailure('wake'));
