//! The typed client: endpoints, pacing, retries and list walks over a [`Transport`].

use crate::api::actions::{classify_write, ActionRequest, Quota, RespondRequest, WithdrawRequest, WriteOutcome};
use crate::api::config::Config;
use crate::api::decode::{list_from_json, page_from_json, parse_success, read_json, Page, RawResponse, Skips};
use crate::api::error::Error;
use crate::api::limiter::{backoff_ms, retry_delay_ms, Budget, Pacer, Priority};
use crate::api::models::{Account, Aged, Connection, Keyed, ReceivedInvitation, SentInvitation};
use crate::api::paginate::Walk;
use crate::api::sync::{Cost, Counts, Snapshot};
use crate::api::transport::{HttpRequest, OpToken, Transport};
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use std::marker::PhantomData;
use std::rc::Rc;

/// Documented page size of `GET /invitations/received`.
pub const RECEIVED_PAGE_SIZE: usize = 10;
/// Largest `limit` `GET /connections` accepts.
pub const MAX_CONNECTIONS_LIMIT: u32 = 12;

/// The three paged lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum List {
    /// `GET /invitations/sent`.
    Sent,
    /// `GET /invitations/received`.
    Received,
    /// `GET /connections`.
    Connections,
}

impl List {
    /// `sent`, `received` or `connections`.
    pub fn as_str(self) -> &'static str {
        match self {
            List::Sent => "sent",
            List::Received => "received",
            List::Connections => "connections",
        }
    }
}

/// What a sync fetches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The received invitations only; the stored sent list is kept.
    Received,
    /// Received and sent invitations, and the connection count.
    All,
}

impl Scope {
    /// `received` or `all`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Received => "received",
            Scope::All => "all",
        }
    }

    /// Reads `received` / `all`; anything else is `None`.
    pub fn parse(s: &str) -> Option<Scope> {
        match s {
            "received" => Some(Scope::Received),
            "all" => Some(Scope::All),
            _ => None,
        }
    }
}

/// Sort orders of `GET /connections`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    /// Newest connections first (the API's default).
    #[default]
    RecentlyAdded,
    /// By first name.
    FirstName,
    /// By last name.
    LastName,
}

impl SortBy {
    fn as_str(self) -> &'static str {
        match self {
            SortBy::RecentlyAdded => "recentlyAdded",
            SortBy::FirstName => "firstName",
            SortBy::LastName => "lastName",
        }
    }
}

/// Progress of a list walk, reported after every page (written without its
/// [`Progress::record`] and [`Progress::received`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    /// The list being walked.
    pub list: List,
    /// Pages fetched so far in this walk.
    pub pages: u32,
    /// Distinct items so far in this walk.
    pub items: u32,
    /// Set once, when a sync has all received invitations (before it walks the sent
    /// ones): their counts, so the badge can show them at once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub received_counts: Option<Counts>,
    /// Set with [`Progress::received_counts`]: the received invitations themselves, for
    /// a caller that shows them before the sent walk ends (a first sync).
    #[serde(skip)]
    pub received: Option<Collected<ReceivedInvitation>>,
    /// A walk's state after this page, with the page's new items, when the sync was
    /// asked to record it ([`Client::sync_resumable`]): what a stopped worker resumes from.
    #[serde(skip)]
    pub record: Option<PageRecord>,
}

/// A walk's state after one page, and that page's new items (see [`Progress::record`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRecord {
    /// Where the next page starts; `None` when the walk is over.
    pub next_start: Option<u32>,
    /// The largest page so far (the short-page rule of the sent list).
    pub largest_page: u32,
    /// The page's new items, as a JSON array.
    pub items: serde_json::Value,
    /// Unreadable items so far in this walk.
    pub skipped: Skips,
    /// The account that served the pages, if the server said.
    pub account_id: Option<String>,
}

/// A list walk that stopped part-way (a stopped worker), to go on with.
#[derive(Debug, Clone, PartialEq)]
pub struct Partial<I> {
    /// The items taken so far, in server order.
    pub items: Vec<I>,
    /// Where the next page starts; `None` when that walk had ended.
    pub next_start: Option<u32>,
    /// Pages taken so far.
    pub pages: u32,
    /// The largest page so far.
    pub largest_page: u32,
    /// Unreadable items so far.
    pub skipped: Skips,
    /// The account that served the pages, if the server said.
    pub account_id: Option<String>,
}

