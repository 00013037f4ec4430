//! The rows, search, filters, orders, CSV, labels and the held lists of the popup.

use super::*;
use crate::api::models::{ReceivedInvitation, SentInvitation};
use crate::api::sync::{Counts, Snapshot};
use serde_json::json;

fn sent(id: &str, first: &str, headline: &str, sent_at: &str) -> SentInvitation {
    let mut s: SentInvitation = serde_json::from_value(json!({
        "invitationId": id, "sentAt": sent_at,
        "profile": {"firstName": first, "lastName": "X", "headline": headline, "profileUrl": format!("https://www.linkedin.com/in/{id}")}
    }))
    .unwrap();
    crate::api::models::Aged::stamp_age(&mut s, 1e12);
    s
}

fn rows() -> Vec<Row> {
    [
        sent("1", "Ava", "Founder at Northwind", "2 days ago"),
        sent("2", "Ben", "Recruiter", "5 weeks ago"),
        sent("3", "Chloé", "CTO at Northwind", "whenever"),
        sent("4", "Dmitri", "VP Sales", "3 weeks ago"),
    ]
    .iter()
    .map(Row::from)
    .collect()
}

fn ids(rows: &[Row]) -> Vec<&str> {
    rows.iter().map(|r| r.id.as_str()).collect()
}

#[test]
fn search_matches_name_headline_company_case_insensitively() {
    let q = |s: &str| ViewQuery { search: s.into(), ..ViewQuery::default() };
    assert_eq!(ids(&apply(rows(), &q("northWIND"))), ["1", "3"]);
    assert_eq!(ids(&apply(rows(), &q("chloé"))), ["3"]);
    assert_eq!(ids(&apply(rows(), &q("  "))), ["1", "2", "3", "4"]);
    assert!(apply(rows(), &q("zzz")).is_empty());
}

#[test]
fn older_than_and_ordering() {
    let q = ViewQuery { older_than_weeks: Some(3), order: Order::Oldest, ..ViewQuery::default() };
    assert_eq!(ids(&apply(rows(), &q)), ["2", "4"], "unknown ages are not 'older than'");
    let q = ViewQuery { order: Order::Newest, ..ViewQuery::default() };
    assert_eq!(ids(&apply(rows(), &q)), ["1", "4", "2", "3"]);
    let q = ViewQuery { order: Order::Oldest, ..ViewQuery::default() };
    assert_eq!(ids(&apply(rows(), &q)), ["2", "4", "1", "3"]);
}

#[test]
fn category_filter_uses_count_keys() {
    let items: Vec<ReceivedInvitation> = ["CONNECTION", "ORGANIZATION", "SOMETHING_NEW"]
        .iter()
        .enumerate()
        .map(|(i, c)| serde_json::from_value(json!({"invitationId": i.to_string(), "invitationCategory": c})).unwrap())
        .collect();
    let rows: Vec<Row> = items.iter().map(Row::from).collect();
    let q = |c: &str| ViewQuery { category: Some(c.into()), ..ViewQuery::default() };
    assert_eq!(ids(&apply(rows.clone(), &q("ORGANIZATION"))), ["1"]);
    assert_eq!(ids(&apply(rows.clone(), &q("OTHER"))), ["2"]);
    assert_eq!(ids(&apply(rows, &q(""))), ["0", "1", "2"]);
}

#[test]
fn rows_say_whether_their_action_can_be_sent() {
    let from = |v: serde_json::Value| serde_json::from_value::<SentInvitation>(v).unwrap();
    let no_profile = Row::from(&from(json!({"invitationId": "1", "profile": null})));
    let with_id = Row::from(&from(json!({"invitationId": "2", "profile": {"publicIdentifier": "ana"}})));
    assert_eq!((no_profile.actionable, no_profile.name.as_str()), (false, ""));
    assert!(with_id.actionable);
    let received = |v: serde_json::Value| Row::from(&serde_json::from_value::<ReceivedInvitation>(v).unwrap());
    let full = json!({"invitationId": "3", "invitationCategory": "CONNECTION", "memberId": "ACoAA1", "validationToken": "t",
        "linkedInInvitationType": "CONNECTION", "profile": {"firstName": "Ana", "lastName": "B"}});
    assert!(received(full.clone()).actionable);
    let mut no_token = full;
    no_token["validationToken"] = json!(null);
    assert!(!received(no_token).actionable);
    // Bulk actions take only the rows that can be sent; the flag survives the stored first screen.
    let mut v = ListView::default();
    v.set_rows(vec![no_profile.clone(), with_id.clone()]);
    assert_eq!(v.shown().filter(|r| r.actionable).count(), 1);
    let back: Row = serde_json::from_value(serde_json::to_value(&with_id).unwrap()).unwrap();
    assert_eq!(back, with_id);
}

