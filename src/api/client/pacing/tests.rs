//! The client's budgets and priorities with requests running side by side: a transport
//! whose sleeps and network delays really wait on a fake clock, and a small event loop
//! that polls every request in turn (the walk first, the order least kind to a click)
//! and moves the clock to the next timer when all of them wait.

use super::super::fake::{config, ok, query, serve, status, Api};
use super::super::Client;
use crate::api::actions::{ActionRequest, WithdrawRequest, WriteOutcome};
use crate::api::decode::{RateHeaders, RawResponse};
use crate::api::error::Error;
use crate::api::transport::{HttpRequest, OpToken, Transport};
use serde_json::json;
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

const T0: f64 = 1_777_000_000_000.0;
const MINUTE: f64 = 60_000.0;

type Handler = Box<dyn FnMut(&str) -> Result<RawResponse, Error>>;

/// A transport on a fake clock that only the event loop moves.
struct Timed {
    now: Cell<f64>,
    /// The deadlines of everything waiting.
    timers: RefCell<Vec<f64>>,
    handler: RefCell<Handler>,
    /// Every request as it was sent: (time, URL).
    sent: RefCell<Vec<(f64, String)>>,
}

impl Timed {
    fn new(handler: impl FnMut(&str) -> Result<RawResponse, Error> + 'static) -> Self {
        Timed { now: Cell::new(T0), timers: RefCell::new(Vec::new()), handler: RefCell::new(Box::new(handler)), sent: RefCell::new(Vec::new()) }
    }

    async fn until(&self, at: f64) {
        std::future::poll_fn(|_| {
            if self.now.get() >= at {
                Poll::Ready(())
            } else {
                self.timers.borrow_mut().push(at);
                Poll::Pending
            }
        })
        .await;
    }

    /// When each request whose URL contains `part` was sent, relative to T0.
    fn times(&self, part: &str) -> Vec<f64> {
        self.sent.borrow().iter().filter(|(_, u)| u.contains(part)).map(|(t, _)| t - T0).collect()
    }
}

impl Transport for Timed {
    async fn get(&self, _op: OpToken, request: &HttpRequest) -> Result<RawResponse, Error> {
        let at = self.now.get();
        self.sent.borrow_mut().push((at, request.url.clone()));
        self.until(at + 150.0).await;
        (self.handler.borrow_mut())(&request.url)
    }
    async fn post(&self, op: OpToken, request: &HttpRequest, _body: &str) -> Result<RawResponse, Error> {
        self.get(op, request).await
    }
    async fn sleep(&self, _op: OpToken, ms: f64) -> Result<(), Error> {
        self.until(self.now.get() + ms).await;
        Ok(())
    }
    fn now_ms(&self) -> f64 {
        self.now.get()
    }
    fn random(&self) -> f64 {
        0.5
    }
}

type Task<'a> = Pin<Box<dyn Future<Output = ()> + 'a>>;

/// Runs `tasks` to their ends, polling them in order, the clock jumping to the next
/// timer whenever all of them wait.
fn run_all(t: &Timed, mut tasks: Vec<Task<'_>>) {
    let mut cx = Context::from_waker(Waker::noop());
    let mut done = vec![false; tasks.len()];
    for _ in 0..100_000 {
        t.timers.borrow_mut().clear();
        for (task, done) in tasks.iter_mut().zip(done.iter_mut()) {
            if !*done {
                *done = task.as_mut().poll(&mut cx).is_ready();
            }
        }
        if done.iter().all(|d| *d) {
            return;
        }
        let next = t.timers.borrow().iter().copied().fold(f64::INFINITY, f64::min);
        assert!(next.is_finite() && next > t.now.get(), "stuck at {}", t.now.get());
        t.now.set(next);
    }
    panic!("never finished");
}

