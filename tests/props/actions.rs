//! Writes, the action queue, first-seen ages and alerts over any input.
//!
//! * `classify_write` on any response: an error status is never "done"; a 429 is the
//!   rate-limit error; "already gone" only from a 2xx or a 400/404/409/410; a failure
//!   keeps its status; server text is clipped; the outcome's report reads back to the
//!   same report.
//! * The queue, driven by any script of steps, answers, stops, worker restarts,
//!   reloads, clock jumps and an account change, with any settings: nothing panics;
//!   every wait is finite, positive and at most the longest the queue allows; an
//!   invitation is handed out again only after an answer saying it was not performed
//!   (429, 401, 403, a cancel before sending); with a clock that never goes back, two
//!   writes are at least the (clamped) gap apart and no UTC day charges more writes of
//!   a kind than its cap; the stored queue reads back equal; the summary adds up.
//! * Age labels and first sight: a label's range is ordered, and the best age never
//!   leaves it.

use arbitrary::Arbitrary;
use pending_core::api::actions::{classify_write, ActionKind, RespondAction, WriteOutcome};
use pending_core::store::ages::{best_age, AgeRange, AgeSource};
use pending_core::api::decode::RawResponse;
use pending_core::app::queue::{ActionQueue, NewItem, Step, IN_FLIGHT_EXPIRY_MS, MAX_HOLD_MS};
use pending_core::store::{ActionSettings, MAX_GAP_MS, MAX_JITTER_MS, MIN_GAP_MS};
use pending_core::{Error, ReceivedInvitation, SentInvitation};
use std::collections::HashMap;

const NOW: f64 = 1_777_300_000_000.0;
const DAY_MS: u64 = 86_400_000;

/// `classify_write` on one response.
pub fn check_write_response(resp: &RawResponse) {
    let outcome = classify_write(Ok(resp.clone()), NOW);
    let ok = (200..300).contains(&resp.status);
    match &outcome {
        WriteOutcome::Done { message } => {
            assert!(ok, "done from HTTP {}", resp.status);
            assert!(message.as_ref().is_none_or(|m| m.chars().count() <= 301), "message not clipped");
        }
        WriteOutcome::AlreadyGone { message } => {
            assert!(ok || matches!(resp.status, 400 | 404 | 409 | 410), "already gone from HTTP {}", resp.status);
            assert!(message.chars().count() <= 301, "message not clipped");
        }
        WriteOutcome::Unknown { .. } => assert!(ok, "unknown from an answer of HTTP {}", resp.status),
        WriteOutcome::Failed(e) => {
            assert_eq!(e.status(), Some(resp.status), "a failure keeps its status");
            if resp.status == 429 {
                assert!(matches!(e, Error::RateLimited { .. }), "429 is the rate-limit error");
            }
            assert!(e.retry_at_ms().is_none_or(f64::is_finite));
        }
    }
    let text = serde_json::to_string(&outcome.report()).expect("the report is JSON");
    let back: WriteOutcome = serde_json::from_str(&text).expect("the report reads back");
    assert_eq!(back.report(), outcome.report(), "the report reads back to itself");
}

/// An age label and a first sight.
pub fn check_age(text: &str, label_back_ms: u32, seen_back_ms: Option<u64>) {
    let label_ms = NOW - f64::from(label_back_ms);
    let range = AgeRange::from_label(text, label_ms, NOW);
    if let Some(r) = range {
        assert!(r.max_secs.is_none_or(|m| m > r.min_secs), "empty range {r:?} for {text:?}");
    }
    let seen = seen_back_ms.map(|b| NOW - b as f64);
    let best = best_age(range, seen, NOW);
    if let (Some(r), Some(secs)) = (range, best.secs) {
        assert!(secs >= r.min_secs, "{best:?} below {r:?}");
        assert!(r.max_secs.is_none_or(|m| secs < m), "{best:?} above {r:?}");
    }
    if best.source == AgeSource::FirstSeen {
        assert!(best.days.is_some_and(|d| best.secs.is_some_and(|s| d == s / 86_400)), "{best:?}");
    }
    if range.is_none() && seen.is_none() {
        assert_eq!(best.secs, None);
    }
}

