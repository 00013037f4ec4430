//! The list walk (`paginate::Walk`) on any sequence of pages, and on honest servers.
//!
//! On any pages (item counts, ids from a small space so that repeats happen, echoed
//! `startIndex` values, `endOfList` true / false / absent), with `R` the requests, `D`
//! the distinct items accepted and `p` the known page size:
//!
//! * every page is decided as the documented rules say (go on, end, or which error),
//!   the walk asks for the offset they say, and returns each new item exactly once
//!   (offsets saturate at `u32::MAX`: past 4,294,967,295 items a page with new items
//!   cannot move the offset, so the same offset is asked again; the bounds still hold);
//! * `R ≤ max(1, max_pages)` (the page cap);
//! * `R = P + E + 1`: `P` pages that went on with new items (`P ≤ D`), `E` empty
//!   `endOfList: false` pages that went on (at most `MAX_EMPTY_PAGES − 1` in a row, so
//!   `E ≤ (MAX_EMPTY_PAGES − 1)(P + 1)`), and the one page that ended the walk, well or
//!   in error; hence `R ≤ MAX_EMPTY_PAGES · (D + 1)`, which is tight;
//! * with `p` known: `R ≤ ⌊D / p⌋ + A + 1`, where `A` counts the pages that went on
//!   although empty, short (only `endOfList: false` allows that) or holding a repeated
//!   item: a clean page that goes on carries at least `p` new items;
//! * with `p` unknown: the pages without `endOfList` that go on never shrink.
//!
//! On an honest server (a list of `n` items, offsets echoed; older edition: fixed pages,
//! newer edition: any page lengths, transient empty pages, `endOfList: true` at the
//! end) the walk returns exactly the list, in order, with exactly the expected number of
//! requests (e.g. `⌊n / p⌋ + 1` for known full pages), or the page-cap error when that
//! number is above the cap.

use arbitrary::Arbitrary;
use pending_core::api::models::Keyed;
use pending_core::api::paginate::{Walk, MAX_EMPTY_PAGES};
use pending_core::{Error, Page, PaginationError};
use std::collections::HashSet;

/// A list item with an id.
#[derive(Debug, Clone, PartialEq)]
pub struct It(pub u32);

impl Keyed for It {
    fn key(&self) -> String {
        self.0.to_string()
    }
}

/// Ids are drawn from this many values, so that pages repeat items.
pub const ID_SPACE: u32 = 40;

/// A walk over scripted pages or over an honest server.
#[derive(Debug, Clone, Arbitrary)]
pub enum WalkCase {
    /// Any pages, served in order and then again from the start.
    Script(WalkScript),
    /// A list served by the rules.
    Honest(HonestList),
}

impl WalkCase {
    /// Runs the walk and checks it.
    pub fn check(&self) {
        match self {
            WalkCase::Script(s) => s.check(),
            WalkCase::Honest(h) => h.check(),
        }
    }
}

/// Pages a server might send, whatever they mean.
#[derive(Debug, Clone, Arbitrary)]
pub struct WalkScript {
    page_size: Option<u8>,
    max_pages: u16,
    start: Option<u32>,
    pages: Vec<PageScript>,
}

/// One scripted page: `len % 24` items with ids `first, first + step, …` modulo
/// [`ID_SPACE`].
#[derive(Debug, Clone, Arbitrary)]
pub struct PageScript {
    len: u8,
    first: u8,
    step: u8,
    echo: Echo,
    end_of_list: Option<bool>,
}

/// The `startIndex` a page echoes.
#[derive(Debug, Clone, Arbitrary)]
pub enum Echo {
    /// None.
    Absent,
    /// The requested one.
    Same,
    /// Below the requested one.
    Behind(u8),
    /// Above the requested one.
    Ahead(u8),
    /// Any.
    Value(u32),
}

/// What the rules say about a page.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Decision {
    /// The walk goes on at a later offset (items were new).
    Continue,
    /// The walk goes on at the same offset (an empty `endOfList: false` page).
    Retry,
    /// The walk is over, well.
    End,
    /// The walk is over with this error.
    NotAdvancing,
    EmptyPages,
    RepeatedPage,
    PageCap,
}

/// What the walk decided about a page of `len` items. (Whether it goes on at the same
/// offset is checked on the next request: at offset `u32::MAX` a page with items cannot
/// move the offset, which saturates.)
fn outcome_of(result: &Result<Vec<It>, Error>, walk: &Walk, len: usize) -> Decision {
    match result {
        Ok(_) if walk.is_done() => Decision::End,
        Ok(_) if len == 0 => Decision::Retry,
        Ok(_) => Decision::Continue,
        Err(Error::Pagination(PaginationError::NotAdvancing { .. })) => Decision::NotAdvancing,
        Err(Error::Pagination(PaginationError::EmptyPages { .. })) => Decision::EmptyPages,
        Err(Error::Pagination(PaginationError::RepeatedPage { .. })) => Decision::RepeatedPage,
        Err(Error::Pagination(PaginationError::PageCap { .. })) => Decision::PageCap,
        Err(e) => panic!("a walk fails only with a pagination error: {e:?}"),
    }
}

