//! The stop and guard rules of an offset-paged list walk, as a pure state machine.
//!
//! The API pages by `startIndex`. [`Walk`] decides, from each page it is given, where
//! the next page starts and whether there is one. This is the one place that decides
//! where a list ends; the sync, the connections cursor and the JavaScript pages all ask it.
//!
//! **Where the page says `endOfList`** (the newer API edition: received invitations and
//! connections), the flag decides:
//! * `endOfList: true` ends the walk (its items, if any, are kept);
//! * `endOfList: false` goes on, even after a short page (LinkedIn returns short pages
//!   mid-list) or an empty one. An empty page advances nothing, so the same offset is
//!   asked again (after a backoff, see [`Walk::empty_streak`]); after
//!   [`MAX_EMPTY_PAGES`] empty pages in a row the walk ends with
//!   [`PaginationError::EmptyPages`] rather than a count that may be short.
//!
//! **Where it is absent** (older deployments, and sent invitations, which document no
//! stop signal), the older rules hold:
//! * it stops on an empty page;
//! * it stops on a page shorter than the page size when the size is known (received
//!   invitations: 10; connections: the requested `limit`), and otherwise on a page
//!   shorter than the largest page already seen (sent invitations).
//!
//! Either way:
//! * it advances by the number of items actually returned, never by a fixed step;
//! * it never asks for a page again: a server that echoes a lower `startIndex`, a
//!   non-empty page made only of items already seen, [`MAX_UNREADABLE_PAGES`] pages in
//!   a row of which nothing could be read, or a walk past the page cap ends in an
//!   [`Error::Pagination`] instead of another request;
//! * items that could not be read still count as returned (they move the server's
//!   offsets), so they never make a page look short or empty;
//! * items repeated across pages (the list shifted during the walk) are dropped.

use crate::api::decode::Page;
use crate::api::error::{Error, PaginationError};
use crate::api::models::Keyed;

/// Empty `endOfList: false` pages in a row after which a walk gives up.
pub const MAX_EMPTY_PAGES: u32 = 3;

/// Non-empty pages in a row of which no item could be read, after which a walk gives up
/// (unreadable items have no identity, so this is what stops a server that repeats
/// such a page forever).
pub const MAX_UNREADABLE_PAGES: u32 = 10;

/// The state of one walk over a list.
#[derive(Debug, Clone)]
pub struct Walk {
    next_start: u32,
    page_size: Option<usize>,
    largest_page: usize,
    max_pages: u32,
    pages: u32,
    items: usize,
    empty_streak: u32,
    unreadable_streak: u32,
    /// Keys of the items returned so far, sorted (a binary search: no B-tree or hash
    /// table compiled into the WebAssembly for this one set).
    seen: Vec<String>,
    done: bool,
}

impl Walk {
    /// A walk from offset 0. `page_size` is the documented size of a full page, if
    /// known; `max_pages` caps the walk.
    pub fn new(page_size: Option<usize>, max_pages: u32) -> Self {
        Walk {
            next_start: 0,
            page_size: page_size.filter(|s| *s > 0),
            largest_page: 0,
            max_pages: max_pages.max(1),
            pages: 0,
            items: 0,
            empty_streak: 0,
            unreadable_streak: 0,
            seen: Vec::new(),
            done: false,
        }
    }

    /// A walk that goes on from `start` (a cursor whose earlier pages were taken by
    /// another walk, e.g. before the service worker restarted).
    pub fn starting_at(start: u32, page_size: Option<usize>, max_pages: u32) -> Self {
        Walk { next_start: start, ..Walk::new(page_size, max_pages) }
    }

    /// A walk that goes on where an interrupted one stopped (its state persisted after
    /// every page by the app layer's controller): the next offset, the pages taken, the
    /// largest page seen (the short-page rule of lists without a documented page size)
    /// and the keys of the items already held (so none is taken twice).
    pub fn resume(
        next_start: u32,
        pages: u32,
        largest_page: usize,
        keys: impl IntoIterator<Item = String>,
        page_size: Option<usize>,
        max_pages: u32,
    ) -> Self {
        let mut seen: Vec<String> = keys.into_iter().collect();
        seen.sort_unstable();
        seen.dedup();
        Walk { next_start, pages, largest_page, items: seen.len(), seen, ..Walk::new(page_size, max_pages) }
    }

