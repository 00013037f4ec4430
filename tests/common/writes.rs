//! The two write endpoints over real `fetch`, against the mock: exact request bodies,
//! already gone, failures, a slow answer that becomes "unknown" and is not repeated,
//! the item gone from the next page, and a paced queue run as the mock counts arrivals.

use super::{sleep_ms, Scenario, MOCK};
use gloo_net::http::Request;
use pending_core::api::actions::{ItemReason, RespondAction, RespondRequest, WithdrawRequest, WriteOutcome};
use pending_core::app::queue::{ActionQueue, NewItem, Step};
use pending_core::store::ActionSettings;
use pending_core::{Error, ReceivedInvitation};
use serde::Deserialize;
use serde_json::{json, Value};

const ACCOUNT: &str = "696ce9e780e0483585e4e553";

/// One write as the mock recorded it.
#[derive(Deserialize, Debug)]
pub struct Write {
    pub endpoint: String,
    pub at: f64,
    pub status: Option<u16>,
    pub body: Value,
}

#[derive(Deserialize)]
struct Writes {
    writes: Vec<Write>,
}

async fn writes(s: &Scenario) -> Vec<Write> {
    let url = s.base_url.replace("/linkedin", "/__writes");
    assert!(url.starts_with(MOCK));
    let resp = Request::get(&url).send().await.expect("mock reachable");
    serde_json::from_str::<Writes>(&resp.text().await.expect("body")).expect("writes JSON").writes
}

fn with_account(s: &Scenario) -> pending_core::Client<pending_core::FetchTransport> {
    s.client_with(|c| c.account_id = Some(ACCOUNT.into()))
}

pub async fn withdraw_and_respond_send_exact_bodies() {
    let s = Scenario::new("sent=3&received=8&eol=1");
    let c = with_account(&s);
    let sent = c.sent_page(0).await.expect("sent page").items;
    let target = &sent[1];
    let req = WithdrawRequest::from_sent(target, None).expect("withdrawable");
    let outcome = c.withdraw(&req).await;
    let name = target.profile.full_name();
    assert_eq!(outcome, WriteOutcome::Done { message: Some(format!("Successfully withdrew invitation to {name}")) });

    let received = c.received_page(0).await.expect("received page").items;
    let connection = received.iter().find(|i| i.invitation_category.as_str() == "CONNECTION").expect("a connection invitation");
    let org = received.iter().find(|i| i.invitation_category.as_str() == "ORGANIZATION").expect("an organization invitation");
    let accept = RespondRequest::from_received(connection, RespondAction::Accept, None).expect("answerable");
    assert!(matches!(c.respond(&accept).await, WriteOutcome::Done { .. }));
    let ignore = RespondRequest::from_received(org, RespondAction::Ignore, None).expect("answerable");
    assert!(matches!(c.respond(&ignore).await, WriteOutcome::Done { .. }));

    let w = writes(&s).await;
    assert_eq!(w.len(), 3);
    assert_eq!((w[0].endpoint.as_str(), w[0].status), ("withdraw", Some(200)));
    assert_eq!(
        w[0].body,
        json!({"profileId": target.profile.public_identifier, "invitationId": target.invitation_id,
               "memberId": target.member_id, "accountId": ACCOUNT})
    );
    let p = &connection.profile;
    assert_eq!(
        w[1].body,
        json!({"action": "ACCEPT", "invitationId": connection.invitation_id, "validationToken": connection.validation_token,
               "linkedInInvitationType": connection.linkedin_invitation_type, "firstName": p.first_name, "lastName": p.last_name,
               "profileId": connection.member_id, "accountId": ACCOUNT})
    );
    assert_eq!(w[2].body["action"], "IGNORE");
    assert!(w[2].body.get("profileId").is_none(), "an organization invitation has no member id");
    assert!(w.iter().all(|w| w.status == Some(200)));

    // The items are gone from the next pages.
    let sent_after = c.sent_page(0).await.unwrap().items;
    assert_eq!(sent_after.len(), 2);
    assert!(sent_after.iter().all(|i| i.invitation_id != target.invitation_id));
    let received_after: Vec<ReceivedInvitation> = c.received_page(0).await.unwrap().items;
    assert_eq!(received_after.len(), 6);
    assert!(received_after.iter().all(|i| i.invitation_id != connection.invitation_id && i.invitation_id != org.invitation_id));
}

pub async fn already_gone_is_done_and_said() {
    let s = Scenario::new("sent=2");
    let c = s.client();
    let item = c.sent_page(0).await.unwrap().items.remove(0);
    let req = WithdrawRequest::from_sent(&item, None).unwrap();
    assert!(matches!(c.withdraw(&req).await, WriteOutcome::Done { .. }));
    let again = c.withdraw(&req).await;
    assert!(
        matches!(&again, WriteOutcome::AlreadyGone { message } if message.starts_with("No pending invitation found")),
        "{again:?}"
    );
    assert!(again.removes_item());
    // The same answer as a fault, on an invitation that is still there: nothing removed.
    let s = Scenario::new("sent=2&fault=gone&on=withdraw");
    let c = s.client();
    let item = c.sent_page(0).await.unwrap().items.remove(0);
    let outcome = c.withdraw(&WithdrawRequest::from_sent(&item, None).unwrap()).await;
    assert_eq!(outcome.kind(), "already_gone");
    assert_eq!(c.sent_page(0).await.unwrap().items.len(), 2);
}