impl WalkScript {
    fn page(&self, k: usize, start: u32) -> (Vec<u32>, Option<u32>, Option<bool>) {
        let Some(spec) = (!self.pages.is_empty()).then(|| &self.pages[k % self.pages.len()]) else {
            return (Vec::new(), None, None);
        };
        let ids = (0..u32::from(spec.len % 24))
            .map(|i| (u32::from(spec.first) + i * u32::from(spec.step)) % ID_SPACE)
            .collect();
        let echoed = match spec.echo {
            Echo::Absent => None,
            Echo::Same => Some(start),
            Echo::Behind(d) => Some(start.saturating_sub(u32::from(d) + 1)),
            Echo::Ahead(d) => Some(start.saturating_add(u32::from(d))),
            Echo::Value(v) => Some(v),
        };
        (ids, echoed, spec.end_of_list)
    }

    /// Runs the walk over the scripted pages and checks every rule and bound.
    pub fn check(&self) {
        let size = self.page_size.map(usize::from);
        let known = size.filter(|s| *s > 0);
        let max_pages = u32::from(self.max_pages);
        let cap = max_pages.max(1);
        let mut walk = match self.start {
            Some(s) => Walk::starting_at(s, size, max_pages),
            None => Walk::new(size, max_pages),
        };
        let mut requested = self.start.unwrap_or(0);
        let mut seen: HashSet<u32> = HashSet::new();
        let mut returned: Vec<u32> = Vec::new();
        let (mut streak, mut largest) = (0u32, 0usize);
        let (mut requests, mut productive, mut empties, mut anomalous) = (0u32, 0u32, 0u32, 0u32);
        let mut last_none_len: Option<usize> = None;
        let mut ended = None;

        while let Some(start) = walk.next_start() {
            assert_eq!(start, requested, "the walk asks for the offset the rules say");
            assert_eq!(walk.empty_streak(), streak, "empty streak");
            requests += 1;
            assert!(requests <= MAX_EMPTY_PAGES * (ID_SPACE + 1), "the walk does not end: {requests} requests");
            let (ids, echoed, end_of_list) = self.page(requests as usize - 1, start);
            let len = ids.len();
            let mut fresh = Vec::new();
            let mut page_seen = seen.clone();
            for id in &ids {
                if page_seen.insert(*id) {
                    fresh.push(*id);
                }
            }
            let short = match known {
                Some(p) => len < p,
                None => len < largest,
            };
            let want = if echoed.is_some_and(|e| e < start) {
                Decision::NotAdvancing
            } else if len == 0 && end_of_list == Some(false) {
                if streak + 1 >= MAX_EMPTY_PAGES {
                    Decision::EmptyPages
                } else if requests >= cap {
                    Decision::PageCap
                } else {
                    Decision::Retry
                }
            } else if len == 0 {
                Decision::End
            } else if fresh.is_empty() && end_of_list != Some(true) {
                Decision::RepeatedPage
            } else if end_of_list.unwrap_or(short) {
                Decision::End
            } else if requests >= cap {
                Decision::PageCap
            } else {
                Decision::Continue
            };
            let page = Page { echoed_start: echoed, end_of_list, ..Page::of(ids.iter().map(|i| It(*i)).collect()) };
            let result = walk.accept(page);
            let got = outcome_of(&result, &walk, len);
            assert_eq!(got, want, "page {requests} at {start}: {ids:?} echo {echoed:?} endOfList {end_of_list:?}");
            assert_eq!(walk.pages(), requests, "pages counted");

            // Commit the page to the model as the rules do.
            let accepted = matches!(want, Decision::Continue | Decision::End | Decision::PageCap) && len > 0;
            if accepted {
                seen = page_seen;
                requested = requested.saturating_add(len as u32);
                if end_of_list.is_none() {
                    if known.is_none() && want == Decision::Continue {
                        assert!(last_none_len.is_none_or(|l| len >= l), "a page that goes on never shrinks");
                        last_none_len = Some(len);
                    }
                    largest = largest.max(len);
                }
            }
            match &result {
                Ok(items) => {
                    let items: Vec<u32> = items.iter().map(|i| i.0).collect();
                    let want_items = if accepted { fresh.clone() } else { Vec::new() };
                    assert_eq!(items, want_items, "the page's new items, in order");
                    returned.extend(items);
                }
                Err(_) => assert!(walk.next_start().is_none() && walk.is_done(), "an error ends the walk"),
            }
            streak = if len == 0 && want == Decision::Retry { streak + 1 } else { 0 };
            match want {
                Decision::Continue => {
                    productive += 1;
                    if fresh.len() < len || known.is_some_and(|p| len < p) {
                        anomalous += 1;
                    }
                }
                Decision::Retry => {
                    empties += 1;
                    anomalous += 1;
                }
                other => ended = Some(other),
            }
        }

        // The walk is over and stays over.
        assert!(ended.is_some(), "the walk ended without deciding to");
        assert!(walk.accept(Page { end_of_list: Some(false), ..Page::of(vec![It(0)]) }).is_ok_and(|v| v.is_empty()));
        assert_eq!((walk.next_start(), walk.pages()), (None, requests));

        let distinct: HashSet<u32> = returned.iter().copied().collect();
        assert_eq!(distinct.len(), returned.len(), "an item returned twice");
        let d = walk.items() as u32;
        assert!(returned.len() as u32 <= d && d <= ID_SPACE, "items {} of {d}", returned.len());

        // The bounds.
        assert!(requests <= cap, "{requests} requests, cap {cap}");
        assert_eq!(requests, productive + empties + 1, "every request went on with items, went on empty, or ended");
        assert!(productive <= d, "{productive} pages went on with {d} items");
        assert!(empties <= (MAX_EMPTY_PAGES - 1) * (productive + 1), "{empties} empty pages among {productive}");
        assert!(requests <= MAX_EMPTY_PAGES * (d + 1), "{requests} requests for {d} items");
        if let Some(p) = known {
            assert!(requests <= d / p as u32 + anomalous + 1, "{requests} requests for {d} items, page {p}, {anomalous} anomalies");
        }
    }
}