/// What a script does.
#[derive(Debug, Clone, Arbitrary)]
pub enum Event {
    /// Time passes, then the worker asks for the next step; a wait is slept (or cut
    /// short by `short_ms`).
    Step { idle_ms: u16, sleep: bool, short_ms: u16 },
    /// The write in flight gets this answer.
    Answer(Answer),
    /// The user presses Stop.
    Stop,
    /// The worker stops and starts again: stored, read, recovered.
    Restart,
    /// The queue is stored and read back in the same worker.
    Reload,
    /// The wall clock is set back.
    Back { ms: u32 },
    /// The wall clock jumps forward.
    Forward { ms: u32 },
    /// From now on the settings name another account.
    OtherAccount,
    /// A new run is asked for (refused while one is going on).
    Start { items: u8 },
}

/// An answer to a write.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum Answer {
    Done,
    Gone,
    Unknown,
    Server,
    RateLimited { in_ms: u32, given: bool },
    Unauthorized,
    Forbidden,
    Cancelled,
    Invalid,
}

impl Answer {
    fn outcome(self, now: f64) -> WriteOutcome {
        let api = |status| WriteOutcome::Failed(Error::Api { status, message: "x".into(), code: None });
        match self {
            Answer::Done => WriteOutcome::Done { message: Some("ok".into()) },
            Answer::Gone => WriteOutcome::AlreadyGone { message: "No pending invitation".into() },
            Answer::Unknown => WriteOutcome::Unknown { reason: pending_core::api::actions::ItemReason::Timeout, status: None },
            Answer::Server => api(500),
            Answer::RateLimited { in_ms, given } => WriteOutcome::Failed(Error::RateLimited {
                status: 429,
                message: "slow".into(),
                retry_at_ms: given.then_some(now + f64::from(in_ms)),
            }),
            Answer::Unauthorized => api(401),
            Answer::Forbidden => api(403),
            Answer::Cancelled => WriteOutcome::Failed(Error::Cancelled),
            Answer::Invalid => WriteOutcome::Failed(Error::invalid(pending_core::api::error::Invalid::NoWrites, "cannot")),
        }
    }

    /// Whether the answer says the write was not performed (and was not counted).
    fn not_performed(self) -> bool {
        matches!(
            self,
            Answer::RateLimited { .. } | Answer::Unauthorized | Answer::Forbidden | Answer::Cancelled | Answer::Invalid
        )
    }
}

/// A run and its script.
#[derive(Debug, Clone, Arbitrary)]
pub struct QueueCase {
    items: u8,
    respond: bool,
    gap_ms: u16,
    jitter_ms: u16,
    withdraw_cap: u8,
    respond_cap: u8,
    seed: u32,
    start_offset_ms: u32,
    events: Vec<Event>,
}

