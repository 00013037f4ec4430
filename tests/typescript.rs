//! The TypeScript declarations `tsify` generates from the Rust types (emitted into
//! `pkg/pending_core.d.ts`), which the extension's JavaScript is checked against: every
//! type a declaration names is declared, maps are plain objects and numbers are
//! `number`s (values cross as JSON-compatible data), and the key declarations keep the
//! names and shapes the pages use, so a Rust rename that would break them fails here.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::disallowed_types, clippy::disallowed_methods, clippy::disallowed_macros)] // size rules bind the crate, not its tests

use pending_core::api::{actions, config, decode, error, models, sync};
use pending_core::app::{self, alerts, protocol, queue, refresh};
use pending_core::{store, view};
use tsify::Tsify;

/// Every generated declaration.
fn generated() -> Vec<&'static str> {
    vec![
        models::Profile::DECL,
        models::SentInvitation::DECL,
        models::ReceivedInvitation::DECL,
        models::Connection::DECL,
        models::Account::DECL,
        error::ErrorReport::DECL,
        error::Invalid::DECL,
        decode::Skips::DECL,
        sync::Skipped::DECL,
        sync::Counts::DECL,
        sync::Cost::DECL,
        sync::Snapshot::DECL,
        sync::Summary::DECL,
        sync::PartialLists::DECL,
        store::Stamped::<'static>::DECL,
        store::StampedFirstScreen::<'static>::DECL,
        store::Settings::DECL,
        store::Status::DECL,
        store::StoredProgress::DECL,
        store::history::Outcome::DECL,
        store::history::Entry::DECL,
        store::history::StoredQuota::DECL,
        store::acceptance::Week::DECL,
        store::acceptance::HistoryRow::DECL,
        store::acceptance::Health::DECL,
        store::acceptance::AcceptanceView::DECL,
        config::KeyDestination::DECL,
        view::Row::DECL,
        view::ViewQuery::DECL,
        view::ListName::DECL,
        view::Freshness::DECL,
        view::TabCount::DECL,
        view::ErrorNote::DECL,
        view::Shown::DECL,
        view::AgeBucket::DECL,
        view::Bar::DECL,
        view::AgeChart::DECL,
        alerts::Alert::DECL,
        alerts::AlertItem::DECL,
        app::Badge::DECL,
        app::StatusView::DECL,
        app::ActionsView::DECL,
        queue::RunProgress::DECL,
        queue::RunState::DECL,
        queue::Stop::DECL,
        queue::StopReason::DECL,
        queue::Named::DECL,
        queue::Summary::DECL,
        actions::QuotaEntry::DECL,
        actions::ItemReason::DECL,
        refresh::DailyCost::DECL,
        protocol::Request::DECL,
        protocol::RefreshRequest::DECL,
        protocol::ConnectionsRequest::DECL,
        protocol::TestRequest::DECL,
        protocol::ActRequest::DECL,
        protocol::AllowanceRequest::DECL,
        protocol::Reply::DECL,
    ]
}

/// The types declared by hand (`typescript_custom_section`) beside their hand-written
/// `Serialize`: `models::Category`, `sync::CategoryCounts`, `actions::ActionKind`,
/// `actions::CapKind`.
const HAND_DECLARED: &[&str] = &["Category", "CategoryCounts", "ActionKind", "CapKind"];

/// A declaration without its doc comments, on one line, single-spaced.
fn bare(decl: &str) -> String {
    let mut text = String::new();
    let mut rest = decl;
    while let Some(i) = rest.find("/**") {
        text.push_str(&rest[..i]);
        let end = rest[i..].find("*/").expect("a closed comment");
        rest = &rest[i + end + 2..];
    }
    text.push_str(rest);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The name a declaration declares.
fn declared_name(decl: &str) -> String {
    let bare = bare(decl);
    let rest = bare.strip_prefix("export interface ").or_else(|| bare.strip_prefix("export type ")).expect("an exported declaration");
    rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect()
}

/// The type names a declaration refers to (string literals left out).
fn referenced(decl: &str) -> Vec<String> {
    let bare = bare(decl);
    let code: String = bare.split('"').step_by(2).collect::<Vec<_>>().join(" ");
    let mut out = Vec::new();
    let mut word = String::new();
    for c in code.chars().chain([' ']) {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
        } else if !word.is_empty() {
            let w = std::mem::take(&mut word);
            // TypeScript's own utility types are not ours to declare.
            if w.starts_with(|c: char| c.is_ascii_uppercase()) && !["Record", "Partial"].contains(&w.as_str()) {
                out.push(w);
            }
        }
    }
    out
}

