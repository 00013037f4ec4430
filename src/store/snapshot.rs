//! The snapshot as stored (with its schema and account tag), the badge's counts
//! beside it, and the popup's first screen: each shown only when it has this schema
//! and belongs to the current settings' account.

use super::{is_current, SCHEMA};
use crate::api::sync::{Counts, Snapshot, Summary};
use crate::view::{FirstScreen, Row, FIRST_SCREEN_ROWS};
use serde::Serialize;
use serde_json::Value;
use tsify::Tsify;

/// A snapshot as stored: the [`Snapshot`] with its schema and account tag.
#[derive(Debug, Clone, Serialize, Tsify)]
#[tsify(rename = "StoredSnapshot")]
pub struct Stamped<'a> {
    /// [`SCHEMA`].
    pub schema: u32,
    /// The [`account_tag`](super::account_tag) of the settings the snapshot was fetched with.
    pub account: &'a str,
    /// The snapshot's own fields, at the same level as `schema` and `account`.
    #[serde(flatten)]
    pub snapshot: &'a Snapshot,
}

impl<'a> Stamped<'a> {
    /// `snapshot`, tagged as fetched for `account` (an [`account_tag`](super::account_tag)).
    pub fn new(snapshot: &'a Snapshot, account: &'a str) -> Self {
        Stamped { schema: SCHEMA, account, snapshot }
    }
}

/// The badge's counts as stored beside the snapshot (`{schema, account, counts}`: a few
/// hundred bytes, where the snapshot of a heavy account is megabytes), when they have
/// this schema and belong to `account`; else `None`. What a waking worker draws the
/// badge from before anything else.
pub fn read_badge_counts(raw: &Value, account: &str) -> Option<Counts> {
    if !is_current(raw, account) {
        return None;
    }
    let counts = raw.get("counts").filter(|c| c.is_object())?;
    crate::api::objects::read::<Counts>(counts.clone()).ok()
}

/// The stored snapshot, when it has this schema, reads as a [`Snapshot`] and was
/// fetched for `account` (the current settings' [`account_tag`](super::account_tag)); else `None`.
pub fn read_snapshot(raw: Value, account: &str) -> Option<Snapshot> {
    if !is_current(&raw, account) {
        return None;
    }
    // `schema` and `account` are unknown fields to the Snapshot decoder, which skips them.
    crate::api::objects::read::<Snapshot>(raw).ok()
}

/// A first screen as stored: with its schema and the account tag of the snapshot it
/// was taken from.
#[derive(Debug, Clone, Serialize, Tsify)]
#[tsify(rename = "StoredFirstScreen")]
pub struct StampedFirstScreen<'a> {
    /// [`SCHEMA`].
    pub schema: u32,
    /// The [`account_tag`](super::account_tag) of the snapshot's settings.
    pub account: &'a str,
    /// [`FirstScreen::summary`].
    #[tsify(type = "SnapshotSummary")]
    pub summary: &'a Summary,
    /// [`FirstScreen::rows`].
    pub rows: &'a [Row],
}

impl<'a> StampedFirstScreen<'a> {
    /// `first`, tagged as `account`'s (an [`account_tag`](super::account_tag)).
    pub fn new(first: &'a FirstScreen, account: &'a str) -> Self {
        StampedFirstScreen { schema: SCHEMA, account, summary: &first.summary, rows: &first.rows }
    }
}

