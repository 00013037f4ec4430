use super::*;
use serde_json::json;

const T0: f64 = 1_777_284_000_000.0; // the previous sync
const HOUR: f64 = 3_600_000.0;

fn sent(id: &str, slug: &str, age: &str) -> SentInvitation {
    serde_json::from_value(json!({"invitationId": id, "sentAt": age, "profile": {"firstName": slug, "lastName": "X",
        "publicIdentifier": slug, "profileUrl": format!("https://www.linkedin.com/in/{slug}/")}})).unwrap()
}

/// "Connected on <date of ms>".
fn on(ms: f64) -> String {
    let date = iso_date(ms as u64);
    let (y, rest) = date.split_once('-').unwrap();
    let (m, d) = rest.split_once('-').unwrap();
    let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][m.parse::<usize>().unwrap() - 1];
    format!("Connected on {month} {}, {y}", d.parse::<u32>().unwrap())
}

fn connection(vanity: Option<&str>, url: Option<&str>, connected_ms: f64) -> Connection {
    let mut c = json!({"firstName": "C", "connectedDate": on(connected_ms)});
    if let Some(v) = vanity {
        c["vanityName"] = json!(v);
    }
    if let Some(u) = url {
        c["profileUrl"] = json!(u);
    }
    serde_json::from_value(c).unwrap()
}

/// Runs a check over `pages` at `now`, as the controller does; returns it.
fn check(departures: &[Departure], pages: Vec<Vec<Connection>>, now: f64) -> ConnectionCheck {
    let mut check = ConnectionCheck::new(T0);
    let mut pages = pages.into_iter();
    while check.next_start().is_some() {
        let page = pages.next().unwrap_or_default();
        let n = page.len();
        check.accept(page, n, Some(false), now);
        if check.found_all(departures) {
            check.stop();
        }
    }
    check
}

#[test]
fn invitations_that_left_are_accepted_gone_or_our_own() {
    let now = T0 + 12.0 * HOUR;
    let previous = [sent("1", "ava", "2 days ago"), sent("2", "ben", "1 week ago"), sent("3", "cleo", "3 weeks ago"),
        sent("4", "dan", "5 months ago"), sent("5", "eve", "just now")];
    let current = [sent("1", "ava", "3 days ago")];
    let seen = |id: &str| (id == "2").then_some(T0 - 8.0 * DAY_MS);
    // 3 was withdrawn from the extension: never a departure, so never gone.
    let own = |id: &str| id == "3";
    let gone = departures(&previous, &current, T0, seen, own);
    assert_eq!(gone.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(), ["2", "4", "5"]);
    // ben connected today (the newest connection), eve yesterday evening (after the
    // previous sync); dan is not among the newest connections.
    let page = vec![connection(Some("Ben"), None, now), connection(Some("eve"), None, T0), connection(Some("old"), None, T0 - 40.0 * DAY_MS)];
    let c = check(&gone, vec![page], now);
    assert_eq!(c.pages(), 1, "every departure found or the page reached older connections: one page");
    let mut history = History::new("acct", T0);
    history.record(&gone, Some(&c), now);
    let outcomes: Vec<(&str, Outcome)> = history.entries.iter().map(|e| (e.id.as_str(), e.outcome)).collect();
    assert_eq!(outcomes, [("2", Outcome::Accepted), ("4", Outcome::Gone), ("5", Outcome::Accepted)]);
    assert_eq!(history.checks, 1);
    let ben = &history.entries[0];
    assert_eq!((ben.name.as_str(), ben.url.as_deref()), ("ben X", Some("https://www.linkedin.com/in/ben")));
    // First seen 8 days before the previous sync is better than "1 week ago" (7–13 days).
    assert_eq!((ben.first_seen_ms, ben.sent_ms, ben.left_ms), ((T0 - 8.0 * DAY_MS) as u64, (T0 - 8.0 * DAY_MS) as u64, now as u64));
    // "5 months ago" and never seen before: the API's age (150 days) is the sent date.
    assert_eq!(history.entries[1].sent_ms, (T0 - 150.0 * DAY_MS) as u64);
    // The same departure found again keeps its first outcome.
    history.record(&gone, None, now + HOUR);
    assert_eq!(history.entries.len(), 3);
    assert_eq!(history.entries[1].outcome, Outcome::Gone);
    // Without a check (the connections could not be read): unchecked, never gone.
    let mut h = History::new("acct", T0);
    h.record(&gone, None, now);
    assert!(h.entries.iter().all(|e| e.outcome == Outcome::Unchecked));
}