fn find(name: &str) -> String {
    let all = generated();
    let decl = all.iter().find(|d| declared_name(d) == name).unwrap_or_else(|| panic!("{name} is declared"));
    bare(decl)
}

#[test]
fn every_referenced_type_is_declared_once() {
    let mut names: Vec<String> = generated().iter().map(|d| declared_name(d)).collect();
    names.extend(HAND_DECLARED.iter().map(|n| n.to_string()));
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), names.len(), "a TypeScript name is declared twice: {names:?}");
    for decl in generated() {
        for r in referenced(decl) {
            assert!(names.contains(&r), "{} refers to `{r}`, which is not declared", declared_name(decl));
        }
    }
}

#[test]
fn values_are_declared_as_json_compatible_data() {
    for decl in generated() {
        let bare = bare(decl);
        for bad in ["Map<", "bigint", "undefined", "null"] {
            assert!(!bare.contains(bad), "{} declares `{bad}`: {bare}", declared_name(decl));
        }
    }
}

#[test]
fn key_declarations_keep_their_shapes() {
    let expected = [
        "export interface ApiError { kind: string; status?: number; message: string; retryAt?: number; reason?: Invalid; apiMessage?: string; }",
        "export type Invalid = \"api_key_empty\" | \"api_key_characters\" | \"base_url_scheme\" | \"base_url_port\" | \"base_url_shape\" \
         | \"base_url_http\" | \"account_id\" | \"limits\" | \"no_key\" | \"no_snapshot\" | \"no_writes\" | \"busy\" | \"nothing_to_do\" \
         | \"missing_field\" | \"request\" | \"argument\";",
        "export interface SentInvitation { invitationId: string; invitationUrn?: string; memberId?: string; memberUrn?: string; \
         sentAt?: string; message?: string; profile: Profile; ageSecs?: number; }",
        "export interface ReceivedInvitation { invitationId: string; invitationUrn?: string; memberId?: string; memberUrn?: string; \
         invitationCategory: Category; linkedInInvitationType?: string; validationToken?: string; receivedAt?: string; \
         companyName?: string; newsletterName?: string; customMessage?: string; message?: string; profile: Profile; ageSecs?: number; }",
        "export interface Account { id: string; firstName?: string; lastName?: string; publicId?: string; picture?: string; \
         status?: string; enabled?: boolean; apiSeatAllocated?: boolean; attention?: string; usable: boolean; }",
        "export interface Counts { sent: number; received: number; receivedByCategory: CategoryCounts; }",
        "export interface Skipped { sent: Skips; received: Skips; }",
        "export interface Snapshot { takenAtMs: number; sentTakenAtMs: number; accountId?: string; skipped: Skipped; counts: Counts; \
         sent: SentInvitation[]; received: ReceivedInvitation[]; connectionCount?: number; cost: Cost; partial?: PartialLists; }",
        "export interface SnapshotSummary { takenAtMs: number; accountId?: string; skipped: Skipped; counts: Counts; connectionCount?: number; \
         partial?: PartialLists; }",
        "export interface PartialLists { sent?: boolean; received?: boolean; }",
        "export interface TabCount { n: number; soFar: boolean; }",
        "export interface ErrorNote { of: \"sync\" | \"connections\"; shown?: Shown; }",
        "export type Shown = \"saved\" | \"soFar\" | \"nothingSaved\" | \"noConnections\" | \"connections\";",
        "export interface StoredSnapshot extends Snapshot { schema: number; account: string; }",
        "export interface StoredFirstScreen { schema: number; account: string; summary: SnapshotSummary; rows: Row[]; }",
        "export interface Row { id: string; name: string; url?: string; headline?: string; time?: string; ageSecs?: number; \
         firstSeenDays?: number; category?: string; company?: string; newsletter?: string; message?: string; actionable: boolean; }",
        "export interface ViewQuery { search?: string; category?: string; olderThanWeeks?: number; bucket?: AgeBucket; \
         order?: \"server\" | \"newest\" | \"oldest\"; }",
        "export type ListName = \"sent\" | \"received\" | \"connections\";",
        "export interface Status { schema: number; state: \"syncing\" | \"ok\" | \"error\"; at?: number; startedAt?: number; \
         reason?: string; scope?: \"received\" | \"all\"; progress?: StoredProgress; error?: ApiError; }",
        "export interface StatusView { state: \"idle\" | \"syncing\" | \"ok\" | \"error\"; progress?: StoredProgress; error?: ApiError; blocking: boolean; }",
        "export interface ActionsView { state: RunState; progress: RunProgress; summary: Summary; }",
        "export interface Summary { state: RunState; kind?: ActionKind; total: number; done: number; alreadyGone: number; failed: number; \
         unknown: number; notSent: number; stop?: Stop; failures: Named[]; unknowns: Named[]; gone: Named[]; }",
        "export interface Named { name: string; invitationId: string; reason?: ItemReason; status?: number; detail?: string; }",
        "export interface Stop { reason: StopReason; cap?: CapKind; untilMs?: number; message?: string; }",
        "export interface RunProgress { state: RunState; handled: number; total: number; current?: string; kind?: ActionKind; \
         heldUntilMs?: number; pacedUntilMs?: number; }",
        "export interface Alert { items: AlertItem[]; count: number; names: string[]; more: boolean; }",
        "export interface Skips { count: number; paths: string[]; }",
        "export interface Bar { bucket: AgeBucket; count: number; }",
        "export type Request = ({ type: \"refresh\" } & RefreshRequest) | ({ type: \"connections\" } & ConnectionsRequest) \
         | ({ type: \"test\" } & TestRequest) | { type: \"testTrap\" } | ({ type: \"act\" } & ActRequest) \
         | { type: \"stopActions\" } | ({ type: \"allowance\" } & AllowanceRequest);",
        "export interface RefreshRequest { reason?: \"popup\" | \"button\"; }",
        "export interface ConnectionsRequest { startIndex?: number; limit?: number; sortBy?: \"recentlyAdded\" | \"firstName\" | \"lastName\"; }",
        "export interface TestRequest { settings?: Partial<Settings>; }",
        "export interface ActRequest { action: ActionKind; ids?: string[]; }",
        "export interface AllowanceRequest { action: ActionKind; }",
        "export type Reply = { type: \"done\" } | { type: \"page\"; items: Connection[]; startIndex: number; nextStartIndex: number; \
         done: boolean; accountId?: string; skipped: Skips } | { type: \"accounts\"; accounts: Account[] } | { type: \"armed\" } \
         | { type: \"started\"; total: number } | { type: \"allowance\"; remaining: number; cap: number; resetsAtMs: number; \
         quota?: QuotaEntry } | { type: \"error\"; error: ApiError };",
    ];
    for want in expected {
        let want = want.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(find(&declared_name(&want)), want);
    }
}

#[test]
fn stored_errors_have_the_shape_of_api_errors() {
    // `store::StoredError` is declared as `ApiError` wherever it is written.
    let stored = store::StoredError {
        kind: "invalid_input".into(),
        status: Some(500),
        message: "m".into(),
        retry_at: Some(7.0),
        reason: Some(error::Invalid::NoKey),
        api_message: Some("a".into()),
    };
    let report = error::ErrorReport {
        kind: "invalid_input",
        status: Some(500),
        message: "m".into(),
        retry_at: Some(7),
        reason: Some(error::Invalid::NoKey),
        api_message: Some("a".into()),
    };
    assert_eq!(serde_json::to_value(stored).unwrap(), serde_json::to_value(report).unwrap());
}