/// The fake API of `fake::serve`, plus connections, the quota and the writes.
fn api(sent: usize) -> impl FnMut(&str) -> Result<RawResponse, Error> {
    let mut lists = serve(Api { sent, received: 0, eol: false, count: Some(7) });
    move |url| {
        if url.contains("/connections?") {
            let start: usize = query(url, "startIndex").unwrap().parse().unwrap();
            let items: Vec<_> = (start..start + 12).map(|i| json!({"firstName": format!("C{i}"), "publicIdentifier": format!("c{i}")})).collect();
            ok(json!({"success": true, "connections": items, "endOfList": false}))
        } else if url.contains("/quota") {
            ok(json!({"accountId": "696ce9e780e0483585e4e553", "quotas": []}))
        } else if url.ends_with("/withdraw") {
            ok(json!({"success": true, "message": "withdrawn"}))
        } else {
            lists(url, 0.0)
        }
    }
}

fn withdraw() -> ActionRequest {
    ActionRequest::Withdraw(WithdrawRequest {
        public_identifier: "p".into(),
        invitation_id: "1".into(),
        member_id: None,
        account_id: None,
    })
}

/// The most of `times` within any 60 s.
fn busiest(times: &[f64]) -> usize {
    (0..times.len()).map(|i| times[i..].iter().take_while(|t| **t < times[i] + MINUTE).count()).max().unwrap_or(0)
}

/// A task that starts `f` at `at` ms after T0.
fn at<'a, F: Future<Output = ()> + 'a>(t: &'a Timed, at: f64, f: impl FnOnce() -> F + 'a) -> Task<'a> {
    Box::pin(async move {
        t.until(T0 + at).await;
        f().await;
    })
}

#[test]
fn a_page_of_connections_goes_at_the_first_read_slot_ahead_of_the_walk() {
    let client = Client::new(config(), Timed::new(api(1_000)));
    let t = client.transport();
    let walk: Task<'_> = Box::pin(async {
        let snap = client.sync(&mut |_| {}).await.unwrap();
        assert_eq!(snap.counts.sent, 1_000);
    });
    // 20 s in, the walk has used the read budget and its next page sleeps toward the
    // first slot that frees (61 s): the click takes that slot.
    let click = at(t, 20_000.0, || async {
        let page = client.connections_page(0, 12, crate::api::client::SortBy::RecentlyAdded).await.unwrap();
        assert_eq!(page.items.len(), 12);
    });
    run_all(t, vec![walk, click]);
    let (pages, conn) = (t.times("/invitations/"), t.times("/connections?"));
    assert_eq!(conn, [61_000.0], "the first read slot after the click");
    assert_eq!(pages.iter().filter(|p| **p > 20_000.0 && **p < 61_000.0).count(), 0);
    assert!(pages.iter().any(|p| *p > 61_000.0 && *p < 62_000.0), "the walk goes on right after it");
    let mut reads: Vec<f64> = t.sent.borrow().iter().map(|(at, _)| at - T0).collect();
    reads.sort_by(f64::total_cmp);
    assert!(busiest(&reads) <= 30, "{} reads in a minute", busiest(&reads));
}

#[test]
fn writes_and_the_quota_do_not_wait_for_the_walks_reads() {
    let client = Client::new(config(), Timed::new(api(600)));
    let t = client.transport();
    let walk: Task<'_> = Box::pin(async {
        client.sync(&mut |_| {}).await.unwrap();
    });
    let write = at(t, 9_000.0, || async {
        let outcome = client.perform(&withdraw()).await;
        assert!(matches!(outcome, WriteOutcome::Done { .. }), "{outcome:?}");
    });
    let quota = at(t, 9_100.0, || async {
        client.quota("696ce9e780e0483585e4e553").await.unwrap();
    });
    run_all(t, vec![walk, write, quota]);
    // The read budget was used up at 7.5 s; the write and the quota read have their own.
    assert_eq!(t.times("/withdraw"), [9_000.0]);
    assert_eq!(t.times("/quota"), [9_250.0], "the spacing after the write");
}