pub async fn write_failures_are_typed_and_never_retried() {
    for (fault, kind) in
        [("500", "server"), ("401", "unauthorized"), ("429&reset=hold&wait=60000", "rate_limited"), ("503", "server")]
    {
        let s = Scenario::new(&format!("sent=2&fault={fault}&on=withdraw"));
        let c = s.client();
        let item = c.sent_page(0).await.unwrap().items.remove(0);
        let outcome = c.withdraw(&WithdrawRequest::from_sent(&item, None).unwrap()).await;
        let WriteOutcome::Failed(e) = &outcome else { panic!("{fault}: {outcome:?}") };
        assert_eq!(e.kind(), kind, "{fault}");
        if kind == "rate_limited" {
            let at = e.retry_at_ms().expect("holdUntil read");
            assert!(at > js_sys::Date::now() + 50_000.0, "{fault}: {at}");
        }
        assert_eq!(writes(&s).await.len(), 1, "{fault}: sent once, never retried");
        assert_eq!(c.sent_page(0).await.unwrap().items.len(), 2, "{fault}: not performed");
    }
    // A wrong field never reaches LinkedIn: the mock's validation answers 400.
    let s = Scenario::new("received=3");
    let c = s.client();
    let item = c.received_page(0).await.unwrap().items.remove(0);
    let mut req = RespondRequest::from_received(&item, RespondAction::Accept, None).unwrap();
    req.validation_token = "wrong".into();
    let outcome = c.respond(&req).await;
    assert!(
        matches!(&outcome, WriteOutcome::Failed(Error::Api { status: 400, message, .. }) if message == "Invalid validation token")
    );
}

pub async fn slow_write_is_unknown_and_not_repeated() {
    // The mock performs the first withdraw after 1.5 s; the client gave up at 400 ms.
    let s = Scenario::new("sent=3&fault=slow&wait=1500&on=withdraw&times=1");
    let c = s.client_with(|c| c.timeout_ms = 400);
    let items = c.sent_page(0).await.unwrap().items;
    let mut q = ActionQueue::new();
    let settings = ActionSettings { jitter_ms: 0, ..ActionSettings::default() };
    let new_items: Vec<NewItem> = items.iter().take(2).map(|i| NewItem::withdraw(i, None)).collect();
    q.start("tag", settings, new_items, js_sys::Date::now(), 1).unwrap();
    let mut outcomes = Vec::new();
    let summary = loop {
        match q.next_step(js_sys::Date::now(), "tag") {
            Step::Wait { ms } => sleep_ms(ms as i32).await,
            Step::Send(order) => {
                let outcome = c.perform(&order.request).await;
                outcomes.push(outcome.kind());
                q.record(order.index, &outcome, js_sys::Date::now());
            }
            Step::Finished(summary) => break summary,
        }
    };
    assert_eq!(outcomes, ["unknown", "done"]);
    assert_eq!((summary.done, summary.unknown), (1, 1));
    // No answer in time: the popup words the code ("… Check LinkedIn before trying again.").
    assert_eq!(summary.unknowns[0].reason, Some(ItemReason::Timeout), "{:?}", summary.unknowns[0]);
    sleep_ms(1_500).await;
    let w = writes(&s).await;
    assert_eq!(w.len(), 2, "the unknown one was not sent again");
    assert_ne!(w[0].body["invitationId"], w[1].body["invitationId"]);
    // It was in fact done: both are gone from the next page.
    assert_eq!(c.sent_page(0).await.unwrap().items.len(), 1);
}

/// Page suite only (about 8 s): a queue run of three withdrawals, 4 s apart (the
/// shortest gap a setting may give), as the mock counts arrivals.
pub async fn queue_paces_writes_as_the_mock_counts_arrivals() {
    let s = Scenario::new("sent=5");
    let c = s.client();
    let items = c.sent_page(0).await.unwrap().items;
    let mut q = ActionQueue::new();
    let settings = ActionSettings { gap_ms: 1_000, jitter_ms: 0, ..ActionSettings::default() };
    let new_items: Vec<NewItem> = items.iter().take(3).map(|i| NewItem::withdraw(i, None)).collect();
    q.start("tag", settings, new_items, js_sys::Date::now(), 1).unwrap();
    let stored = loop {
        // Stored and read back between every step, as the worker does.
        let mut fresh = ActionQueue::read(&serde_json::to_value(&q).unwrap());
        let step = fresh.next_step(js_sys::Date::now(), "tag");
        q = fresh;
        match step {
            Step::Wait { ms } => sleep_ms(ms as i32).await,
            Step::Send(order) => {
                let outcome = c.perform(&order.request).await;
                q.record(order.index, &outcome, js_sys::Date::now());
            }
            Step::Finished(summary) => break summary,
        }
    };
    assert_eq!(stored.done, 3);
    let w = writes(&s).await;
    assert_eq!(w.len(), 3);
    let gaps: Vec<f64> = w.windows(2).map(|p| p[1].at - p[0].at).collect();
    // Clamped to 4 s; arrivals may differ from sends by a few ms of network.
    assert!(gaps.iter().all(|g| *g >= 3_950.0 && *g < 5_500.0), "{gaps:?}");
    assert_eq!(c.sent_page(0).await.unwrap().items.len(), 2);
}
