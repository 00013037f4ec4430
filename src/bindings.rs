//! The JavaScript API (`wasm-bindgen --target web`). The only `#[wasm_bindgen]` code.
//!
//! Every value handed to JavaScript is JSON-compatible (plain objects and arrays,
//! strings for ids, numbers for counts and times), so it survives
//! `runtime.sendMessage` and `storage.local` unchanged. Every failure rejects (or, for
//! a function that throws, throws) a plain `{kind, status?, message, retryAt?}` object.

use crate::api::client::MAX_CONNECTIONS_LIMIT;
use crate::api::error::{Error, Invalid};
use crate::api::transport::fetch::FetchTransport;
use js_sys::Promise;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value as Json;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// Hands a value to JavaScript as plain JSON-compatible data (objects, not `Map`s;
/// arrays, strings, numbers), so it survives `runtime.sendMessage` and `storage.local`.
fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    value_js(&serde_json::to_value(value).unwrap_or(Json::Null))
}

/// A JSON value as plain JavaScript data. Every value crosses through here, so each type's
/// writer is compiled once (for `serde_json::Value`, which the controller stores too).
fn value_js(value: &Json) -> JsValue {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap_or(JsValue::NULL)
}

fn error_js(e: &Error) -> JsValue {
    to_js(&e.report())
}

/// A value from JavaScript as `T`; a value that cannot be read throws an `ApiError` of
/// kind `invalid_input` naming `what` and the path of the problem.
fn from_js<T: DeserializeOwned>(what: &str, v: JsValue) -> Result<T, JsValue> {
    crate::api::objects::read(raw_json(v)).map_err(|e| error_js(&Error::invalid(Invalid::Argument, format!("{what}: {e}"))))
}

/// A raw stored or sent value as JSON data: `undefined`, functions and anything that is
/// not JSON-compatible read as `null`, which every reader takes as absent.
fn raw_json(v: JsValue) -> Json {
    if v.is_undefined() {
        return Json::Null;
    }
    serde_wasm_bindgen::from_value(v).unwrap_or(Json::Null)
}

/// A list of API items from JavaScript, item by item: an item that cannot be read is
/// left out (a stored snapshot written by an older version, or damaged, still shows the
/// rest).
fn items_from_js<T: DeserializeOwned>(what: &str, v: JsValue) -> Result<Vec<T>, JsValue> {
    match raw_json(v) {
        Json::Array(list) => {
            Ok(list.into_iter().filter(Json::is_object).filter_map(|item| crate::api::decode::read_value(item, "").ok()).collect())
        }
        Json::Null => Ok(Vec::new()),
        _ => Err(error_js(&Error::invalid(Invalid::Argument, format!("{what}: expected a list")))),
    }
}

/// The account tag of raw stored settings.
fn tag_of(settings: JsValue) -> String {
    crate::store::Settings::read(&raw_json(settings)).account_tag()
}

/// What `Views.loadSnapshot` returns: the summary (`null` when there is none), and the
/// first screen to store (an object), to remove (`null`) or to leave (absent).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LoadedSnapshot<'a> {
    summary: Option<crate::api::sync::Summary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_screen: Option<Option<crate::store::StampedFirstScreen<'a>>>,
}

#[wasm_bindgen(typescript_custom_section)]
const TS_BINDINGS: &str = r#"
/** What `Views.loadSnapshot` returns: the summary (`null` when there is none), and the first screen to store (an object), to remove (`null`) or to leave (absent). */
export interface LoadedSnapshot { summary: SnapshotSummary | null; firstScreen?: StoredFirstScreen | null; }
/** The background's host object: what the controller (`App`) needs of the browser. */
export interface AppHost {
  /** `storage.local.get(keys)`. */
  load(keys: string[]): Promise<Record<string, unknown>>;
  /** `storage.local.set(entries)`. */
  save(entries: Record<string, unknown>): Promise<void>;
  /** `storage.local.remove(keys)`. */
  remove(keys: string[]): Promise<void>;
  /** Draws the toolbar badge (the host words the title). */
  badge(badge: Badge): void;
  /** `permissions.contains({origins: [pattern]})`. */
  permissionGranted(pattern: string): Promise<boolean>;
  /** The manifest's API origins. */
  origins(): string[];
  /** Makes sure the refresh alarm fires every `minutes`. */
  schedule(minutes: number): Promise<void>;
  /** Keeps the worker alive while a sync runs. */
  keepAlive(on: boolean): void;
  /** Shows a desktop notification of new received invitations. */
  notify(alert: Alert): void;
}
"#;