/// What a sync goes on with: the received and sent walks of an interrupted sync.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resume {
    /// The received invitations' walk.
    pub received: Option<Partial<ReceivedInvitation>>,
    /// The sent invitations' walk.
    pub sent: Option<Partial<SentInvitation>>,
}

/// Running totals of what a client has sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Counters {
    /// HTTP requests sent (retries included).
    pub requests: u32,
    /// Retries after a failed attempt.
    pub retries: u32,
    /// Pages decoded.
    pub pages: u32,
}

/// How to fetch one list.
#[derive(Debug, Clone, Copy)]
struct ListSpec {
    list: List,
    path: &'static str,
    page_size: Option<usize>,
    limit: Option<u32>,
    sort_by: Option<SortBy>,
}

impl ListSpec {
    const SENT: ListSpec = ListSpec { list: List::Sent, path: "/invitations/sent", page_size: None, limit: None, sort_by: None };
    const RECEIVED: ListSpec = ListSpec {
        list: List::Received,
        path: "/invitations/received",
        page_size: Some(RECEIVED_PAGE_SIZE),
        limit: None,
        sort_by: None,
    };

    fn connections(limit: u32, sort_by: SortBy) -> ListSpec {
        let limit = limit.clamp(1, MAX_CONNECTIONS_LIMIT);
        ListSpec {
            list: List::Connections,
            path: "/connections",
            page_size: Some(limit as usize),
            limit: Some(limit),
            sort_by: Some(sort_by),
        }
    }
}

/// A ConnectSafely API client. Requests are paced by a [`Pacer`] shared by every
/// operation of the client (and by other clients of the same key: [`Client::sharing`]):
/// each counts against its budget (reads, writes, `/account/*`) and the key's, and
/// what a person waits for goes ahead of the sync's walk. Requests are retried with
/// backoff when transient, and decoded into typed values or an [`Error`].
#[derive(Debug)]
pub struct Client<T> {
    config: Config,
    transport: T,
    pacer: Rc<RefCell<Pacer>>,
    /// The account the budgets are counted for ("": the key's default account).
    account: String,
    counters: Cell<Counters>,
}

impl<T: Transport> Client<T> {
    /// A client over `transport`, with its own pacer.
    pub fn new(config: Config, transport: T) -> Self {
        let pacer = Rc::new(RefCell::new(Pacer::new(config.limits())));
        Client::sharing(config, transport, pacer)
    }

    /// A client over `transport` paced by `pacer`, which other clients of the same API
    /// key share (the key's budget spans its accounts); the pacer's limits apply.
    pub fn sharing(config: Config, transport: T, pacer: Rc<RefCell<Pacer>>) -> Self {
        let account = config.account_id.clone().unwrap_or_default();
        Client { config, transport, pacer, account, counters: Cell::new(Counters::default()) }
    }