    /// The largest page seen so far (items, readable or not).
    pub fn largest_page(&self) -> usize {
        self.largest_page
    }

    /// The offset of the next page to request, or `None` when the walk is over.
    pub fn next_start(&self) -> Option<u32> {
        (!self.done).then_some(self.next_start)
    }

    /// Whether the walk is over.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Pages accepted so far.
    pub fn pages(&self) -> u32 {
        self.pages
    }

    /// Distinct items accepted so far.
    pub fn items(&self) -> usize {
        self.items
    }

    /// Empty `endOfList: false` pages in a row just before the next request: when it is
    /// not 0, the next request repeats the same offset and the caller should back off.
    pub fn empty_streak(&self) -> u32 {
        self.empty_streak
    }

    /// Takes the page fetched at [`Walk::next_start`] and returns its items not seen
    /// before in this walk, in server order.
    ///
    /// # Errors
    /// [`Error::Pagination`] when the page would make the walk loop, too many empty
    /// pages came in a row, or the page cap is reached with more pages to come; the
    /// walk is then over.
    pub fn accept<T: Keyed>(&mut self, page: Page<T>) -> Result<Vec<T>, Error> {
        // Only the de-duplication depends on the item type; the rules around it are
        // compiled once, not once per list.
        let shape = Shape {
            echoed_start: page.echoed_start,
            len: page.raw_len.max(page.items.len()),
            readable: !page.items.is_empty(),
            end_of_list: page.end_of_list,
        };
        if !self.before_items(&shape)? {
            return Ok(Vec::new());
        }
        let fresh: Vec<T> = page.items.into_iter().filter(|i| insert_sorted(&mut self.seen, i.key())).collect();
        self.after_items(&shape, fresh.len()).map(|()| fresh)
    }

    /// The rules that apply before a page's items are looked at: `Ok(false)` when the
    /// page has none to take (the walk is over, or an empty page to retry).
    fn before_items(&mut self, page: &Shape) -> Result<bool, Error> {
        let requested = self.next_start;
        if self.done {
            return Ok(false);
        }
        self.pages += 1;
        if let Some(echoed) = page.echoed_start.filter(|e| *e < requested) {
            return self.fail(PaginationError::NotAdvancing { requested, echoed });
        }
        // Unreadable items count: they are on the server's page and move its offsets.
        if page.len == 0 {
            if page.end_of_list == Some(false) {
                self.empty_streak += 1;
                if self.empty_streak >= MAX_EMPTY_PAGES {
                    return self.fail(PaginationError::EmptyPages { start_index: requested, pages: self.empty_streak });
                }
                return self.check_cap().map(|()| false);
            }
            self.done = true;
            return Ok(false);
        }
        self.empty_streak = 0;
        Ok(true)
    }

    /// The rules that apply once the page's `fresh` new items are known.
    fn after_items(&mut self, page: &Shape, fresh: usize) -> Result<(), Error> {
        let requested = self.next_start;
        let len = page.len;
        let end = page.end_of_list == Some(true);
        if page.readable {
            self.unreadable_streak = 0;
            if fresh == 0 && !end {
                return self.fail(PaginationError::RepeatedPage { start_index: requested });
            }
        } else {
            self.unreadable_streak += 1;
            if self.unreadable_streak >= MAX_UNREADABLE_PAGES && !end {
                let pages = self.unreadable_streak;
                return self.fail(PaginationError::UnreadablePages { start_index: requested, pages });
            }
        }
        self.items += fresh;
        self.next_start = requested.saturating_add(u32::try_from(len).unwrap_or(u32::MAX));
        let last = match page.end_of_list {
            Some(end) => end,
            None => {
                let short = match self.page_size {
                    Some(size) => len < size,
                    None => len < self.largest_page,
                };
                self.largest_page = self.largest_page.max(len);
                short
            }
        };
        if last {
            self.done = true;
            return Ok(());
        }
        self.check_cap()
    }