fn list_name(name: &str) -> Result<crate::view::ListName, JsValue> {
    crate::view::ListName::parse(name).ok_or_else(|| error_js(&Error::invalid(Invalid::Argument, ["unknown list '", name, "'"].concat())))
}

fn rows_from_js(list: crate::view::ListName, items: JsValue) -> Result<Vec<crate::view::Row>, JsValue> {
    use crate::api::models::{Connection, ReceivedInvitation, SentInvitation};
    use crate::view::{ListName, Row};
    Ok(match list {
        ListName::Sent => items_from_js::<SentInvitation>("items", items)?.iter().map(Row::from).collect(),
        ListName::Received => items_from_js::<ReceivedInvitation>("items", items)?.iter().map(Row::from).collect(),
        ListName::Connections => items_from_js::<Connection>("items", items)?.iter().map(Row::from).collect(),
    })
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The popup's three lists, held in WebAssembly memory while it is open
/// ([`crate::view::Views`]): items cross once per change, a query once per keystroke,
/// and only the rows on screen come back. Lists are named `"sent"`, `"received"`,
/// `"connections"`; another name throws an `ApiError` of kind `invalid_input`.
#[wasm_bindgen(js_name = Views)]
#[derive(Debug, Default)]
pub struct JsViews {
    inner: crate::view::Views,
    /// The stored lists as shown, with the rows a first sync has read so far.
    so_far: crate::store::so_far::SoFar,
    /// The first sightings last handed in (raw), for the rows that come later.
    first_seen: Json,
    /// The sent dates of the shown snapshot's pending invitations (epoch ms), for
    /// `acceptance`; `None` while a list is partial (a pending count so far would look
    /// final).
    sent_dates: Option<Vec<f64>>,
}

impl JsViews {
    /// What `so_far` shows into the lists (ages the best of the API's labels and the
    /// first sightings); its summary and what to do with the stored first screen.
    fn show(&mut self, tag: &str) -> JsValue {
        // A complete snapshot need not be held beside its rows; a partial one grows.
        let mut snapshot = if self.so_far.is_partial() { self.so_far.shown().cloned() } else { self.so_far.take() };
        self.sent_dates = None;
        if let Some(s) = snapshot.as_mut() {
            let seen = crate::store::ages::FirstSeen::read(self.first_seen.clone(), tag);
            self.sent_dates = s.partial.is_none().then(|| crate::store::acceptance::pending_sent_ms(s, &seen));
            seen.apply(s, js_sys::Date::now());
        }
        let (summary, write) = self.inner.load_snapshot(snapshot.as_ref());
        let first_screen = match &write {
            crate::view::FirstScreenWrite::Keep => None,
            crate::view::FirstScreenWrite::Remove => Some(None),
            crate::view::FirstScreenWrite::Store(first) => Some(Some(crate::store::StampedFirstScreen::new(first, tag))),
        };
        to_js(&LoadedSnapshot { summary, first_screen })
    }

    /// Sets (or, with `append`, extends) a list's rows from API items; the rows the
    /// query keeps.
    fn load(&mut self, list: &str, items: JsValue, append: bool) -> Result<u32, JsValue> {
        let name = list_name(list)?;
        let rows = rows_from_js(name, items)?;
        let view = self.inner.list_mut(name);
        if append {
            view.add_rows(rows);
        } else {
            view.set_rows(rows);
        }
        Ok(to_u32(view.count()))
    }
}

#[wasm_bindgen(js_class = Views)]
impl JsViews {
    /// Three empty lists; Sent in its opening order (newest first).
    #[wasm_bindgen(constructor)]
    pub fn new() -> JsViews {
        JsViews {
            inner: crate::view::Views::new(),
            so_far: crate::store::so_far::SoFar::new(),
            first_seen: Json::Null,
            sent_dates: None,
        }
    }

    /// Shows the first screen an earlier popup stored (`raw`, under `firstScreen`) when
    /// it is the account of `settings` (raw stored settings): the Sent list shows its
    /// rows until `loadSnapshot`. Returns its summary, or `null`. Never throws.
    #[wasm_bindgen(js_name = showFirstScreen, unchecked_return_type = "SnapshotSummary | null")]
    pub fn show_first_screen(&mut self, raw: JsValue, settings: JsValue) -> JsValue {
        let tag = tag_of(settings);
        let raw = raw_json(raw);
        let first = crate::store::read_first_screen(&raw, &tag);
        let summary = self.inner.show_first_screen(first, !raw.is_null());
        summary.map_or(JsValue::NULL, |s| to_js(&s))
    }

    /// The stored snapshot (`raw`) into the Sent and Received lists when it is the
    /// account of `settings` (as `readSnapshot` decides), else empties them. Ages are
    /// the best of the API's labels and `firstSeen` (the stored first sightings). Returns its
    /// summary and whether to store (an object), remove (`null`) or leave (absent) the
    /// stored first screen. Never throws.
    ///
    /// `walk` is the stored walk header (`walk`): without a snapshot, or for a list the
    /// snapshot marks partial, this account's walk's pages are the rows so far, which
    /// `soFarKeys` and `addSoFar` bring in.
    #[wasm_bindgen(js_name = loadSnapshot, unchecked_return_type = "LoadedSnapshot")]
    pub fn load_snapshot(&mut self, raw: JsValue, settings: JsValue, first_seen: JsValue, walk: JsValue) -> JsValue {
        let tag = tag_of(settings);
        let snapshot = crate::store::read_snapshot(raw_json(raw), &tag);
        self.first_seen = raw_json(first_seen);
        self.so_far.load(snapshot, &raw_json(walk), &tag, js_sys::Date::now());
        self.show(&tag)
    }

    /// While a list shown is partial (a first sync reads it): the storage keys to read
    /// next for it, given the stored walk header (`walk`, raw): the header and the pages
    /// not shown yet. Empty when no list is partial. Never throws.
    #[wasm_bindgen(js_name = soFarKeys)]
    pub fn so_far_keys(&self, walk: JsValue, settings: JsValue) -> Vec<String> {
        self.so_far.keys(&raw_json(walk), &tag_of(settings), js_sys::Date::now())
    }

    /// The values `soFarKeys` named, as `storage.local.get` returns them: the partial
    /// lists take their new pages (a list whose walk is over is complete). Returns what
    /// `loadSnapshot` returns, or `null` when nothing changed. Never throws.
    #[wasm_bindgen(js_name = addSoFar, unchecked_return_type = "LoadedSnapshot | null")]
    pub fn add_so_far(&mut self, stored: JsValue, settings: JsValue) -> JsValue {
        let tag = tag_of(settings);
        if !self.so_far.add(&raw_json(stored), &tag, js_sys::Date::now()) {
            return JsValue::NULL;
        }
        self.show(&tag)
    }

    /// Replaces a list's items (API items, as in a snapshot or a connections page); an
    /// item that cannot be read is left out. Returns how many rows the query keeps.
    #[wasm_bindgen(js_name = setItems)]
    pub fn set_items(
        &mut self,
        list: &str,
        #[wasm_bindgen(unchecked_param_type = "Array<SentInvitation | ReceivedInvitation | Connection>")] items: JsValue,
    ) -> Result<u32, JsValue> {
        self.load(list, items, false)
    }

    /// Appends items to a list (the next page of connections). Returns how many rows
    /// the query keeps.
    #[wasm_bindgen(js_name = addItems)]
    pub fn add_items(
        &mut self,
        list: &str,
        #[wasm_bindgen(unchecked_param_type = "Array<SentInvitation | ReceivedInvitation | Connection>")] items: JsValue,
    ) -> Result<u32, JsValue> {
        self.load(list, items, true)
    }

    /// Filters and orders a list; returns how many rows the query keeps.
    #[wasm_bindgen(js_name = setQuery)]
    pub fn set_query(&mut self, list: &str, #[wasm_bindgen(unchecked_param_type = "ViewQuery")] query: JsValue) -> Result<u32, JsValue> {
        let name = list_name(list)?;
        let query: crate::view::ViewQuery =
            if query.is_undefined() || query.is_null() { Default::default() } else { from_js("query", query)? };
        Ok(to_u32(self.inner.list_mut(name).set_query(query)))
    }

    /// How many rows of a list the query keeps.
    pub fn count(&self, list: &str) -> Result<u32, JsValue> {
        Ok(to_u32(self.inner.list(list_name(list)?).count()))
    }

    /// How many rows a list has, whatever the query.
    pub fn total(&self, list: &str) -> Result<u32, JsValue> {
        Ok(to_u32(self.inner.list(list_name(list)?).total()))
    }

    /// The rows shown at positions `start..end` (clamped).
    #[wasm_bindgen(unchecked_return_type = "Row[]")]
    pub fn slice(&self, list: &str, start: u32, end: u32) -> Result<JsValue, JsValue> {
        Ok(to_js(&self.inner.list(list_name(list)?).slice(start as usize, end as usize)))
    }

    /// The age chart of a list (all its rows): `{bars: [{bucket, count}], unknown}`.
    #[wasm_bindgen(js_name = ageChart, unchecked_return_type = "AgeChart")]
    pub fn age_chart(&self, list: &str) -> Result<JsValue, JsValue> {
        Ok(to_js(&self.inner.list(list_name(list)?).age_chart()))
    }

    /// The ids of exactly the rows the query keeps that can be acted on, in order
    /// (what a bulk action acts on: rows without the fields the API needs are left out).
    #[wasm_bindgen(js_name = shownIds)]
    pub fn shown_ids(&self, list: &str) -> Result<Vec<String>, JsValue> {
        Ok(self.inner.list(list_name(list)?).shown().filter(|r| r.actionable).map(|r| r.id.clone()).collect())
    }

    /// How many of the rows the query keeps can be acted on (the bulk buttons' count).
    #[wasm_bindgen(js_name = actionableCount)]
    pub fn actionable_count(&self, list: &str) -> Result<u32, JsValue> {
        Ok(u32::try_from(self.inner.list(list_name(list)?).shown().filter(|r| r.actionable).count()).unwrap_or(u32::MAX))
    }

    /// The CSV text (RFC 4180, formula-guarded) of exactly the rows the query keeps.
    pub fn csv(&self, list: &str) -> Result<String, JsValue> {
        Ok(self.inner.list(list_name(list)?).csv())
    }

    /// The Sent tab's acceptance summary, weekly chart, recent outcomes and health,
    /// now, from the stored history (`raw`, under `acceptance`; another account's or
    /// an unreadable one is none), the loaded snapshot's pending invitations and the
    /// settings (raw stored settings). `null` without a snapshot, and while a first sync
    /// still reads a list: the health's pending count would be a count so far that looks
    /// final. Never throws.
    #[wasm_bindgen(unchecked_return_type = "AcceptanceView | null")]
    pub fn acceptance(&self, raw: JsValue, settings: JsValue) -> JsValue {
        let Some(sent_dates) = self.sent_dates.as_deref() else { return JsValue::NULL };
        let settings = crate::store::Settings::read(&raw_json(settings));
        let history = crate::store::history::History::read(&raw_json(raw), &settings.account_tag());
        to_js(&crate::store::acceptance::acceptance_view(history.as_ref(), sent_dates, &settings, js_sys::Date::now()))
    }
}

/// The CSV export (RFC 4180, formula-guarded) of the stored history (`raw`, under
/// `acceptance`) of the account of `settings` (raw stored settings): one line per
/// invitation that left, with its outcome. Never throws.
#[wasm_bindgen(js_name = historyCsv)]
pub fn history_csv(raw: JsValue, settings: JsValue) -> String {
    let history = crate::store::history::History::read(&raw_json(raw), &tag_of(settings));
    crate::store::acceptance::history_csv(history.as_ref())
}

/// The count a tab shows for a list of `n` rows, `partial` or not: `{n, soFar}`, or
/// `null` for a partial list with no rows yet (never a 0 that looks final).
#[wasm_bindgen(js_name = tabCount, unchecked_return_type = "TabCount | null")]
pub fn tab_count(n: u32, partial: bool) -> JsValue {
    crate::view::tab_count(n, partial).map_or(JsValue::NULL, |c| to_js(&c))
}

/// The error the popup's banner shows on `tab` and what it says is on screen beside it
/// (`{of: "sync" | "connections", shown?}`), or `null`: `syncError` is the stored
/// status's error kind when the last sync failed, `connectionsFailed` whether the last
/// page of connections failed, `saved` whether a snapshot of this account is shown,
/// `partial` whether the tab's list is partial, `loaded` the connections loaded. An
/// unknown tab is `sent`.
#[wasm_bindgen(js_name = errorNote, unchecked_return_type = "ErrorNote | null")]
pub fn error_note(tab: &str, sync_error: Option<String>, connections_failed: bool, saved: bool, partial: bool, loaded: u32) -> JsValue {
    let scene = crate::view::ErrorScene {
        tab: crate::view::ListName::parse(tab).unwrap_or(crate::view::ListName::Sent),
        sync_error: sync_error.as_deref(),
        connections_failed,
        saved,
        partial,
        connections_loaded: loaded,
    };
    crate::view::error_note(&scene).map_or(JsValue::NULL, |n| to_js(&n))
}

/// How old data taken at `takenAtMs` is at `nowMs`: `{unit: "now"|"minutes"|"hours"|"days", n}`.
#[wasm_bindgen(unchecked_return_type = "{unit: string, n: number}")]
pub fn freshness(taken_at_ms: f64, now_ms: f64) -> JsValue {
    to_js(&crate::view::freshness(taken_at_ms, now_ms))
}

/// Validates an API base URL (https, or http for localhost only) and returns it
/// normalized; throws an `ApiError` of kind `invalid_input` saying what is wrong.
#[wasm_bindgen(js_name = checkBaseUrl)]
pub fn check_base_url(url: &str) -> Result<String, JsValue> {
    crate::api::config::validate_base_url(url).map_err(|e| error_js(&e))
}

// ---- storage, where the key goes, and recovery from a trap ----

/// Stored settings (anything: missing, an older schema, malformed), as complete and
/// valid settings; never throws.
#[wasm_bindgen(js_name = readSettings, unchecked_return_type = "Settings")]
pub fn read_settings(raw: JsValue) -> JsValue {
    to_js(&crate::store::Settings::read(&raw_json(raw)))
}

/// The stored snapshot when it has this schema, is well formed and was fetched with
/// `settings` (raw stored settings); else `null`. Never throws.
#[wasm_bindgen(js_name = readSnapshot, unchecked_return_type = "StoredSnapshot | null")]
pub fn read_snapshot(raw: JsValue, settings: JsValue) -> JsValue {
    let tag = tag_of(settings);
    match crate::store::read_snapshot(raw_json(raw), &tag) {
        Some(s) => to_js(&crate::store::Stamped::new(&s, &tag)),
        None => JsValue::NULL,
    }
}

/// The account tag of settings (raw stored settings): which data their syncs fetch.
#[wasm_bindgen(js_name = accountTag)]
pub fn account_tag(settings: JsValue) -> String {
    tag_of(settings)
}

/// Which host receives the key for `baseUrl`, whether it is the official API, and the
/// host permission to request (`knownOrigins`: the manifest's). Throws an `ApiError` of
/// kind `invalid_input` for an unusable URL.
#[wasm_bindgen(js_name = keyDestination, unchecked_return_type = "KeyDestination")]
pub fn key_destination(
    base_url: &str,
    #[wasm_bindgen(unchecked_param_type = "string[]")] known_origins: JsValue,
) -> Result<JsValue, JsValue> {
    let known_origins: Vec<String> = from_js("knownOrigins", known_origins)?;
    crate::api::config::key_destination(base_url, &known_origins).map(|d| to_js(&d)).map_err(|e| error_js(&e))
}

/// After a trap (`WebAssembly.RuntimeError`), asks for a fresh instance: the next call
/// into the module re-instantiates it from the compiled module, with new memory. Objects
/// of the old instance (an `App`, `Views`) must not be used again.
#[wasm_bindgen(js_name = resetCore)]
pub fn reset_core() {
    wasm_bindgen::handler::schedule_reinit();
}

#[cfg(feature = "test-hooks")]
static TRAP_ARMED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

#[cfg(feature = "test-hooks")]
fn trap_if_armed() {
    if TRAP_ARMED.swap(false, std::sync::atomic::Ordering::Relaxed) {
        core::arch::wasm32::unreachable();
    }
}

/// **Test hook** (cargo feature `test-hooks`, off in the release package: only the
/// end-to-end tests' build, `pkg-test/`, exports it). Makes the next page of any sync
/// trap (`unreachable`, as a bug would), so the end-to-end tests can show the background
/// recovers. The controller arms it for a `testTrap` message, which it accepts only
/// while `storage.local` holds `testHooks: true`; no page of the extension sets that.
#[cfg(feature = "test-hooks")]
#[wasm_bindgen(js_name = __testArmTrap)]
pub fn test_arm_trap() {
    TRAP_ARMED.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// The requests a quiet day (no popup) costs with these stored settings at the given
/// list sizes: `{received, sent, total}`.
#[wasm_bindgen(js_name = dailyCost, unchecked_return_type = "{received: number, sent: number, total: number}")]
pub fn daily_cost(settings: JsValue, sent: u32, received: u32) -> JsValue {
    let settings = crate::store::Settings::read(&raw_json(settings));
    to_js(&crate::app::refresh::daily_cost(&settings.policy(), sent, received))
}

// ---- the background's controller ----

#[wasm_bindgen]
extern "C" {
    /// The JavaScript side of [`crate::app::Host`].
    #[wasm_bindgen(typescript_type = "AppHost")]
    #[derive(Debug, Clone)]
    pub type JsHostObject;
    #[wasm_bindgen(method, catch)]
    fn load(this: &JsHostObject, keys: Vec<String>) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn save(this: &JsHostObject, entries: JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn remove(this: &JsHostObject, keys: Vec<String>) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn badge(this: &JsHostObject, badge: JsValue) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = permissionGranted)]
    fn permission_granted(this: &JsHostObject, pattern: &str) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn origins(this: &JsHostObject) -> Result<Vec<String>, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn schedule(this: &JsHostObject, minutes: u32) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch, js_name = keepAlive)]
    fn keep_alive(this: &JsHostObject, on: bool) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch)]
    fn notify(this: &JsHostObject, alert: JsValue) -> Result<(), JsValue>;
}