#[test]
fn our_own_withdrawals_are_withdrawn_never_gone() {
    let mut history = History::new("acct", T0);
    let d = Departure::of(&sent("9", "ivy", "2 weeks ago"), Some(T0 - 15.0 * DAY_MS), T0);
    history.note_withdrawn(&d, T0 + HOUR);
    assert!(history.withdrew("9"));
    assert!(!history.withdrew("1"));
    // A later sync sees it missing: it is no departure (the controller asks `withdrew`),
    // and had it been one, the recorded withdrawal keeps its outcome.
    let previous = [sent("9", "ivy", "2 weeks ago")];
    assert!(departures(&previous, &[], T0, |_| None, |id| history.withdrew(id)).is_empty());
    history.record(&[d], Some(&ConnectionCheck::new(T0)), T0 + 2.0 * HOUR);
    assert_eq!((history.entries.len(), history.entries[0].outcome), (1, Outcome::Withdrawn));
}

#[test]
fn a_person_connected_before_the_previous_sync_is_not_an_acceptance() {
    // The invitation was still pending at the previous sync, but the person's
    // connection is dated 10 days before it: an older connection (LinkedIn's data
    // lagging, or a connection made another way), not this invitation's acceptance.
    let now = T0 + 20.0 * HOUR;
    let gone = departures(&[sent("1", "ava", "3 weeks ago")], &[], T0, |_| None, |_| false);
    let page = vec![connection(Some("bo"), None, now), connection(Some("ava"), None, T0 - 10.0 * DAY_MS)];
    let c = check(&gone, vec![page.clone(), page], now);
    assert_eq!(c.outcome(&gone[0]), Outcome::Gone);
    // The day of the previous sync and the day before (time zones) are not older.
    for (connected, outcome) in [(T0, Outcome::Accepted), (T0 - DAY_MS, Outcome::Accepted), (T0 - 2.0 * DAY_MS, Outcome::Gone)] {
        let c = check(&gone, vec![vec![connection(Some("ava"), None, connected)]], now);
        assert_eq!(c.outcome(&gone[0]), outcome, "connected {} days before", (T0 - connected) / DAY_MS);
    }
}

#[test]
fn a_connection_without_a_vanity_name_matches_by_profile_url() {
    let now = T0 + HOUR;
    let previous = [sent("1", "jane-doe-42", "1 day ago")];
    let gone = departures(&previous, &[], T0, |_| None, |_| false);
    // No vanity name: the profile URL, however written, is the same person.
    for url in ["https://www.linkedin.com/in/jane-doe-42/", "https://linkedin.com/in/Jane-Doe-42", "http://www.linkedin.com/in/jane-doe-42?trk=x"] {
        let c = connection(None, Some(url), now);
        assert!(gone[0].matches(&c), "{url}");
    }
    assert!(!gone[0].matches(&connection(None, Some("https://www.linkedin.com/in/jane-doe-421"), now)));
    assert!(!gone[0].matches(&connection(None, None, now)), "no identity at all matches nobody");
    // An invitation whose profile lacks the public identifier: the one in its URL.
    let bare: SentInvitation = serde_json::from_value(json!({"invitationId": "2",
        "profile": {"firstName": "Bo", "profileUrl": "https://www.linkedin.com/in/bo-7/"}})).unwrap();
    let d = Departure::of(&bare, None, T0);
    assert_eq!(d.vanity.as_deref(), Some("bo-7"));
    assert!(d.matches(&connection(Some("BO-7"), None, now)));
    // Vanity names that differ, but the same profile URL: the same person.
    let moved = connection(Some("jane-d"), Some("https://www.linkedin.com/in/jane-doe-42"), now);
    assert!(gone[0].matches(&moved));
    let c = check(&gone, vec![vec![connection(None, Some("https://www.linkedin.com/in/jane-doe-42/"), now)]], now);
    assert_eq!(c.outcome(&gone[0]), Outcome::Accepted);
}

#[test]
fn the_check_reads_at_most_three_pages_and_stops_at_older_ones() {
    let now = T0 + HOUR;
    let gone = departures(&[sent("1", "ava", "1 day ago")], &[], T0, |_| None, |_| false);
    let recent = |n: usize| (0..n).map(|i| connection(Some(&format!("p{i}")), None, now)).collect::<Vec<_>>();
    // Many new connections, none of them ava: three pages, then gone.
    let c = check(&gone, vec![recent(12), recent(12), recent(12), recent(12)], now);
    assert_eq!((c.pages(), c.outcome(&gone[0])), (3, Outcome::Gone));
    // A page whose dated connections are all older than the previous sync ends it.
    let old = (0..12).map(|i| connection(Some(&format!("o{i}")), None, T0 - 30.0 * DAY_MS)).collect::<Vec<_>>();
    let c = check(&gone, vec![recent(12), old, recent(12)], now);
    assert_eq!(c.pages(), 2);
    // The end of the list ends it: `endOfList`, an empty page, or a short page where
    // the API says nothing of the end.
    let mut c = ConnectionCheck::new(T0);
    c.accept(recent(3), 3, Some(false), now);
    assert_eq!(c.next_start(), Some(3), "a short page mid-list (newer edition) goes on");
    c.accept(vec![], 0, Some(true), now);
    assert_eq!(c.next_start(), None);
    let mut c = ConnectionCheck::new(T0);
    c.accept(recent(5), 5, None, now);
    assert_eq!(c.next_start(), None, "a short page of the older edition is the end");
    // Undated connections never end it early.
    let mut c = ConnectionCheck::new(T0);
    let undated: Vec<Connection> = (0..12).map(|i| serde_json::from_value(json!({"vanityName": format!("u{i}")})).unwrap()).collect();
    c.accept(undated, 12, Some(false), now);
    assert_eq!(c.next_start(), Some(12));
    // Nothing left: nothing to look for, nothing read.
    assert!(ConnectionCheck::new(T0).found_all(&[]));
}

