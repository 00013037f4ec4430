use super::*;
use crate::api::client::Scope;
use crate::store::{account_tag, read_snapshot, Stamped, SCHEMA};
use serde_json::json;

const NOW: f64 = 1.78e12;
const MOCK: &str = "http://127.0.0.1:8787/linkedin";

fn tag() -> String {
    account_tag("k", MOCK, None)
}

/// A walk header of `tag()` started at `started`: per list (pages stored, over?).
fn header(started: f64, received: Option<(u32, bool)>, sent: Option<(u32, bool)>) -> Value {
    let mut h = Header::new(&tag(), Scope::All, started);
    let walk = |(chunks, over): (u32, bool)| ListWalk {
        next: (!over).then_some(chunks * 10),
        pages: chunks,
        largest_page: 10,
        chunks,
        account_id: Some("acc".into()),
        ..ListWalk::default()
    };
    h.received = received.map(walk);
    h.sent = sent.map(walk);
    serde_json::to_value(&h).unwrap()
}

fn page(prefix: &str, i: u32) -> Value {
    Value::Array((0..10).map(|k| json!({"invitationId": format!("{prefix}{}", i * 10 + k), "invitationCategory": "EVENT"})).collect())
}

/// What storage hands a page for `keys`: the header and the pages of `stored`.
fn get(keys: &[String], header: &Value, stored: &[(&str, u32)]) -> Value {
    let mut out = serde_json::Map::new();
    for key in keys {
        if key == HEADER {
            out.insert(key.clone(), header.clone());
        }
        for (list, pages) in stored {
            for i in 0..*pages {
                if *key == chunk_key(list, i) {
                    out.insert(key.clone(), page(&list[..1], i));
                }
            }
        }
    }
    Value::Object(out)
}

fn received(n: u32) -> Collected<ReceivedInvitation> {
    let items = (0..n).map(|i| serde_json::from_value(json!({"invitationId": format!("r{i}"), "invitationCategory": "EVENT"})).unwrap()).collect();
    Collected { items, pages: 1, truncated: false, account_id: Some("acc".into()), skipped: Default::default() }
}

/// The stored partial snapshot of a first sync whose received walk is over, read back.
fn stored_first(n: u32) -> Snapshot {
    let raw = serde_json::to_value(Stamped::new(&received_first(&received(n), NOW), &tag())).unwrap();
    read_snapshot(raw, &tag()).unwrap()
}

fn counts(s: &SoFar) -> (u32, u32, bool, bool) {
    let s = s.shown().unwrap();
    (s.counts.sent, s.counts.received, s.partial.sent, s.partial.received)
}

#[test]
fn a_first_syncs_snapshot_marks_sent_partial_and_old_snapshots_read_complete() {
    let first = received_first(&received(25), NOW);
    let stored = serde_json::to_value(Stamped::new(&first, &tag())).unwrap();
    assert_eq!(stored["partial"], json!({"sent": true}), "only the partial list is named");
    assert_eq!((stored["counts"]["received"].as_u64(), stored["sent"].as_array().map(Vec::len)), (Some(25), Some(0)));
    let back = read_snapshot(stored.clone(), &tag()).unwrap();
    assert_eq!(back, first);
    assert_eq!(back.summary().partial, PartialLists { sent: true, received: false });
    // A snapshot stored before there were partial lists (no member) is complete; so is
    // one whose marker cannot be read; only `true` (or "true") marks a list.
    for (marker, partial) in [
        (None, PartialLists::NONE),
        (Some(json!("sent")), PartialLists::NONE),
        (Some(json!({"sent": 1, "received": "true"})), PartialLists { sent: false, received: true }),
    ] {
        let mut v = stored.clone();
        match marker {
            Some(m) => v["partial"] = m,
            None => drop(v.as_object_mut().unwrap().remove("partial")),
        }
        assert_eq!(read_snapshot(v, &tag()).unwrap().partial, partial);
    }
    // Complete snapshots are written as before: no marker.
    let complete = Snapshot { partial: PartialLists::NONE, ..first };
    assert!(serde_json::to_value(Stamped::new(&complete, &tag())).unwrap().get("partial").is_none());
}