/// [`crate::app::Host`] over the background's JavaScript host object.
#[derive(Debug)]
struct JsHost(JsHostObject);

async fn settle(p: Result<Promise, JsValue>) -> Option<JsValue> {
    wasm_bindgen_futures::JsFuture::from(p.ok()?).await.ok()
}

fn names(keys: &[&str]) -> Vec<String> {
    keys.iter().map(|k| (*k).to_string()).collect()
}

/// `{"key": <value>, …}` as a JavaScript object.
fn entries_js(entries: &[(&str, Json)]) -> JsValue {
    let obj = js_sys::Object::new();
    for (k, v) in entries {
        let _ = js_sys::Reflect::set(&obj, &JsValue::from_str(k), &value_js(v));
    }
    obj.into()
}

impl crate::app::Host for JsHost {
    type Transport = FetchTransport;
    fn transport(&self) -> FetchTransport {
        FetchTransport::new()
    }
    async fn load(&self, keys: &[&str]) -> Vec<Json> {
        let got = settle(self.0.load(names(keys))).await.unwrap_or(JsValue::NULL);
        keys.iter()
            .map(|k| js_sys::Reflect::get(&got, &JsValue::from_str(k)).map_or(Json::Null, raw_json))
            .collect()
    }
    async fn save(&self, entries: &[(&str, Json)]) {
        settle(self.0.save(entries_js(entries))).await;
    }
    fn post(&self, entries: &[(&str, Json)]) {
        let _ = self.0.save(entries_js(entries));
    }
    async fn remove(&self, keys: &[&str]) {
        settle(self.0.remove(names(keys))).await;
    }
    fn show_badge(&self, badge: &crate::app::Badge) {
        let _ = self.0.badge(to_js(badge));
    }
    async fn permission_granted(&self, pattern: &str) -> bool {
        settle(self.0.permission_granted(pattern)).await.and_then(|v| v.as_bool()).unwrap_or(false)
    }
    fn manifest_origins(&self) -> Vec<String> {
        self.0.origins().unwrap_or_default()
    }
    async fn schedule(&self, period_minutes: u32) {
        settle(self.0.schedule(period_minutes)).await;
    }
    fn keep_alive(&self, on: bool) {
        let _ = self.0.keep_alive(on);
    }
    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }
    fn notify(&self, alert: &crate::app::alerts::Alert) {
        let _ = self.0.notify(to_js(alert));
    }
    #[cfg(feature = "test-hooks")]
    fn arm_trap(&self) {
        test_arm_trap();
    }
    #[cfg(feature = "test-hooks")]
    fn on_page(&self) {
        trap_if_armed();
    }
}