#[test]
fn a_read_429_of_the_read_budget_holds_reads_only() {
    let mut refused = false;
    let client = Client::new(
        config(),
        Timed::new(move |url| {
            if url.contains("/invitations/sent") && !refused {
                refused = true;
                let headers = RateHeaders { limit: Some("30".into()), retry_after: Some("20".into()), ..RateHeaders::default() };
                return Ok(RawResponse { status: 429, headers, body: r#"{"success":false,"code":"RATE_LIMITED"}"#.into() });
            }
            api(5)(url)
        }),
    );
    let t = client.transport();
    let read = at(t, 0.0, || async {
        client.sent_page(0).await.unwrap();
    });
    let other_read = at(t, 1_000.0, || async {
        client.received_page(0).await.unwrap();
    });
    let write = at(t, 1_000.0, || async {
        assert!(matches!(client.perform(&withdraw()).await, WriteOutcome::Done { .. }));
    });
    run_all(t, vec![read, other_read, write]);
    assert_eq!(t.times("/withdraw"), [1_000.0], "writes go on");
    // Reads wait for the retry time and the margin (from the 429's answer at 150 ms).
    let retry = 150.0 + 20_000.0 + 5_000.0;
    let mut reads = [t.times("/invitations/sent"), t.times("/invitations/received")].concat();
    reads.sort_by(f64::total_cmp);
    assert_eq!(reads.len(), 3);
    assert_eq!(reads[1..], [retry, retry + 250.0], "the retry and the other read, spaced");
}

#[test]
fn an_unknown_budget_429_holds_everything() {
    let client = Client::new(
        config(),
        Timed::new(|url| {
            if url.ends_with("/withdraw") {
                let headers = RateHeaders { limit: Some("60".into()), retry_after: Some("10".into()), ..RateHeaders::default() };
                return Ok(RawResponse { status: 429, headers, body: r#"{"success":false}"#.into() });
            }
            status(200, r#"{"success":true,"invitations":[]}"#)
        }),
    );
    let t = client.transport();
    let write = at(t, 0.0, || async {
        assert!(matches!(client.perform(&withdraw()).await, WriteOutcome::Failed(Error::RateLimited { .. })));
    });
    let read = at(t, 1_000.0, || async {
        client.sent_page(0).await.unwrap();
    });
    run_all(t, vec![write, read]);
    assert_eq!(t.times("/invitations/sent"), [150.0 + 10_000.0 + 5_000.0], "the key's limit: every budget waits");
}

#[test]
fn clients_sharing_a_pacer_share_the_keys_budget() {
    // Two accounts of one key, walking at once: 31 pages each, a key's budget of 12.
    let mut a = config();
    a.max_key_requests = 12;
    let mut b = a.clone();
    b.account_id = Some("60d21b4667d0d8992e610c85".into());
    let clock = Rc::new(Timed::new(api(300)));
    let one = Client::new(a, Shared(clock.clone()));
    let two = Client::sharing(b, Shared(clock.clone()), one.pacer());
    let walks: Vec<Task<'_>> = vec![
        Box::pin(async {
            one.sent().collect_all(None, &mut |_| {}).await.unwrap();
        }),
        Box::pin(async {
            two.sent().collect_all(None, &mut |_| {}).await.unwrap();
        }),
    ];
    run_all(&clock, walks);
    let all = clock.times("/invitations/sent");
    assert_eq!(all.len(), 2 * 31);
    assert_eq!(busiest(&all), 12, "the key's budget, used and not exceeded");
    // Each walk alone would have had 30 reads a minute; together they had 12.
    assert!(all[all.len() - 1] > 4.0 * MINUTE, "{all:?}");
}

/// One clock for several clients.
struct Shared(Rc<Timed>);

impl Transport for Shared {
    async fn get(&self, op: OpToken, request: &HttpRequest) -> Result<RawResponse, Error> {
        self.0.get(op, request).await
    }
    async fn sleep(&self, op: OpToken, ms: f64) -> Result<(), Error> {
        self.0.sleep(op, ms).await
    }
    fn now_ms(&self) -> f64 {
        self.0.now_ms()
    }
    fn random(&self) -> f64 {
        0.5
    }
}