#[test]
fn rows_link_only_safe_urls_and_keep_markup_as_text() {
    let r: ReceivedInvitation = serde_json::from_value(json!({
        "invitationId": "9", "invitationCategory": "CONNECTION",
        "profile": {"firstName": "<img src=x onerror=alert(1)>", "profileUrl": "javascript:alert(1)"}
    }))
    .unwrap();
    let row = Row::from(&r);
    assert_eq!(row.name, "<img src=x onerror=alert(1)>");
    assert_eq!(row.url, None);
    let ok = Row::from(&sent("7", "A", "", "1 day ago"));
    assert_eq!(ok.url.as_deref(), Some("https://www.linkedin.com/in/7"));
}

#[test]
fn csv_quotes_and_guards_formulas() {
    let row = Row {
        id: "1".into(),
        name: "Doe, \"JD\" John".into(),
        url: Some("https://www.linkedin.com/in/jd".into()),
        headline: Some("=HYPERLINK(\"http://evil\")".into()),
        time: Some("2 days ago".into()),
        age_secs: None,
        first_seen_days: None,
        category: Some("CONNECTION".into()),
        company: None,
        newsletter: Some("Weekly".into()),
        message: Some("line one\nline two".into()),
        actionable: false,
    };
    let csv = to_csv(&[row]);
    assert_eq!(
        csv,
        "Name,Profile URL,Headline,Time,Category,Company,Newsletter,Message\r\n\
         \"Doe, \"\"JD\"\" John\",\"https://www.linkedin.com/in/jd\",\"'=HYPERLINK(\"\"http://evil\"\")\",\"2 days ago\",\"CONNECTION\",\"\",\"Weekly\",\"line one\nline two\"\r\n"
    );
    assert_eq!(to_csv(&[]).lines().count(), 1);
}

/// The CSV text of one row whose name is `name`, without the header.
fn name_cell(name: &str) -> String {
    let row = Row { id: "1".into(), name: name.into(), url: None, headline: None, time: None, age_secs: None, first_seen_days: None, category: None, company: None, newsletter: None, message: None, actionable: false };
    let csv = to_csv(&[row]);
    let line = csv.split_once("\r\n").unwrap().1;
    line.split_once(",\"\",").map(|(first, _)| first.to_string()).unwrap()
}