#[test]
fn the_first_walk_shows_its_rows_as_they_come_then_received_complete() {
    let mut so_far = SoFar::new();
    so_far.load(None, &Value::Null, &tag(), NOW);
    assert!(so_far.shown().is_none() && so_far.keys(&Value::Null, &tag(), NOW).is_empty(), "nothing stored, no walk: nothing");
    // The received walk at its second page (no snapshot yet): both lists partial.
    let h = header(NOW - 1_000.0, Some((2, false)), None);
    so_far.load(None, &h, &tag(), NOW);
    assert_eq!(counts(&so_far), (0, 0, true, true));
    let keys = so_far.keys(&h, &tag(), NOW);
    assert_eq!(keys, ["walk", "walk.received.0", "walk.received.1"]);
    assert!(so_far.add(&get(&keys, &h, &[("received", 2)]), &tag(), NOW));
    assert_eq!(counts(&so_far), (0, 20, true, true));
    assert_eq!(so_far.shown().unwrap().counts.received_by_category.get("EVENT"), Some(&20));
    assert_eq!(so_far.shown().unwrap().taken_at_ms, (NOW - 1_000.0).floor());
    // Nothing new: nothing changes, and only the header is read.
    assert_eq!(so_far.keys(&h, &tag(), NOW), ["walk"]);
    assert!(!so_far.add(&get(&["walk".into()], &h, &[]), &tag(), NOW));
    // Its last page: all the rows, still partial until the sync stores the list (the
    // snapshot, with its status, is what says a count is final).
    let h = header(NOW - 1_000.0, Some((3, true)), None);
    let keys = so_far.keys(&h, &tag(), NOW);
    assert_eq!(keys, ["walk", "walk.received.2"]);
    assert!(so_far.add(&get(&keys, &h, &[("received", 3)]), &tag(), NOW));
    assert_eq!(counts(&so_far), (0, 30, true, true));
}

#[test]
fn the_sent_rows_grow_page_by_page_beside_the_stored_received_ones() {
    let mut so_far = SoFar::new();
    let h = header(NOW - 5_000.0, Some((3, true)), Some((2, false)));
    so_far.load(Some(stored_first(25)), &h, &tag(), NOW);
    assert_eq!(counts(&so_far), (0, 25, true, false), "Received final at once; Sent partial with none yet");
    let keys = so_far.keys(&h, &tag(), NOW);
    assert_eq!(keys, ["walk", "walk.sent.0", "walk.sent.1"], "the stored received list is not read from the walk");
    assert!(so_far.add(&get(&keys, &h, &[("sent", 2)]), &tag(), NOW));
    assert_eq!(counts(&so_far), (20, 25, true, false));
    // A page is missing (written after the header was read): the rows stop before it,
    // and it is read the next time.
    let h = header(NOW - 5_000.0, Some((3, true)), Some((4, false)));
    let keys = so_far.keys(&h, &tag(), NOW);
    assert_eq!(keys, ["walk", "walk.sent.2", "walk.sent.3"]);
    let gap = json!({"walk": h, "walk.sent.3": page("s", 3)});
    assert!(!so_far.add(&gap, &tag(), NOW));
    assert_eq!(counts(&so_far).0, 20, "never a page out of order");
    let keys = so_far.keys(&h, &tag(), NOW);
    assert_eq!(keys, ["walk", "walk.sent.2", "walk.sent.3"]);
    assert!(so_far.add(&get(&keys, &h, &[("sent", 4)]), &tag(), NOW));
    assert_eq!(counts(&so_far), (40, 25, true, false));
    let ids: Vec<&str> = so_far.shown().unwrap().sent.iter().map(|s| s.invitation_id.as_str()).collect();
    assert_eq!(ids.first().copied(), Some("s0"));
    assert_eq!(ids.last().copied(), Some("s39"));
    // The last page: every row, the count still "so far" until the snapshot is stored.
    let h = header(NOW - 5_000.0, Some((3, true)), Some((5, true)));
    let keys = so_far.keys(&h, &tag(), NOW);
    assert!(so_far.add(&get(&keys, &h, &[("sent", 5)]), &tag(), NOW));
    assert_eq!(counts(&so_far), (50, 25, true, false));
    assert_eq!(so_far.keys(&h, &tag(), NOW), ["walk"]);
    // The complete snapshot is stored: nothing partial, nothing more to read of the walk.
    let mut complete = stored_first(25);
    complete.partial = PartialLists::NONE;
    so_far.load(Some(complete), &h, &tag(), NOW);
    assert!(so_far.keys(&h, &tag(), NOW).is_empty());
}