    /// The pacer, to share with another client of the same key ([`Client::sharing`]).
    pub fn pacer(&self) -> Rc<RefCell<Pacer>> {
        self.pacer.clone()
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// How long a request of `budget` at `priority` would wait for the pacing now, in
    /// ms (0: it would go at once). Writes have their own budget, so a write right after
    /// a sync waits only when the writes (or the key's budget) are used up.
    pub fn pace_delay_ms(&self, budget: Budget, priority: Priority) -> f64 {
        self.pacer.borrow().delay_ms(self.transport.monotonic_ms(), &self.account, budget, priority)
    }

    /// The transport.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// What this client has sent so far.
    pub fn counters(&self) -> Counters {
        self.counters.get()
    }

    fn count(&self, f: impl FnOnce(&mut Counters)) {
        let mut c = self.counters.get();
        f(&mut c);
        self.counters.set(c);
    }

    fn url(&self, path: &str, query: &[(&str, String)]) -> String {
        let mut url = [self.config.base_url.as_str(), path].concat();
        let account = self.config.account_id.as_deref().map(|a| ("accountId", a));
        let mut sep = '?';
        for (k, v) in account.into_iter().chain(query.iter().map(|(k, v)| (*k, v.as_str()))) {
            url.push(sep);
            sep = '&';
            url.push_str(k);
            url.push('=');
            url.push_str(&encode_component(v));
        }
        url
    }

    /// Sends one GET, paced, and retried while the error is transient (a 5xx, a rate
    /// limit, or a 2xx saying LinkedIn returned nothing for now); returns the parsed
    /// body of the 2xx answer ([`parse_success`]) or the final error (unredacted:
    /// callers go through [`Client::get`]).
    ///
    /// Not generic: every endpoint shares this one retry loop (and its async state
    /// machine in the WebAssembly) and reads its typed value from the answer afterwards.
    /// That changes no retry: every error a retry may cure is found by `parse_success`;
    /// typed reading fails only as [`Error::Decode`], never retried.
    ///
    /// The budget comes from the path (`/account/…` or a read); `priority` says whether
    /// a person waits for it.
    async fn request(&self, op: OpToken, url: String, priority: Priority) -> Result<Answer, Error> {
        let budget = Budget::of(false, url.strip_prefix(self.config.base_url.as_str()).unwrap_or(&url));
        let req = HttpRequest { url, api_key: self.config.api_key.clone(), timeout_ms: self.config.timeout_ms };
        let t = &self.transport;
        let mut attempt = 0;
        loop {
            self.pace(op, budget, priority).await?;
            // Retry-After counts from the answer, not from the request. The key is scrubbed
            // from the body before any message is built from it (and clipped), so no
            // clipped message can keep part of it.
            let mut limit = None;
            let result = t.get(op, &req).await.map(|resp| scrub_body(resp, req.api_key.expose())).and_then(|resp| {
                self.respect_exhausted_window(&resp, budget);
                limit.clone_from(&resp.headers.limit);
                let now_ms = t.now_ms();
                parse_success(&resp, now_ms).map(|json| Answer { status: resp.status, json, now_ms })
            });
            match result {
                Ok(answer) => return Ok(answer),
                Err(e) => {
                    self.respect_rate_limit(&e, budget, limit.as_deref());
                    let now = t.now_ms();
                    match retry_delay_ms(&self.config.retry, &e, attempt, now, t.random()) {
                        Some(delay) => {
                            self.count(|c| c.retries += 1);
                            t.sleep(op, self.capped(delay)).await?;
                            attempt += 1;
                        }
                        None => return Err(e),
                    }
                }
            }
        }
    }

    /// `ms`, at most the longest single wait the configuration allows: a limiter window,
    /// a rate-limit wait with its margin, or a backoff step, whichever is longest.
    fn capped(&self, ms: f64) -> f64 {
        let r = &self.config.retry;
        let max = [self.config.window_ms, r.max_rate_limit_wait_ms.saturating_add(r.rate_limit_margin_ms), r.backoff_max_ms]
            .into_iter()
            .max()
            .unwrap_or(0);
        ms.min(f64::from(max))
    }

    async fn fetch_page<I: serde::de::DeserializeOwned + Aged>(
        &self,
        op: OpToken,
        spec: &ListSpec,
        start: u32,
        priority: Priority,
    ) -> Result<Page<I>, Error> {
        let mut query = vec![("startIndex", start.to_string())];
        if let Some(limit) = spec.limit {
            query.push(("limit", limit.to_string()));
        }
        if let Some(sort) = spec.sort_by {
            query.push(("sortBy", sort.as_str().to_string()));
        }
        let answer = self.get(op, self.url(spec.path, &query), priority).await?;
        let mut page: Page<I> = self.read(page_from_json(answer.status, &answer.json))?;
        page.items.iter_mut().for_each(|i| i.stamp_age(answer.now_ms));
        self.count(|c| c.pages += 1);
        Ok(page)
    }

    /// A paced, retried GET: the parsed body of its 2xx answer. With [`Client::read`],
    /// the one exit of every endpoint, so the API key is scrubbed from error text here
    /// and nowhere else.
    async fn get(&self, op: OpToken, url: String, priority: Priority) -> Result<Answer, Error> {
        self.request(op, url, priority).await.map_err(|e| e.redact(self.config.api_key.expose()))
    }

    /// The typed value an endpoint read from an answer, its error scrubbed of the key
    /// as [`Client::get`]'s are (the body was scrubbed already; this keeps one rule).
    fn read<R>(&self, value: Result<R, Error>) -> Result<R, Error> {
        value.map_err(|e| e.redact(self.config.api_key.expose()))
    }

    fn pager<I>(&self, spec: ListSpec) -> Pager<'_, T, I> {
        Pager {
            client: self,
            walk: Walk::new(spec.page_size, self.config.max_pages),
            spec,
            op: self.transport.begin(),
            account_id: None,
            skipped: Skips::default(),
            _item: PhantomData,
        }
    }