/// The background's controller ([`crate::app::App`]): `new App(host)`, then every
/// browser event and every page's message goes to it. Its promises never reject.
#[wasm_bindgen(js_name = App)]
#[derive(Debug)]
pub struct JsApp {
    inner: Rc<crate::app::App<JsHost>>,
}

/// One entry point of the controller: every call goes through one dispatch future
/// (one promise shim in the WebAssembly instead of one per entry point).
enum Call {
    Handle(Json),
    Wake,
    Start(crate::app::refresh::Reason),
    Alarm,
    Settings(Json, Json),
    Trapped,
}

async fn dispatch(app: Rc<crate::app::App<JsHost>>, call: Call) -> JsValue {
    match call {
        Call::Handle(message) => {
            let reply = app.handle(&message).await;
            if let crate::app::protocol::Reply::Started { .. } = reply {
                // The run goes on after the answer (and after the popup closes).
                let runner = app.clone();
                wasm_bindgen_futures::spawn_local(async move { runner.run_actions().await });
            }
            return to_js(&reply);
        }
        Call::Wake => app.wake().await,
        Call::Start(reason) => app.start(reason).await,
        Call::Alarm => app.refresh(crate::app::refresh::Reason::Alarm).await,
        Call::Settings(before, after) => app.settings_changed(&before, &after).await,
        Call::Trapped => app.trapped().await,
    }
    JsValue::UNDEFINED
}