#[test]
fn csv_guard_looks_past_blanks_and_knows_full_width_signs() {
    for formula in [
        "=1+1", "+1", "-1", "@SUM(A1)", " =1", "\u{A0}=1", "\n=1", "\r\n+1", "\t=1", "\t", "\rx", " \u{A0}\t\n@x",
        "\u{3000}=1", "\u{200B}=1", "\u{FEFF}-1", "\u{FF1D}1", "\u{FF0B}1", "\u{FF0D}1", "\u{FF20}x", " \u{FF1D}HYPERLINK()",
    ] {
        let cell = name_cell(formula);
        assert_eq!(cell, format!("\"'{}\"", formula), "{formula:?} is guarded");
    }
    for plain in ["Ava", "", " ", "a=b", "x-1", "(=)", "\u{A0}Ava", "'=1", "\u{FF21}"] {
        assert_eq!(name_cell(plain), format!("\"{plain}\""), "{plain:?} is left alone");
    }
    assert_eq!(name_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
}

#[test]
fn every_csv_cell_is_quoted() {
    let row = Row {
        id: "1".into(),
        name: "Ava".into(),
        url: Some("https://www.linkedin.com/in/ava".into()),
        headline: Some("CTO".into()),
        time: None,
        age_secs: Some(3),
        first_seen_days: None,
        category: Some("EVENT".into()),
        company: Some("Acme, Inc.".into()),
        newsletter: None,
        message: Some("hi".into()),
        actionable: true,
    };
    let csv = to_csv(&[row]);
    let line = csv.split("\r\n").nth(1).unwrap();
    assert_eq!(line, "\"Ava\",\"https://www.linkedin.com/in/ava\",\"CTO\",\"\",\"EVENT\",\"Acme, Inc.\",\"\",\"hi\"");
    // Eight quoted cells: every field starts and ends with a quote.
    assert_eq!(line.split("\",\"").count(), 8);
}

#[test]
fn badge_caps_at_99_plus() {
    let mut counts = Counts::of(&[], &[]);
    assert_eq!(badge_text(&counts, &[]), "");
    counts.received = 7;
    counts.received_by_category.insert("CONNECTION".into(), 5);
    counts.received_by_category.insert("EVENT".into(), 2);
    assert_eq!(badge_text(&counts, &[]), "7");
    assert_eq!(badge_text(&counts, &["EVENT".into()]), "2");
    counts.received = 100;
    assert_eq!(badge_text(&counts, &[]), "99+");
    counts.received = 99;
    assert_eq!(badge_text(&counts, &[]), "99");
}

#[test]
fn freshness_units() {
    let f = |mins: f64| freshness(0.0, mins * 60_000.0);
    assert_eq!(f(0.5), Freshness { unit: "now", n: 0 });
    assert_eq!(f(5.0), Freshness { unit: "minutes", n: 5 });
    assert_eq!(f(125.0), Freshness { unit: "hours", n: 2 });
    assert_eq!(f(3.0 * 1440.0), Freshness { unit: "days", n: 3 });
    assert_eq!(f(-10.0), Freshness { unit: "now", n: 0 }, "clock skew");
}

#[test]
fn search_ignores_case_and_latin_accents() {
    assert_eq!(fold("Müller ÉLODIE Łukasz Øre Straße İpek"), "muller elodie lukasz ore strase ipek");
    assert_eq!(fold("ΑΘΗΝΑ Москва ЁЖ"), "αθηνα москва ёж");
    assert_eq!(fold("2×3 漢字 😀"), "2×3 漢字 😀");
    let rows = [sent("1", "Zoë", "Head of Talent", "1 day ago"), sent("2", "Zoe", "CTO", "1 day ago")];
    let rows: Vec<Row> = rows.iter().map(Row::from).collect();
    for q in ["zoe", "ZOË", "zoë"] {
        let got = apply(rows.clone(), &ViewQuery { search: q.into(), ..ViewQuery::default() });
        assert_eq!(got.len(), 2, "{q}");
    }
}

// ---- the view model (ListView, Views) ----

/// What `apply` did before views were held: filter every row anew, fold every field
/// anew, then sort. The reference the view model is checked against.
fn reference(rows: &[Row], query: &ViewQuery) -> Vec<String> {
    let needle = fold(query.search.trim());
    let category = query.category.as_deref().filter(|c| !c.is_empty());
    let min_age = query.older_than_weeks.filter(|w| *w > 0).map(|w| w * 7 * 86_400);
    let mut kept: Vec<(u64, usize, &Row)> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| category.is_none_or(|c| r.category.as_deref() == Some(c)))
        .filter(|(_, r)| min_age.is_none_or(|m| r.age_secs.is_some_and(|a| a >= m)))
        .filter(|(_, r)| query.bucket.is_none_or(|b| b.contains(r.age_secs)))
        .filter(|(_, r)| {
            needle.is_empty()
                || [Some(&r.name), r.headline.as_ref(), r.company.as_ref(), r.newsletter.as_ref()]
                    .into_iter()
                    .flatten()
                    .any(|f| fold(f).contains(&needle))
        })
        .map(|(i, r)| {
            let key = match (query.order, r.age_secs) {
                (Order::Server, _) => 0,
                (_, None) => u64::MAX,
                (Order::Newest, Some(a)) => u64::from(a),
                (Order::Oldest, Some(a)) => u64::from(u32::MAX - a),
            };
            (key, i, r)
        })
        .collect();
    kept.sort_by_key(|(k, i, _)| (*k, *i));
    kept.into_iter().map(|(_, _, r)| r.id.clone()).collect()
}