    fn pager_from<I: Keyed>(&self, spec: ListSpec, partial: Option<&Partial<I>>) -> Pager<'_, T, I> {
        let mut pager = self.pager(spec);
        if let Some(p) = partial {
            let keys = p.items.iter().map(Keyed::key);
            let next = p.next_start.unwrap_or(0);
            pager.walk = Walk::resume(next, p.pages, p.largest_page as usize, keys, spec.page_size, self.config.max_pages);
            pager.account_id.clone_from(&p.account_id);
            pager.skipped = p.skipped.clone();
        }
        pager
    }

    /// A lazy walk over the pending sent invitations. Page size is undocumented, so the
    /// walk ends on an empty page or a page shorter than the largest seen.
    pub fn sent(&self) -> Pager<'_, T, SentInvitation> {
        self.pager(ListSpec::SENT)
    }

    /// A lazy walk over the pending received invitations (10 per page).
    pub fn received(&self) -> Pager<'_, T, ReceivedInvitation> {
        self.pager(ListSpec::RECEIVED)
    }

    /// A lazy walk over the connections, `limit` per page (clamped to 1..=12).
    pub fn connections(&self, limit: u32, sort_by: SortBy) -> Pager<'_, T, Connection> {
        self.pager(ListSpec::connections(limit, sort_by))
    }

    /// One page of sent invitations at `start_index`, for a person who waits for it
    /// ([`Priority::Interactive`], as every single request below; a walk is
    /// [`Priority::Background`]).
    ///
    /// # Errors
    /// Any [`Error`] but [`Error::Pagination`].
    pub async fn sent_page(&self, start_index: u32) -> Result<Page<SentInvitation>, Error> {
        self.fetch_page(self.transport.begin(), &ListSpec::SENT, start_index, Priority::Interactive).await
    }

    /// One page of received invitations at `start_index` (interactive).
    ///
    /// # Errors
    /// Any [`Error`] but [`Error::Pagination`].
    pub async fn received_page(&self, start_index: u32) -> Result<Page<ReceivedInvitation>, Error> {
        self.fetch_page(self.transport.begin(), &ListSpec::RECEIVED, start_index, Priority::Interactive).await
    }

    /// One page of connections at `start_index`, `limit` per page (clamped to 1..=12),
    /// in `sort_by` order: the on-demand paging the connections view uses (interactive:
    /// it goes ahead of a sync's walk).
    ///
    /// # Errors
    /// Any [`Error`] but [`Error::Pagination`].
    pub async fn connections_page(&self, start_index: u32, limit: u32, sort_by: SortBy) -> Result<Page<Connection>, Error> {
        self.fetch_page(self.transport.begin(), &ListSpec::connections(limit, sort_by), start_index, Priority::Interactive).await
    }

    /// The LinkedIn accounts the key may act for (`GET /accounts`, never paged;
    /// interactive: *Test connection*). The configured account id is not applied to
    /// this call.
    ///
    /// # Errors
    /// Any [`Error`] but [`Error::Pagination`].
    pub async fn accounts(&self) -> Result<Vec<Account>, Error> {
        let url = [self.config.base_url.as_str(), "/accounts"].concat();
        let answer = self.get(self.transport.begin(), url, Priority::Interactive).await?;
        // A bare array as documented, or tolerated: `{"accounts": [...]}`; an account
        // that cannot be read is left out.
        let (mut accounts, _skipped): (Vec<Account>, Skips) = self.read(list_from_json(answer.status, &answer.json, "accounts"))?;
        for a in &mut accounts {
            a.attention = a.attention();
            a.usable = a.is_usable();
        }
        Ok(accounts)
    }

    /// The exact number of connections (`GET /analytics/connections/count`, newer API
    /// edition); `None` when LinkedIn gave none (`connectionCount: null`). Interactive;
    /// a sync asks for it in the background.
    ///
    /// # Errors
    /// Any [`Error`] but [`Error::Pagination`]; an older deployment without the
    /// endpoint answers 404 ([`Error::Api`]).
    pub async fn connection_count(&self) -> Result<Option<u64>, Error> {
        self.count_at(Priority::Interactive).await
    }

    async fn count_at(&self, priority: Priority) -> Result<Option<u64>, Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct CountBody {
            #[serde(default, deserialize_with = "crate::api::lenient::count")]
            connection_count: Option<u64>,
        }
        let url = self.url("/analytics/connections/count", &[]);
        let answer = self.get(self.transport.begin(), url, priority).await?;
        let body: CountBody = self.read(read_json(answer.status, &answer.json))?;
        Ok(body.connection_count)
    }

    /// `POST /invitations/withdraw`: withdraws one sent invitation. Paced like every
    /// request, sent once and never retried (see [`WriteOutcome`]).
    pub async fn withdraw(&self, request: &WithdrawRequest) -> WriteOutcome {
        self.perform(&ActionRequest::Withdraw(request.clone())).await
    }

    /// `POST /invitations/received/respond`: accepts or ignores one received
    /// invitation. Paced like every request, sent once and never retried.
    pub async fn respond(&self, request: &RespondRequest) -> WriteOutcome {
        self.perform(&ActionRequest::Respond(request.clone())).await
    }

    /// Sends one write. It waits its turn in the write budget (and the key's), ahead of
    /// a sync's walk (a cancel during that wait is [`WriteOutcome::Failed`] with
    /// [`Error::Cancelled`]: nothing was sent), then is sent **once**: a timeout,
    /// network failure or cancel after it was handed to the network is
    /// [`WriteOutcome::Unknown`], never a retry. A 429 also holds the client's later
    /// writes (or, when the budget it concerns is unknown, every request) until the
    /// server's retry time.
    pub async fn perform(&self, request: &ActionRequest) -> WriteOutcome {
        let t = &self.transport;
        let op = t.begin();
        let req = HttpRequest {
            url: [self.config.base_url.as_str(), request.path()].concat(),
            api_key: self.config.api_key.clone(),
            timeout_ms: self.config.timeout_ms,
        };
        let body = request.body(self.config.account_id.as_deref());
        let budget = Budget::of(true, request.path());
        if let Err(e) = self.pace(op, budget, Priority::Interactive).await {
            return WriteOutcome::Failed(e);
        }
        let result = t.post(op, &req, &body).await.map(|resp| scrub_body(resp, req.api_key.expose()));
        let limit = result.as_ref().ok().and_then(|resp| {
            self.respect_exhausted_window(resp, budget);
            resp.headers.limit.clone()
        });
        let outcome = classify_write(result, t.now_ms());
        if let WriteOutcome::Failed(e) = &outcome {
            self.respect_rate_limit(e, budget, limit.as_deref());
        }
        outcome.redact(self.config.api_key.expose())
    }

    /// LinkedIn's and the service's remaining quotas for `account_id`
    /// (`GET /account/{accountId}/quota`, newer API edition); `None` when the
    /// deployment does not have the endpoint (404).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an account id that is not letters and digits; any
    /// other [`Error`] but [`Error::Pagination`].
    pub async fn quota(&self, account_id: &str) -> Result<Option<Quota>, Error> {
        let id = account_id.trim();
        if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(Error::invalid(crate::api::error::Invalid::AccountId, id.chars().take(64).collect::<String>()));
        }
        let url = [self.config.base_url.as_str(), "/account/", id, "/quota"].concat();
        match self.get(self.transport.begin(), url, Priority::Interactive).await {
            Ok(answer) => self.read(crate::api::decode::read_json(answer.status, &answer.json)).map(Some),
            Err(Error::Api { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Walks every pending received and sent invitation (received first: they are the
    /// badge's data), asks for the exact connection count, and returns one snapshot
    /// with counts, the lists, when it was taken and what it cost.
    ///
    /// # Errors
    /// The first error of either walk; nothing partial is returned. A failed connection
    /// count is not an error: the snapshot then has none.
    pub async fn sync(&self, progress: &mut dyn FnMut(Progress)) -> Result<Snapshot, Error> {
        self.sync_scoped(Scope::All, None, progress).await
    }

    /// A sync of `scope`. [`Scope::Received`] walks the received invitations only and
    /// keeps the sent list (with its time), its skipped items and the connection count
    /// of `previous`; without a previous snapshot it is [`Scope::All`]. Once the
    /// received invitations are in, `progress` gets their counts
    /// ([`Progress::received_counts`]) before anything else is fetched.
    ///
    /// # Errors
    /// As [`Client::sync`].
    pub async fn sync_scoped(
        &self,
        scope: Scope,
        previous: Option<Snapshot>,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Snapshot, Error> {
        self.sync_resumable(scope, previous, Resume::default(), false, progress).await
    }

    /// [`Client::sync_scoped`], going on with the walks of `resume` (a sync a stopped
    /// worker left part-way: no page it took is fetched again) and, with `record`,
    /// reporting after every page the walk's state and the page's new items
    /// ([`Progress::record`]), for the caller to persist.
    ///
    /// # Errors
    /// As [`Client::sync`].
    pub async fn sync_resumable(
        &self,
        scope: Scope,
        previous: Option<Snapshot>,
        resume: Resume,
        record: bool,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Snapshot, Error> {
        let started = self.transport.monotonic_ms();
        let before = self.counters();
        let received = self.pager_from(ListSpec::RECEIVED, resume.received.as_ref()).collect_from(resume.received, record, progress).await?;
        progress(Progress {
            list: List::Received,
            pages: received.pages,
            items: u32::try_from(received.items.len()).unwrap_or(u32::MAX),
            received_counts: Some(Counts::of(&[], &received.items)),
            received: Some(received.clone()),
            record: None,
        });
        let (sent, sent_skipped, sent_taken_at_ms, connection_count, sent_account) = match (scope, previous) {
            (Scope::Received, Some(prev)) => {
                (prev.sent, prev.skipped.sent, prev.sent_taken_at_ms, prev.connection_count, prev.account_id)
            }
            _ => {
                let sent = self.pager_from(ListSpec::SENT, resume.sent.as_ref()).collect_from(resume.sent, record, progress).await?;
                let taken = self.transport.now_ms();
                let connection_count = match self.count_at(Priority::Background).await {
                    Ok(n) => n,
                    Err(Error::Cancelled) => return Err(Error::Cancelled),
                    Err(_) => None,
                };
                (sent.items, sent.skipped, taken, connection_count, sent.account_id)
            }
        };
        let after = self.counters();
        let skipped = crate::api::sync::Skipped { sent: sent_skipped, received: received.skipped };
        Ok(Snapshot {
            taken_at_ms: self.transport.now_ms(),
            sent_taken_at_ms,
            skipped,
            account_id: received.account_id.or(sent_account),
            counts: Counts::of(&sent, &received.items),
            sent,
            received: received.items,
            connection_count,
            cost: Cost {
                requests: after.requests - before.requests,
                pages: after.pages - before.pages,
                retries: after.retries - before.retries,
                duration_ms: self.transport.monotonic_ms() - started,
            },
            partial: crate::api::sync::PartialLists::NONE,
        })
    }
}

/// The parsed body of a 2xx answer, its status, and when it was read.
#[derive(Debug)]
struct Answer {
    status: u16,
    json: crate::api::decode::Body,
    now_ms: f64,
}

/// The response with every occurrence of the API key in its body replaced by `***`.
fn scrub_body(mut resp: RawResponse, key: &str) -> RawResponse {
    if !key.is_empty() && resp.body.contains(key) {
        resp.body = resp.body.replace(key, "***");
    }
    resp
}

/// Percent-encodes a query value (RFC 3986 unreserved characters pass).
fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push('%');
            for d in [b >> 4, b & 0xF] {
                out.push(char::from(b"0123456789ABCDEF".get(usize::from(d)).copied().unwrap_or(b'0')));
            }
        }
    }
    out
}

/// The result of [`Pager::collect_all`].
#[derive(Debug, Clone, PartialEq)]
pub struct Collected<I> {
    /// Distinct items in server order.
    pub items: Vec<I>,
    /// Pages fetched.
    pub pages: u32,
    /// `true` when the walk stopped at the item cap with more to come.
    pub truncated: bool,
    /// The account that served the pages, if the server said.
    pub account_id: Option<String>,
    /// Items that could not be read, over all pages.
    pub skipped: Skips,
}

/// A lazy walk over one list: no request is sent until [`Pager::next_page`] or
/// [`Pager::collect_all`] is polled. Its stop and guard rules are those of [`Walk`].
/// Its pages are [`Priority::Background`]: a walk goes where no request a person waits
/// for loses its slot by it.
#[derive(Debug)]
pub struct Pager<'c, T, I> {
    client: &'c Client<T>,
    spec: ListSpec,
    walk: Walk,
    op: OpToken,
    account_id: Option<String>,
    skipped: Skips,
    _item: PhantomData<I>,
}

impl<T: Transport, I: serde::de::DeserializeOwned + Aged + Keyed> Pager<'_, T, I> {
    /// Fetches the next page and returns its new items, or `None` when the walk is over.
    ///
    /// # Errors
    /// Any [`Error`]. After a transport or API error the same page is requested again
    /// on the next call; after [`Error::Pagination`] the walk is over.
    pub async fn next_page(&mut self) -> Result<Option<Vec<I>>, Error> {
        let Some(start) = self.walk.next_start() else { return Ok(None) };
        let streak = self.walk.empty_streak();
        if streak > 0 {
            // An empty page that is not the end: LinkedIn returned nothing for now.
            let c = self.client;
            let delay = backoff_ms(&c.config.retry, streak - 1, c.transport.random());
            c.transport.sleep(self.op, delay).await?;
        }
        let mut page = self.client.fetch_page(self.op, &self.spec, start, Priority::Background).await?;
        if page.account_id.is_some() {
            self.account_id.clone_from(&page.account_id);
        }
        self.skipped.merge(std::mem::take(&mut page.skipped));
        self.walk.accept(page).map(Some)
    }

    /// Walks to the end, or until `max_items` distinct items are held, calling
    /// `progress` after every page.
    ///
    /// # Errors
    /// The first error; nothing partial is returned.
    pub async fn collect_all(mut self, max_items: Option<usize>, progress: &mut dyn FnMut(Progress)) -> Result<Collected<I>, Error> {
        let mut items = Vec::new();
        let mut truncated = false;
        while let Some(page) = self.next_page().await? {
            items.extend(page);
            progress(Progress {
                list: self.spec.list,
                pages: self.walk.pages(),
                items: u32::try_from(items.len()).unwrap_or(u32::MAX),
                received_counts: None,
                received: None,
                record: None,
            });
            if let Some(max) = max_items {
                if items.len() >= max {
                    truncated = self.walk.next_start().is_some() || items.len() > max;
                    items.truncate(max);
                    break;
                }
            }
        }
        Ok(Collected { items, pages: self.walk.pages(), truncated, account_id: self.account_id, skipped: self.skipped })
    }
}