impl JsApp {
    fn spawn(&self, call: Call) -> Promise {
        let app = self.inner.clone();
        future_to_promise(async move { Ok(dispatch(app, call).await) })
    }
}

#[wasm_bindgen(js_class = App)]
impl JsApp {
    /// A controller over the background's host object.
    #[wasm_bindgen(constructor)]
    pub fn new(host: JsHostObject) -> JsApp {
        JsApp { inner: Rc::new(crate::app::App::new(JsHost(host))) }
    }

    /// A page's `Request`; resolves to its `Reply` (errors as `{type: "error", error}`).
    #[wasm_bindgen(unchecked_return_type = "Promise<Reply>")]
    pub fn handle(&self, #[wasm_bindgen(unchecked_param_type = "Request")] message: JsValue) -> Promise {
        self.spawn(Call::Handle(raw_json(message)))
    }

    /// Every wake of the worker: the badge from storage, then a stopped sync resumes.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn wake(&self) -> Promise {
        self.spawn(Call::Wake)
    }

    /// Install (`installed`) or browser start (`startup`): the alarm, then a refresh.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn start(&self, reason: &str) -> Promise {
        self.spawn(Call::Start(crate::app::refresh::Reason::parse(reason)))
    }

    /// The refresh alarm fired.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn alarm(&self) -> Promise {
        self.spawn(Call::Alarm)
    }

    /// The stored settings changed (`storage.onChanged`'s old and new values).
    #[wasm_bindgen(js_name = settingsChanged, unchecked_return_type = "Promise<void>")]
    pub fn settings_changed(&self, before: JsValue, after: JsValue) -> Promise {
        self.spawn(Call::Settings(raw_json(before), raw_json(after)))
    }

    /// The previous instance trapped: records the `internal` error.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn trapped(&self) -> Promise {
        self.spawn(Call::Trapped)
    }
}