const FIRST: [&str; 8] = ["Ava", "Ben", "Chloé", "Dmitri", "Élodie", "Zoë", "Łukasz", "Søren"];
const LAST: [&str; 6] = ["Andersen", "Müller", "García", "Van Dijk", "Nakamura", "ANDERSSON"];
const TITLES: [&str; 5] = ["Founder & CEO", "Head of Talent", "CTO at Northwind", "VP Sales at Acme", "Investor"];
const CATS: [&str; 6] = ["CONNECTION", "ORGANIZATION", "NEWSLETTER", "EVENT", "MEMBER_FOLLOW", "OTHER"];

/// `n` varied rows: accented names, some without headline or age, categories,
/// companies and newsletters, safe and unsafe links.
fn many(n: usize) -> Vec<Row> {
    (0..n)
        .map(|i| Row {
            id: i.to_string(),
            name: format!("{} {}", FIRST[i % FIRST.len()], LAST[(i / 3) % LAST.len()]),
            url: (i % 4 != 0).then(|| format!("https://www.linkedin.com/in/p{i}")),
            headline: (i % 5 != 0).then(|| TITLES[i % TITLES.len()].to_string()),
            time: Some("2 weeks ago".into()),
            age_secs: (i % 7 != 0).then(|| ((i * 7919) % 90) as u32 * 86_400),
            first_seen_days: None,
            category: Some(CATS[i % CATS.len()].to_string()),
            company: (i % 6 == 1).then(|| "Blue Harbor".to_string()),
            newsletter: (i % 6 == 2).then(|| "Quartz Weekly".to_string()),
            message: (i % 3 == 0).then(|| "=1+1 hello".to_string()),
            actionable: i % 10 != 9,
        })
        .collect()
}

fn shown_ids(v: &ListView) -> Vec<String> {
    v.shown().map(|r| r.id.clone()).collect()
}

#[test]
fn a_held_view_matches_filtering_from_scratch_keystroke_by_keystroke() {
    let rows = many(600);
    let mut view = ListView::new();
    view.set_rows(rows.clone());
    let mut query = ViewQuery::default();
    // Typing on (narrowing), deleting (widening), a new word, accents either way,
    // and filters and orders changing in between.
    let steps: Vec<fn(&mut ViewQuery)> = vec![
        |q| q.search = "a".into(),
        |q| q.search = "an".into(),
        |q| q.search = "and".into(),
        |q| q.search = "ande".into(),
        |q| q.search = "andersen".into(),
        |q| q.search = "anders".into(),
        |q| q.order = Order::Newest,
        |q| q.search = "andersson".into(),
        |q| q.search = "".into(),
        |q| q.older_than_weeks = Some(4),
        |q| q.search = "mu".into(),
        |q| q.search = "mül".into(),
        |q| q.search = "MULLER".into(),
        |q| q.order = Order::Oldest,
        |q| q.search = " zoe ".into(),
        |q| q.older_than_weeks = None,
        |q| q.category = Some("ORGANIZATION".into()),
        |q| q.search = "blue".into(),
        |q| q.search = "blue harbor".into(),
        |q| q.category = Some("NEWSLETTER".into()),
        |q| q.search = "weekly".into(),
        |q| q.category = Some(String::new()),
        |q| q.search = "cto at".into(),
        |q| q.search = "at\u{0}x".into(),
        |q| q.order = Order::Server,
        |q| q.search = "łukasz".into(),
        |q| q.search = "".into(),
        |q| q.bucket = Some(AgeBucket::ThisWeek),
        |q| q.bucket = None,
        |q| q.bucket = Some(AgeBucket::Older),
    ];
    for (n, step) in steps.iter().enumerate() {
        step(&mut query);
        let count = view.set_query(query.clone());
        let want = reference(&rows, &query);
        assert_eq!(shown_ids(&view), want, "step {n}: {query:?}");
        assert_eq!(count, want.len());
        assert_eq!(view.total(), rows.len());
    }
    assert_eq!(view.query(), &query);
}