impl<T: Transport, I: serde::de::DeserializeOwned + serde::Serialize + Aged + Keyed> Pager<'_, T, I> {
    /// Walks to the end from where `partial` stopped (its items come first; a walk that
    /// had ended sends no request), calling `progress` after every page, with the
    /// walk's state and the page's new items when `record` is set.
    ///
    /// # Errors
    /// The first error; nothing partial is returned.
    async fn collect_from(mut self, partial: Option<Partial<I>>, record: bool, progress: &mut dyn FnMut(Progress)) -> Result<Collected<I>, Error> {
        let mut items = Vec::new();
        if let Some(p) = partial {
            items = p.items;
            if p.next_start.is_none() {
                return Ok(Collected { items, pages: p.pages, truncated: false, account_id: p.account_id, skipped: p.skipped });
            }
        }
        while let Some(page) = self.next_page().await? {
            let record = record.then(|| PageRecord {
                next_start: self.walk.next_start(),
                largest_page: u32::try_from(self.walk.largest_page()).unwrap_or(u32::MAX),
                items: serde_json::to_value(&page).unwrap_or_default(),
                skipped: self.skipped.clone(),
                account_id: self.account_id.clone(),
            });
            items.extend(page);
            progress(Progress {
                list: self.spec.list,
                pages: self.walk.pages(),
                items: u32::try_from(items.len()).unwrap_or(u32::MAX),
                received_counts: None,
                received: None,
                record,
            });
        }
        Ok(Collected { items, pages: self.walk.pages(), truncated: false, account_id: self.account_id, skipped: self.skipped })
    }
}


mod pacing;

#[cfg(test)]
pub(crate) mod fake;
#[cfg(test)]
mod tests;