    fn fail<T>(&mut self, e: PaginationError) -> Result<T, Error> {
        self.done = true;
        Err(Error::Pagination(e))
    }

    /// More pages are to come: an error if the cap is reached.
    fn check_cap(&mut self) -> Result<(), Error> {
        if self.pages >= self.max_pages {
            let max_pages = self.max_pages;
            return self.fail(PaginationError::PageCap { max_pages });
        }
        Ok(())
    }
}

/// What the stop rules need of a page, whatever its item type.
#[derive(Debug)]
struct Shape {
    echoed_start: Option<u32>,
    /// Elements on the server's page, readable or not.
    len: usize,
    /// Whether any element could be read.
    readable: bool,
    end_of_list: Option<bool>,
}

/// Inserts `key` into the sorted `set`; `false` when it was there already.
fn insert_sorted(set: &mut Vec<String>, key: String) -> bool {
    match set.binary_search(&key) {
        Ok(_) => false,
        Err(at) => {
            set.insert(at, key);
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct It(u32);
    impl Keyed for It {
        fn key(&self) -> String {
            self.0.to_string()
        }
    }

    fn page(range: std::ops::Range<u32>, echoed: Option<u32>) -> Page<It> {
        Page { echoed_start: echoed, ..Page::of(range.map(It).collect()) }
    }

    /// Runs a walk against a list served by `serve(start) -> page`, returning the items,
    /// the number of requests and the outcome.
    fn run(mut walk: Walk, mut serve: impl FnMut(u32) -> Page<It>) -> (Vec<u32>, u32, Result<(), Error>) {
        let mut out = Vec::new();
        let mut requests = 0;
        while let Some(start) = walk.next_start() {
            requests += 1;
            assert!(requests < 10_000, "walk does not end");
            match walk.accept(serve(start)) {
                Ok(items) => out.extend(items.into_iter().map(|i| i.0)),
                Err(e) => return (out, requests, Err(e)),
            }
        }
        (out, requests, Ok(()))
    }

    fn list(n: u32, size: u32) -> impl FnMut(u32) -> Page<It> {
        move |start| page(start.min(n)..(start + size).min(n), Some(start))
    }

    #[test]
    fn known_page_size_request_counts() {
        for (n, want_requests) in [(0, 1), (1, 1), (9, 1), (10, 2), (11, 2), (20, 3), (1000, 101)] {
            let (items, requests, r) = run(Walk::new(Some(10), 1000), list(n, 10));
            assert!(r.is_ok());
            assert_eq!(items, (0..n).collect::<Vec<_>>(), "n={n}");
            assert_eq!(requests, want_requests, "n={n}");
        }
    }

    #[test]
    fn unknown_page_size_needs_one_more_request_to_confirm() {
        // Sent invitations: page size undocumented. A short page after a full one ends
        // the walk; a list that is a whole number of pages needs one empty page.
        for (n, want_requests) in [(0, 1), (1, 2), (10, 2), (11, 2), (25, 3), (30, 4), (1000, 101)] {
            let (items, requests, r) = run(Walk::new(None, 1000), list(n, 10));
            assert!(r.is_ok());
            assert_eq!(items.len() as u32, n);
            assert_eq!(requests, want_requests, "n={n}");
        }
    }

    #[test]
    fn longer_pages_than_documented_are_taken_whole() {
        let (items, requests, r) = run(Walk::new(Some(10), 1000), list(60, 25));
        assert!(r.is_ok());
        assert_eq!(items, (0..60).collect::<Vec<_>>());
        assert_eq!(requests, 4, "25 + 25 + 10 (not short against 10) + an empty page");
    }

    #[test]
    fn a_page_repeated_forever_is_an_error_not_a_loop() {
        let (items, requests, r) = run(Walk::new(Some(10), 1000), |_| page(0..10, Some(0)));
        assert_eq!(items.len(), 10);
        assert_eq!(requests, 2);
        assert!(matches!(r, Err(Error::Pagination(PaginationError::NotAdvancing { requested: 10, echoed: 0 }))));
        let (_, requests, r) = run(Walk::new(Some(10), 1000), |_| page(0..10, None));
        assert_eq!(requests, 2);
        assert!(matches!(r, Err(Error::Pagination(PaginationError::RepeatedPage { start_index: 10 }))));
    }

    #[test]
    fn a_list_growing_at_the_front_loses_no_item_and_repeats_none() {
        // Two new items are put at the front after every request.
        let mut front = 0u32;
        let (items, _, r) = run(Walk::new(Some(10), 1000), move |start| {
            let all: Vec<u32> = (0..front).map(|i| 10_000 + i).rev().chain(0..35).collect();
            front += 2;
            let items = all.iter().skip(start as usize).take(10).map(|i| It(*i)).collect();
            Page { echoed_start: Some(start), ..Page::of(items) }
        });
        assert!(r.is_ok());
        let originals: Vec<u32> = items.iter().copied().filter(|i| *i < 10_000).collect();
        assert_eq!(originals, (0..35).collect::<Vec<_>>());
        let mut dedup = items.clone();
        dedup.sort_unstable();
        dedup.dedup();
        assert_eq!(dedup.len(), items.len());
    }

    #[test]
    fn page_cap_is_an_error_when_more_is_announced() {
        let (items, requests, r) = run(Walk::new(Some(10), 3), list(1000, 10));
        assert_eq!((items.len(), requests), (20, 3), "the capped page is an error, not data");
        assert!(matches!(r, Err(Error::Pagination(PaginationError::PageCap { max_pages: 3 }))));
        // A list that ends on the last allowed page is fine.
        let (items, _, r) = run(Walk::new(Some(10), 3), list(25, 10));
        assert!(r.is_ok());
        assert_eq!(items.len(), 25);
    }

    #[test]
    fn duplicates_inside_one_page_are_dropped() {
        let mut walk = Walk::new(Some(10), 10);
        let items = walk.accept(Page::of(vec![It(1), It(1), It(2)])).unwrap();
        assert_eq!(items, vec![It(1), It(2)]);
        assert_eq!(walk.next_start(), None, "3 < 10: short page");
        assert_eq!(walk.items(), 2);
    }

    fn flagged(range: std::ops::Range<u32>, end: Option<bool>) -> Page<It> {
        Page { end_of_list: end, ..Page::of(range.map(It).collect()) }
    }

    /// Every combination of the flag (absent, true, false), the page length (empty,
    /// short, full, longer than documented) and the page size (known, unknown), on the
    /// second page of a walk whose first page was full: does the walk go on?
    #[test]
    fn stop_rules_for_every_combination() {
        let lens = [0u32, 4, 10, 25];
        for size in [Some(10usize), None] {
            for end in [None, Some(true), Some(false)] {
                for len in lens {
                    let mut walk = Walk::new(size, 100);
                    walk.accept(flagged(0..10, end.map(|_| false))).unwrap();
                    let got = walk.accept(flagged(10..10 + len, end));
                    let goes_on = walk.next_start().is_some();
                    let want = match (end, len) {
                        (Some(true), _) => false,
                        (Some(false), _) => true,
                        (None, 0) => false,
                        (None, l) => l >= 10, // short against 10 (known) or against the largest seen (10)
                    };
                    assert!(got.is_ok(), "size={size:?} end={end:?} len={len}");
                    assert_eq!(goes_on, want, "size={size:?} end={end:?} len={len}");
                    assert_eq!(walk.items(), 10 + len as usize);
                    if goes_on {
                        assert_eq!(walk.next_start(), Some(10 + len), "advances by the items returned");
                    }
                }
            }
        }
    }

    #[test]
    fn end_of_list_walk_of_10_4_10_2_then_the_end() {
        let sizes = [10u32, 4, 10, 2];
        let mut walk = Walk::new(Some(10), 100);
        let mut got = 0;
        let mut requests = 0;
        while let Some(start) = walk.next_start() {
            requests += 1;
            let n = sizes.get(requests - 1).copied().unwrap_or(0);
            got += walk.accept(flagged(start..start + n, Some(n == 0))).unwrap().len();
        }
        assert_eq!((got, requests), (26, 5));
    }

    #[test]
    fn empty_pages_not_at_the_end_repeat_the_offset_then_fail() {
        let mut walk = Walk::new(Some(10), 100);
        walk.accept(flagged(0..10, Some(false))).unwrap();
        for streak in 1..MAX_EMPTY_PAGES {
            assert!(walk.accept(flagged(0..0, Some(false))).unwrap().is_empty());
            assert_eq!((walk.next_start(), walk.empty_streak()), (Some(10), streak));
        }
        let e = walk.accept(flagged(0..0, Some(false))).unwrap_err();
        assert!(matches!(e, Error::Pagination(PaginationError::EmptyPages { start_index: 10, pages: MAX_EMPTY_PAGES })));
        assert_eq!(walk.next_start(), None);
        // A page with items in between resets the streak.
        let mut walk = Walk::new(Some(10), 100);
        for k in 0..10u32 {
            walk.accept(flagged(0..0, Some(false))).unwrap();
            walk.accept(flagged(k * 3..k * 3 + 3, Some(false))).unwrap();
        }
        assert_eq!((walk.items(), walk.empty_streak()), (30, 0));
    }

    #[test]
    fn end_of_list_walks_keep_the_loop_guards() {
        // A page cap still ends a list that never says it ended.
        let (items, requests, r) = run(Walk::new(Some(10), 3), |s| flagged(s..s + 10, Some(false)));
        assert_eq!((items.len(), requests), (20, 3));
        assert!(matches!(r, Err(Error::Pagination(PaginationError::PageCap { max_pages: 3 }))));
        // A repeated page with `endOfList: false` is still a repeat.
        let (_, requests, r) = run(Walk::new(Some(10), 100), |_| flagged(0..10, Some(false)));
        assert_eq!(requests, 2);
        assert!(matches!(r, Err(Error::Pagination(PaginationError::RepeatedPage { .. }))));
        // Items on the page that says it is the last are kept.
        let mut walk = Walk::new(Some(10), 100);
        assert_eq!(walk.accept(flagged(0..3, Some(true))).unwrap().len(), 3);
        assert_eq!(walk.next_start(), None);
        // The empty-page streak counts towards the cap too.
        let mut walk = Walk::new(Some(10), 2);
        walk.accept(flagged(0..0, Some(false))).unwrap();
        assert!(matches!(walk.accept(flagged(0..0, Some(false))), Err(Error::Pagination(PaginationError::PageCap { .. }))));
    }

    #[test]
    fn unreadable_items_keep_their_place() {
        // 10 elements of which 4 could not be read: not a short page, and the next page
        // starts after all 10.
        let mut walk = Walk::new(Some(10), 100);
        let page = Page { raw_len: 10, ..Page::of((0..6).map(It).collect()) };
        assert_eq!(walk.accept(page).unwrap().len(), 6);
        assert_eq!(walk.next_start(), Some(10));
        // A page of which nothing could be read is not the end and not a repeat.
        let page: Page<It> = Page { raw_len: 10, ..Page::of(vec![]) };
        assert!(walk.accept(page).unwrap().is_empty());
        assert_eq!(walk.next_start(), Some(20));
        // ... but such pages forever end the walk.
        let mut walk = Walk::new(Some(10), 1_000);
        let mut requests = 0;
        let r = loop {
            requests += 1;
            match walk.accept(Page::<It> { raw_len: 10, ..Page::of(vec![]) }) {
                Ok(_) if walk.next_start().is_some() => continue,
                other => break other,
            }
        };
        assert!(matches!(r, Err(Error::Pagination(PaginationError::UnreadablePages { pages: MAX_UNREADABLE_PAGES, .. }))));
        assert_eq!(requests, MAX_UNREADABLE_PAGES);
    }
}