#[test]
fn a_match_never_spans_two_fields() {
    let mut row = many(1).remove(0);
    row.name = "Ava Brown".into();
    row.headline = Some("CTO".into());
    let mut view = ListView::new();
    view.set_rows(vec![row]);
    assert_eq!(view.set_query(ViewQuery { search: "brown".into(), ..ViewQuery::default() }), 1);
    assert_eq!(view.set_query(ViewQuery { search: "browncto".into(), ..ViewQuery::default() }), 0);
    assert_eq!(view.set_query(ViewQuery { search: "brown\u{0}cto".into(), ..ViewQuery::default() }), 0);
}

#[test]
fn slices_are_clamped_and_in_the_order_shown() {
    let mut view = ListView::new();
    view.set_rows(many(50));
    view.set_query(ViewQuery { order: Order::Newest, ..ViewQuery::default() });
    let all = shown_ids(&view);
    let ids = |rows: Vec<&Row>| rows.into_iter().map(|r| r.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(view.slice(0, 5)), all[..5]);
    assert_eq!(ids(view.slice(45, 60)), all[45..]);
    assert!(view.slice(60, 70).is_empty());
    assert!(view.slice(10, 5).is_empty());
    assert_eq!(ids(view.slice(0, usize::MAX)), all);
}

#[test]
fn csv_holds_exactly_the_shown_rows() {
    let rows = many(300);
    let mut view = ListView::new();
    view.set_rows(rows.clone());
    let query = ViewQuery { search: "müller".into(), order: Order::Oldest, ..ViewQuery::default() };
    let n = view.set_query(query.clone());
    assert!(n > 0 && n < 300);
    let csv = view.csv();
    assert_eq!(csv, to_csv(&apply(rows, &query)));
    assert_eq!(csv.matches("\r\n").count(), n + 1, "the header and one line per shown row");
    assert!(csv.contains("\"'=1+1 hello\""), "formulas stay guarded");
    view.set_query(ViewQuery { search: "nobody".into(), ..ViewQuery::default() });
    assert_eq!(view.csv().lines().count(), 1);
}

#[test]
fn pages_added_while_scrolling_are_filtered_like_the_rest() {
    let rows = many(120);
    let query = ViewQuery { search: "ava".into(), ..ViewQuery::default() };
    let mut paged = ListView::new();
    paged.set_query(query.clone());
    for page in rows.chunks(12) {
        paged.add_rows(page.to_vec());
    }
    assert_eq!(shown_ids(&paged), reference(&rows, &query));
    assert_eq!(paged.total(), 120);
    // In another order the whole list is filtered again.
    let newest = ViewQuery { order: Order::Newest, ..query };
    paged.set_query(newest.clone());
    paged.add_rows(many(130).split_off(120));
    let all = many(130);
    assert_eq!(shown_ids(&paged), reference(&all, &newest));
}

#[test]
fn thirty_thousand_rows() {
    let rows = many(30_000);
    let mut view = ListView::new();
    view.set_rows(rows.clone());
    assert_eq!(view.count(), 30_000);
    let last = view.slice(29_999, 30_000);
    assert_eq!(last.first().map(|r| r.id.as_str()), Some("29999"));
    for search in ["s", "so", "sør", "soren", "soren van", "e", "el", "elodie"] {
        let query = ViewQuery { search: search.into(), ..ViewQuery::default() };
        let n = view.set_query(query.clone());
        assert_eq!(shown_ids(&view), reference(&rows, &query), "{search}");
        assert!(n > 0, "{search}");
    }
    let query = ViewQuery { order: Order::Newest, older_than_weeks: Some(2), ..ViewQuery::default() };
    view.set_query(query.clone());
    assert_eq!(shown_ids(&view), reference(&rows, &query));
    assert_eq!(view.csv().matches("\r\n").count(), view.count() + 1);
}