fn items(n: u8, respond: bool, batch: u32) -> Vec<NewItem> {
    (0..n.min(40))
        .map(|i| {
            let id = format!("{batch}{i:04}");
            if respond {
                let item: ReceivedInvitation = serde_json::from_str(&format!(
                    r#"{{"invitationId": "{id}", "memberId": "ACoAA{i}", "invitationCategory": "CONNECTION",
                        "linkedInInvitationType": "GenericInvitationType_CONNECTION", "validationToken": "t{i}",
                        "profile": {{"firstName": "Ana", "lastName": "M{i}"}}}}"#
                ))
                .expect("an invitation");
                NewItem::respond(&item, if i % 2 == 0 { RespondAction::Accept } else { RespondAction::Ignore }, None)
            } else {
                // Every ninth lacks its vanity slug and fails at the start.
                let slug = if i % 9 == 8 { String::new() } else { format!(r#", "publicIdentifier": "p{i}""#) };
                let item: SentInvitation =
                    serde_json::from_str(&format!(r#"{{"invitationId": "{id}", "profile": {{"firstName": "Ben", "lastName": "B{i}"{slug}}}}}"#))
                        .expect("an invitation");
                NewItem::withdraw(&item, None)
            }
        })
        .collect()
}

impl QueueCase {
    /// Runs the script and checks every property.
    pub fn check(&self) {
        let settings = ActionSettings {
            // Mostly a few seconds (below the floor too); the largest values stand for
            // settings above the ceilings.
            gap_ms: if self.gap_ms == u16::MAX { MAX_GAP_MS + 1_000 } else { u32::from(self.gap_ms) },
            jitter_ms: if self.jitter_ms == u16::MAX { MAX_JITTER_MS + 1_000 } else { u32::from(self.jitter_ms) },
            withdraw_cap: u32::from(self.withdraw_cap % 12),
            respond_cap: u32::from(self.respond_cap % 12),
        };
        let clamped = settings.clamped();
        assert!(clamped.gap_ms >= MIN_GAP_MS);
        let mut now = NOW + f64::from(self.start_offset_ms);
        let mut account = "acct";
        let mut q = ActionQueue::new();
        let mut batch = 1;
        let _ = q.start(account, settings, items(self.items, self.respond, batch), now, self.seed);
        let longest_wait = (u64::from(clamped.gap_ms) + u64::from(clamped.jitter_ms)).max(MAX_HOLD_MS).max(IN_FLIGHT_EXPIRY_MS);

        // The write in flight: index, invitation, sent at, account, a response?
        let mut in_flight: Option<(usize, String, f64, &str, bool)> = None;
        // Per invitation: may it be handed out again?
        let mut may_resend: HashMap<String, bool> = HashMap::new();
        let mut clock_went_back = false;
        let mut last_send: Option<f64> = None;
        // Writes charged per (account, UTC day, a response?).
        let mut charged: HashMap<(&str, u64, bool), u32> = HashMap::new();

        for event in self.events.iter().take(200) {
            match event {
                Event::Step { idle_ms, sleep, short_ms } => {
                    now += f64::from(*idle_ms);
                    match q.next_step(now, account) {
                        Step::Wait { ms } => {
                            assert!(ms > 0 && ms <= longest_wait, "wait {ms}");
                            if *sleep {
                                now += ms.saturating_sub(u64::from(*short_ms)) as f64;
                            }
                        }
                        Step::Send(order) => {
                            let id = order.invitation_id.clone();
                            if let Some(again) = may_resend.get(&id) {
                                assert!(*again, "{id} handed out again without a not-performed answer");
                            }
                            may_resend.insert(id.clone(), false);
                            if !clock_went_back {
                                if let Some(last) = last_send {
                                    assert!(now - last >= f64::from(clamped.gap_ms), "writes {} ms apart", now - last);
                                }
                            }
                            last_send = Some(now);
                            let respond = order.kind != ActionKind::Withdraw;
                            let day = now as u64 / DAY_MS;
                            let c = charged.entry((account, day, respond)).or_insert(0);
                            *c += 1;
                            let cap = if respond { clamped.respond_cap } else { clamped.withdraw_cap };
                            if !clock_went_back {
                                assert!(*c <= cap, "{c} writes charged on day {day}, cap {cap}");
                            }
                            in_flight = Some((order.index, id, now, account, respond));
                        }
                        Step::Finished(s) => {
                            assert_eq!(s.done + s.already_gone + s.failed + s.unknown + s.not_sent, s.total, "{s:?}");
                        }
                    }
                }
                Event::Answer(answer) => {
                    if let Some((index, id, sent_at, sent_for, respond)) = in_flight.take() {
                        now += 50.0;
                        let r = q.record(index, &answer.outcome(now), now);
                        if r.accepted && answer.not_performed() {
                            may_resend.insert(id, true);
                            if let Some(c) = charged.get_mut(&(sent_for, sent_at as u64 / DAY_MS, respond)) {
                                *c = c.saturating_sub(1);
                            }
                        }
                        if r.accepted {
                            assert_eq!(r.remove.is_some(), matches!(answer, Answer::Done | Answer::Gone));
                        }
                    }
                }
                Event::Stop => q.stop(now),
                Event::Restart => {
                    q = ActionQueue::read(&serde_json::to_value(&q).expect("stored JSON"));
                    q.recover(now);
                    // The answer of a write in flight is lost with the worker.
                    in_flight = None;
                }
                Event::Reload => {
                    let back = ActionQueue::read(&serde_json::to_value(&q).expect("stored JSON"));
                    assert_eq!(back, q, "the stored queue reads back equal");
                    q = back;
                }
                Event::Back { ms } => {
                    now -= f64::from(*ms);
                    clock_went_back = true;
                }
                Event::Forward { ms } => now += f64::from(*ms),
                Event::OtherAccount => account = "other",
                Event::Start { items: n } => {
                    batch += 1;
                    if q.start(account, settings, items(*n, self.respond, batch), now, self.seed).is_ok() {
                        in_flight = None;
                        last_send = last_send.filter(|_| account == "acct");
                    }
                }
            }
            let p = q.progress();
            assert!(p.handled <= p.total);
            let s = q.summary();
            assert_eq!(s.done + s.already_gone + s.failed + s.unknown + s.not_sent, s.total);
        }
    }
}