#[test]
fn a_history_is_trimmed_at_180_days_and_read_back_for_its_account_only() {
    let mut history = History::new("acct", T0);
    for (i, days) in [200.0, 181.0, 179.0, 3.0].into_iter().enumerate() {
        let d = Departure::of(&sent(&i.to_string(), "p", "1 week ago"), None, T0 - days * DAY_MS);
        history.record(&[d], None, T0 - days * DAY_MS);
    }
    history.trim(T0);
    assert_eq!(history.entries.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(), ["2", "3"]);
    assert_eq!(history.checks, 4);
    // Stored and read back; another account (an account change) or schema: no history.
    history.quota = Some(StoredQuota { used: 37, limit: 90, window: Some("weekly".into()), reset_at_ms: Some(T0 as u64), read_at_ms: 5 });
    let stored = serde_json::to_value(&history).unwrap();
    assert_eq!(stored["schema"], json!(HISTORY_SCHEMA));
    assert_eq!(stored["entries"][0]["outcome"], json!("unchecked"));
    assert_eq!(History::read(&stored, "acct"), Some(history.clone()));
    assert_eq!(History::read(&stored, "other"), None);
    let mut newer = stored.clone();
    newer["schema"] = json!(2);
    assert_eq!(History::read(&newer, "acct"), None);
    for garbage in [json!(null), json!("x"), json!([stored.clone()]), json!({"account": "acct"})] {
        assert_eq!(History::read(&garbage, "acct"), None, "{garbage}");
    }
    // Read leniently: an unreadable entry is left out, an unsafe link dropped, a
    // damaged quota absent, the rest kept.
    let mut odd = stored;
    odd["entries"][0]["outcome"] = json!("maybe");
    odd["entries"][1]["url"] = json!("javascript:alert(1)");
    odd["quota"] = json!("lots");
    let read = History::read(&odd, "acct").unwrap();
    assert_eq!((read.entries.len(), read.entries[0].url.clone(), read.quota.clone()), (1, None, None));
    // Too many entries: the oldest go.
    let mut big = History::new("acct", T0);
    let d = Departure::of(&sent("x", "p", "1 day ago"), None, T0);
    big.entries = (0..MAX_ENTRIES + 5).map(|i| Entry { id: i.to_string(), ..big_entry(&d) }).collect();
    big.trim(T0);
    assert_eq!((big.entries.len(), big.entries[0].id.as_str()), (MAX_ENTRIES, "5"));
}

fn big_entry(d: &Departure) -> Entry {
    Entry { id: d.id.clone(), name: d.name.clone(), url: None, first_seen_ms: 1, sent_ms: 1, left_ms: T0 as u64, outcome: Outcome::Gone }
}

#[test]
fn the_invitation_quota_is_the_weekly_connection_entry() {
    let quota: Quota = serde_json::from_value(json!({"accountId": "a", "quotas": [
        {"feature": "WITHDRAW_INVITATION", "window": "daily", "used": 3, "limit": 50},
        {"feature": "CONNECT", "window": "daily", "used": 9, "limit": 30},
        {"feature": "CONNECT", "window": "weekly", "used": 37, "limit": 100, "linkedinLimit": 90, "resetAt": "2026-12-07 00:00:00+00:00"},
    ]})).unwrap();
    let q = StoredQuota::from_quota(&quota, T0).unwrap();
    assert_eq!((q.used, q.limit, q.window.as_deref()), (37, 90, Some("weekly")), "LinkedIn's limit first");
    assert_eq!(q.reset_at_ms, Some(1_796_601_600_000));
    // Only the service's limit, and `remaining` for `used`: still a quota.
    let quota: Quota = serde_json::from_value(json!({"quotas": [{"feature": "send_invitation", "limit": 100, "remaining": 60}]})).unwrap();
    let q = StoredQuota::from_quota(&quota, T0).unwrap();
    assert_eq!((q.used, q.limit, q.window), (40, 100, None));
    // No invitation entry, or one without a limit: none.
    let quota: Quota = serde_json::from_value(json!({"quotas": [{"feature": "RESPOND_INVITATION", "used": 1, "limit": 100},
        {"feature": "CONNECT", "used": 4}]})).unwrap();
    assert_eq!(StoredQuota::from_quota(&quota, T0), None);
}