/// The stored status (raw) as a page shows it: `{state: "idle"|"syncing"|"ok"|"error",
/// progress?, error?, blocking}`; settings without a key are the blocking `no_key` error.
/// Never throws.
#[wasm_bindgen(js_name = statusView, unchecked_return_type = "StatusView")]
pub fn status_view(status: JsValue, settings: JsValue) -> JsValue {
    to_js(&crate::app::status_view(&raw_json(status), &raw_json(settings)))
}

/// The stored action queue (raw, under `actions`) as the popup shows it:
/// `{state: "idle"|"running"|"stopped"|"finished", progress, summary}`. Never throws.
#[wasm_bindgen(js_name = actionsView, unchecked_return_type = "ActionsView")]
pub fn actions_view(raw: JsValue) -> JsValue {
    to_js(&crate::app::actions_view(&raw_json(raw), js_sys::Date::now()))
}

/// What the pages share with the controller: the received-invitation categories, the
/// error kinds that block, the official API, the connections page size.
#[wasm_bindgen(unchecked_return_type = "{categories: string[], blocking: string[], defaultBaseUrl: string, connectionsPage: number}")]
pub fn constants() -> JsValue {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Constants {
        categories: &'static [&'static str],
        blocking: &'static [&'static str],
        default_base_url: &'static str,
        connections_page: u32,
    }
    to_js(&Constants {
        categories: crate::api::models::CATEGORIES,
        blocking: crate::app::BLOCKING,
        default_base_url: crate::api::config::DEFAULT_BASE_URL,
        connections_page: MAX_CONNECTIONS_LIMIT,
    })
}