#[test]
fn a_primed_view_shows_its_first_rows_until_the_list_arrives() {
    let rows = many(100);
    let mut view = ListView::new();
    view.prime(rows[..10].to_vec(), 100);
    assert!(view.is_primed());
    assert_eq!((view.count(), view.total()), (100, 100));
    assert_eq!(view.slice(0, 40).len(), 10, "only the stored rows");
    // A query set meanwhile waits for the whole list.
    let query = ViewQuery { search: "zoe".into(), ..ViewQuery::default() };
    assert_eq!(view.set_query(query.clone()), 100);
    view.set_rows(rows.clone());
    assert!(!view.is_primed());
    assert_eq!(shown_ids(&view), reference(&rows, &query));
}

fn snapshot_of(names: &[&str], taken_at_ms: f64) -> Snapshot {
    let sent: Vec<SentInvitation> = names
        .iter()
        .enumerate()
        .map(|(i, n)| sent(&i.to_string(), n, "Recruiter", if i % 2 == 0 { "1 week ago" } else { "2 days ago" }))
        .collect();
    Snapshot {
        taken_at_ms,
        sent_taken_at_ms: taken_at_ms,
        account_id: None,
        skipped: Default::default(),
        counts: Counts::of(&sent, &[]),
        sent,
        received: vec![],
        connection_count: Some(3754),
        cost: crate::api::sync::Cost { requests: 1, pages: 1, retries: 0, duration_ms: 1.0 },
        partial: Default::default(),
    }
}

#[test]
fn the_first_screen_is_stored_when_it_changes_and_removed_without_a_snapshot() {
    let names: Vec<String> = (0..60).map(|i| format!("P{i}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let snap = snapshot_of(&names, 1.7e12);

    let mut views = Views::new();
    assert_eq!(views.show_first_screen(None, false), None);
    let (summary, write) = views.load_snapshot(Some(&snap));
    assert_eq!(summary.as_ref().map(|s| s.counts.sent), Some(60));
    let FirstScreenWrite::Store(first) = write else { panic!("a first screen to store: {write:?}") };
    assert_eq!(first.rows.len(), FIRST_SCREEN_ROWS);
    // The opening order: newest first (the "2 days ago" rows, in server order).
    assert_eq!(first.rows.first().map(|r| r.id.as_str()), Some("1"));
    assert_eq!(first.rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>(), views.list(ListName::Sent).slice(0, 40).iter().map(|r| r.id.clone()).collect::<Vec<_>>());
    // The same snapshot again: nothing to write.
    assert_eq!(views.load_snapshot(Some(&snap)).1, FirstScreenWrite::Keep);

    // The next popup shows it as read back from storage (the store's tests read it
    // back unchanged); the same snapshot then needs no write.
    let mut next = Views::new();
    let shown = next.show_first_screen(Some(first.clone()), true).unwrap();
    assert_eq!(shown.counts.sent, 60);
    let sent = next.list(ListName::Sent);
    assert_eq!((sent.count(), sent.slice(0, 100).len()), (60, 40));
    assert_eq!(next.load_snapshot(Some(&snap)).1, FirstScreenWrite::Keep);
    assert_eq!(next.list(ListName::Sent).slice(0, 100).len(), 60);

    // A newer snapshot: stored anew. No snapshot: removed, once.
    let newer = snapshot_of(&names[..5], 1.8e12);
    assert!(matches!(next.load_snapshot(Some(&newer)).1, FirstScreenWrite::Store(f) if f.rows.len() == 5));
    assert_eq!(next.load_snapshot(None), (None, FirstScreenWrite::Remove));
    assert_eq!(next.load_snapshot(None).1, FirstScreenWrite::Keep);
    assert_eq!(next.list(ListName::Sent).total(), 0);

    // Another account's first screen in storage (which the store reads as none): not
    // shown, and removed when this account has no snapshot (replaced when it has one).
    let mut other = Views::new();
    assert_eq!(other.show_first_screen(None, true), None);
    assert_eq!(other.load_snapshot(None).1, FirstScreenWrite::Remove);
    let mut other = Views::new();
    other.show_first_screen(None, true);
    assert!(matches!(other.load_snapshot(Some(&snap)).1, FirstScreenWrite::Store(_)));
}