/// The stored first screen, when it has this schema, was taken for `account` (the
/// current settings' [`account_tag`](super::account_tag)) and reads as a summary and at most
/// [`FIRST_SCREEN_ROWS`] rows, no more than the Sent count; else `None`. An unreadable
/// row is left out.
pub fn read_first_screen(raw: &Value, account: &str) -> Option<FirstScreen> {
    if !is_current(raw, account) {
        return None;
    }
    let summary = crate::api::objects::read::<Summary>(raw.get("summary").filter(|s| s.is_object())?.clone()).ok()?;
    let max = FIRST_SCREEN_ROWS.min(summary.counts.sent as usize);
    let rows = raw.get("rows")?.as_array()?.iter().filter(|row| row.is_object()).filter_map(|row| crate::api::objects::read::<Row>(row.clone()).ok());
    let rows = rows.take(max).collect();
    Some(FirstScreen { summary, rows })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::account_tag;
    use crate::api::sync::Cost;
    use serde_json::json;

    const MOCK: &str = "http://127.0.0.1:8787/linkedin";

    fn snapshot() -> Snapshot {
        Snapshot {
            taken_at_ms: 1.7e12,
            sent_taken_at_ms: 1.7e12,
            account_id: None,
            skipped: Default::default(),
            counts: Counts::of(&[], &[]),
            sent: vec![],
            received: vec![],
            connection_count: None,
            cost: Cost { requests: 2, pages: 2, retries: 0, duration_ms: 3.0 },
            partial: Default::default(),
        }
    }

    #[test]
    fn snapshots_are_read_only_for_their_account_and_schema() {
        let tag = account_tag("k", MOCK, None);
        let stored = serde_json::to_value(Stamped::new(&snapshot(), &tag)).unwrap();
        assert_eq!(stored["schema"], json!(SCHEMA));
        assert_eq!(stored["account"], json!(tag));
        assert_eq!(stored["counts"]["sent"], json!(0), "the snapshot's own fields stay at the top level");
        assert_eq!(read_snapshot(stored.clone(), &tag), Some(snapshot()));
        // Another account's snapshot is never this account's.
        assert_eq!(read_snapshot(stored.clone(), &account_tag("k2", MOCK, None)), None);
        // An older schema (no tag at all), another schema, or the wrong shape: absent.
        let mut old = stored.clone();
        old.as_object_mut().unwrap().remove("schema");
        old.as_object_mut().unwrap().remove("account");
        assert_eq!(read_snapshot(old.clone(), &tag), None);
        let mut newer = stored.clone();
        newer["schema"] = json!(2);
        assert_eq!(read_snapshot(newer.clone(), &tag), None);
        for garbage in [json!(null), json!("snapshot"), json!([stored.clone()]), json!({"schema": 1, "account": tag})] {
            assert_eq!(read_snapshot(garbage.clone(), &tag), None, "{garbage}");
        }
        // Stored counts are never trusted: they are recomputed from the stored lists, and
        // a stored item that cannot be read is left out.
        let mut bad = stored.clone();
        bad["counts"] = json!("many");
        assert_eq!(read_snapshot(bad.clone(), &tag), Some(snapshot()));
        let mut bad = stored;
        bad["sent"] = json!([{"invitationId": null}, {"invitationId": "7"}]);
        let read = read_snapshot(bad.clone(), &tag).unwrap();
        assert_eq!((read.counts.sent, read.sent.len()), (1, 1));
        bad["sent"] = json!("many");
        assert_eq!(read_snapshot(bad.clone(), &tag), None, "a list that is not a list");
    }

    #[test]
    fn badge_counts_are_read_only_for_their_account_and_schema() {
        let tag = account_tag("k", MOCK, None);
        let stored = json!({"schema": 1, "account": tag, "counts": {"sent": 5000, "received": 40, "receivedByCategory": {"EVENT": 3}}});
        let c = read_badge_counts(&stored, &tag).unwrap();
        assert_eq!((c.sent, c.received, c.received_by_category.get("EVENT").copied()), (5000, 40, Some(3)));
        assert_eq!(read_badge_counts(&stored, &account_tag("k2", MOCK, None)), None);
        for garbage in [json!(null), json!({"schema": 2, "account": tag, "counts": {}}), json!({"schema": 1, "account": tag}), json!({"schema": 1, "account": tag, "counts": "x"})] {
            assert_eq!(read_badge_counts(&garbage, &tag), None, "{garbage}");
        }
    }

    /// The first screen the popup stores for a snapshot of sent invitations to `names`.
    fn first_screen(names: &[&str]) -> FirstScreen {
        let mut snap = snapshot();
        snap.sent = names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                serde_json::from_value(json!({"invitationId": i.to_string(), "sentAt": "2 days ago",
                    "profile": {"firstName": n, "lastName": "X", "profileUrl": format!("https://www.linkedin.com/in/p{i}")}}))
                .unwrap()
            })
            .collect();
        snap.counts = Counts::of(&snap.sent, &[]);
        let crate::view::FirstScreenWrite::Store(first) = crate::view::Views::new().load_snapshot(Some(&snap)).1 else { panic!() };
        first
    }

    #[test]
    fn a_stored_first_screen_reads_back_unchanged_for_its_account_only() {
        let tag = account_tag("k", MOCK, None);
        let names: Vec<String> = (0..60).map(|i| format!("P{i}")).collect();
        let first = first_screen(&names.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(first.rows.len(), FIRST_SCREEN_ROWS);
        // JSON both ways, as storage.local hands it over.
        let stored = serde_json::to_string(&StampedFirstScreen::new(&first, &tag)).unwrap();
        let raw: Value = serde_json::from_str(&stored).unwrap();
        assert_eq!(read_first_screen(&raw, &tag).as_ref(), Some(&first));
        assert_eq!(read_first_screen(&raw, "0123456789abcdef"), None, "another account's");
    }

    #[test]
    fn a_stored_first_screen_is_read_defensively() {
        let tag = account_tag("k", MOCK, None);
        let first = first_screen(&["Ava", "Ben"]);
        let stored = serde_json::to_value(StampedFirstScreen::new(&first, &tag)).unwrap();
        let read = |v: &serde_json::Value| read_first_screen(v, &tag);
        assert_eq!(read(&stored), Some(first.clone()));
        assert_eq!(stored["schema"], json!(1));
        assert_eq!(stored["summary"]["counts"]["sent"], json!(2));
        let mut bad = stored.clone();
        bad["schema"] = json!(2);
        assert_eq!(read(&bad), None);
        let mut bad = stored.clone();
        bad["account"] = json!("0123456789abcdef");
        assert_eq!(read(&bad), None);
        for garbage in [json!(null), json!("x"), json!([]), json!({"schema": 1, "account": tag}), json!({"schema": 1, "account": tag, "summary": {}, "rows": []})] {
            assert_eq!(read(&garbage), None, "{garbage}");
        }
        // Rows are re-checked: no unsafe link, no more rows than the count says, an
        // unreadable row left out.
        let mut odd = stored.clone();
        odd["rows"][0]["url"] = json!("javascript:alert(1)");
        odd["rows"][1]["name"] = json!(42);
        let r = read(&odd).unwrap();
        assert_eq!((r.rows.len(), r.rows[0].url.clone()), (1, None));
        let mut odd = stored.clone();
        odd["rows"][0] = json!(["1", "Ava"]);
        odd["rows"][1]["actionable"] = json!("true");
        let r = read(&odd).unwrap();
        assert_eq!((r.rows.len(), r.rows[0].actionable), (1, false), "a row that is not an object is left out; only `true` is true");
        let mut long = stored;
        long["summary"]["counts"]["sent"] = json!(1);
        assert_eq!(read(&long).unwrap().rows.len(), 1);
    }
}