/// A list of `n` items served by the rules.
#[derive(Debug, Clone, Arbitrary)]
pub struct HonestList {
    n: u16,
    newer: bool,
    page: u8,
    size_known: bool,
    echo: bool,
    chunks: Vec<u8>,
    gaps: Vec<u8>,
    last_flagged: bool,
    max_pages: u16,
}

impl HonestList {
    /// Walks the list and checks it comes back whole with the expected requests.
    pub fn check(&self) {
        let n = u32::from(self.n % 500);
        let s = u32::from(self.page % 30) + 1;
        let cap = u32::from(self.max_pages).max(1);
        let size = self.size_known.then_some(s as usize);
        let mut walk = Walk::new(size, u32::from(self.max_pages));

        // The server's pages, in order, for the walk's requests.
        let mut pages: Vec<(u32, u32, Option<bool>)> = Vec::new(); // (from, len, endOfList)
        if self.newer {
            let (mut pos, mut k) = (0, 0);
            loop {
                let gap = self.gaps.get(k % self.gaps.len().max(1)).map_or(0, |g| u32::from(*g) % MAX_EMPTY_PAGES);
                for _ in 0..gap {
                    pages.push((pos, 0, Some(false)));
                }
                if pos >= n {
                    pages.push((pos, 0, Some(true)));
                    break;
                }
                let c = self.chunks.get(k % self.chunks.len().max(1)).map_or(s, |c| u32::from(*c) % 30 + 1);
                let len = c.min(n - pos);
                let last = pos + len >= n && self.last_flagged;
                pages.push((pos, len, Some(last)));
                pos += len;
                k += 1;
                if last {
                    break;
                }
            }
        } else {
            let mut pos = 0;
            loop {
                let len = s.min(n - pos);
                pages.push((pos, len, None));
                pos += len;
                let short = match size {
                    Some(_) => len < s,
                    None => len == 0 || (len < s && pos > len),
                };
                if len == 0 || short {
                    break;
                }
            }
        }
        let expected = pages.len() as u32;

        let mut got = Vec::new();
        let mut requests = 0u32;
        let mut result = Ok(());
        while let Some(start) = walk.next_start() {
            let (from, len, end_of_list) = pages[requests as usize];
            assert_eq!(start, from, "request {requests} asks for the next offset");
            requests += 1;
            let page = Page { echoed_start: self.echo.then_some(start), end_of_list, ..Page::of((from..from + len).map(It).collect()) };
            match walk.accept(page) {
                Ok(items) => got.extend(items.into_iter().map(|i| i.0)),
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        if expected <= cap {
            assert!(result.is_ok(), "{result:?}");
            assert_eq!(got, (0..n).collect::<Vec<_>>(), "the whole list, in order");
            assert_eq!(requests, expected, "requests for {n} items");
        } else {
            assert!(matches!(result, Err(Error::Pagination(PaginationError::PageCap { .. }))), "{result:?}");
            assert_eq!(requests, cap);
            assert_eq!(got, (0..got.len() as u32).collect::<Vec<_>>(), "a prefix of the list");
        }
        if !self.newer && expected <= cap {
            // The documented request counts of the older edition.
            let want = match size {
                Some(p) => n / p as u32 + 1,
                None if n == 0 => 1,
                None if n < s => 2,
                None => n / s + 1,
            };
            assert_eq!(requests, want, "older edition, {n} items, pages of {s}, size known: {}", size.is_some());
        }
    }
}
