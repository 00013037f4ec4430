//! A quiet day (no popup) for a heavy account, on a fake clock: every alarm asks the
//! refresh policy what to fetch and syncs that through the real client against a fake
//! API of `S` sent and `R` received invitations, counting the requests of each hour.
//! `make bench` runs it and records the figures.
//!
//! ```sh
//! cargo run --quiet --example quiet_day -- 5000 40
//! ```
#![allow(clippy::disallowed_types, clippy::disallowed_methods, clippy::disallowed_macros)] // size rules bind the crate, not its tests

use pending_core::api::decode::{RateHeaders, RawResponse};
use pending_core::app::refresh::{daily_cost, plan, Reason, Stored};
use pending_core::store::Policy;
use pending_core::api::transport::OpToken;
use pending_core::{Client, Config, Error, HttpRequest, Snapshot, Transport};
use std::cell::Cell;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// A fake API answering at once; its clock moves only when the client sleeps (and 20 ms
/// per request).
struct Fake {
    now: Cell<f64>,
    sent: usize,
    received: usize,
    requests: Cell<u32>,
}

impl Transport for Fake {
    async fn get(&self, _op: OpToken, request: &HttpRequest) -> Result<RawResponse, Error> {
        self.requests.set(self.requests.get() + 1);
        self.now.set(self.now.get() + 20.0);
        let url = &request.url;
        let body = match url.split_once("startIndex=") {
            None => r#"{"success":true,"connectionCount":3754}"#.to_string(),
            Some((_, rest)) => {
                let start: usize = rest.split('&').next().and_then(|s| s.parse().ok()).unwrap_or(0);
                let (n, prefix) = if url.contains("/invitations/sent") { (self.sent, "s") } else { (self.received, "r") };
                let items: Vec<String> =
                    (start..(start + 10).min(n)).map(|i| format!(r#"{{"invitationId":"{prefix}{i}","sentAt":"1 week ago"}}"#)).collect();
                format!(r#"{{"success":true,"startIndex":{start},"invitations":[{}]}}"#, items.join(","))
            }
        };
        Ok(RawResponse { status: 200, headers: RateHeaders::default(), body })
    }
    async fn sleep(&self, _op: OpToken, ms: f64) -> Result<(), Error> {
        self.now.set(self.now.get() + ms);
        Ok(())
    }
    fn now_ms(&self) -> f64 {
        self.now.get()
    }
    fn random(&self) -> f64 {
        0.5
    }
}

fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>().unwrap_or(0));
    let (sent, received) = (args.next().unwrap_or(5_000), args.next().unwrap_or(40));
    let policy = Policy::default();
    let t0 = 1_800_000_000_000.0;
    let fake = Fake { now: Cell::new(t0), sent, received, requests: Cell::new(0) };
    let client = Client::new(Config::new("https://api.example.test/linkedin", "key", None).expect("config"), fake);
    let mut snapshot: Option<Snapshot> = None;
    let mut per_hour = [0u32; 24];
    for alarm in 1..=24 * 60 / policy.refresh_minutes {
        let at = t0 + f64::from(alarm) * f64::from(policy.refresh_minutes) * 60_000.0;
        let t = client.transport();
        t.now.set(t.now.get().max(at));
        let stored = snapshot.as_ref().map_or(Stored::default(), |s| Stored {
            received_at_ms: Some(s.taken_at_ms),
            sent_at_ms: Some(s.sent_taken_at_ms),
            last_ok: true,
            hold_until_ms: None,
        });
        let Some(scope) = plan(Reason::Alarm, &policy, &stored, t.now_ms()) else { continue };
        // Alarms at 0:15, 0:30, 0:45 and 1:00 make the first hour, and so on.
        let hour = (((alarm - 1) * policy.refresh_minutes / 60) as usize).min(23);
        let before = t.requests.get();
        snapshot = Some(block_on(client.sync_scoped(scope, snapshot.take(), &mut |_| {})).expect("sync"));
        per_hour[hour] += client.transport().requests.get() - before;
    }
    let day: u32 = per_hour.iter().sum();
    let mut quiet: Vec<u32> = per_hour.iter().copied().filter(|h| *h < 100).collect();
    quiet.sort_unstable();
    let goal = 4 * (received as u32 / 10 + 1);
    let model = daily_cost(&policy, sent as u32, received as u32);
    println!("sent={sent} received={received} day={day} model={} quiet_hour_max={} goal={goal} sent_walks={} hours={per_hour:?}",
        model.total, quiet.last().copied().unwrap_or(0), policy.sent_refreshes_per_day);
}