#[test]
fn the_rows_so_far_go_with_their_walk() {
    let mut so_far = SoFar::new();
    let h = header(NOW - 5_000.0, Some((3, true)), Some((2, false)));
    so_far.load(Some(stored_first(25)), &h, &tag(), NOW);
    let keys = so_far.keys(&h, &tag(), NOW);
    assert!(so_far.add(&get(&keys, &h, &[("sent", 2)]), &tag(), NOW));
    // Another walk (the last one was discarded, a new one started): its pages, from 0.
    let other = header(NOW - 1_000.0, Some((3, true)), Some((1, false)));
    let keys = so_far.keys(&other, &tag(), NOW);
    assert_eq!(keys, ["walk", "walk.sent.0"]);
    assert!(so_far.add(&get(&keys, &other, &[("sent", 1)]), &tag(), NOW));
    assert_eq!(counts(&so_far), (10, 25, true, false));
    // The walk is gone (it failed for good): so are its rows; the received list stays.
    assert!(so_far.add(&json!({}), &tag(), NOW));
    assert_eq!(counts(&so_far), (0, 25, true, false));
    assert!(!so_far.add(&json!({}), &tag(), NOW), "nothing more to take away");
}

#[test]
fn only_this_accounts_walk_is_read_and_never_beside_a_complete_list() {
    let h = header(NOW - 5_000.0, Some((3, true)), Some((2, false)));
    let other = account_tag("k2", MOCK, None);
    // Another account's settings: neither its snapshot nor its walk.
    let mut so_far = SoFar::new();
    so_far.load(None, &h, &other, NOW);
    assert!(so_far.shown().is_none());
    let mut so_far = SoFar::new();
    so_far.load(Some(stored_first(25)), &h, &tag(), NOW);
    assert_eq!(so_far.keys(&h, &other, NOW), ["walk"]);
    assert!(!so_far.add(&get(&["walk".into(), "walk.sent.0".into()], &h, &[("sent", 1)]), &other, NOW));
    assert_eq!(counts(&so_far), (0, 25, true, false));
    // A walk too old for a sync to resume is not read either.
    assert_eq!(so_far.keys(&h, &tag(), NOW + 2.0 * crate::store::walk::MAX_AGE_MS), ["walk"]);
    // A complete snapshot (a refresh runs): the walk is never read; the list stays.
    let mut complete = stored_first(25);
    complete.partial = PartialLists::NONE;
    let mut so_far = SoFar::new();
    so_far.load(Some(complete.clone()), &h, &tag(), NOW);
    assert!(so_far.keys(&h, &tag(), NOW).is_empty());
    assert!(!so_far.add(&get(&["walk".into(), "walk.sent.0".into()], &h, &[("sent", 1)]), &tag(), NOW));
    assert_eq!(so_far.take(), Some(complete));
    assert_eq!(SCHEMA, 1, "a partial list is an optional member: the schema stays");
}
