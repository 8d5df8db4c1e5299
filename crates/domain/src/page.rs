//! Cursor pagination requests, shared by every list. Lists are ordered newest first; the cursor
//! is the id of the last item seen (ids are UUIDv7, so id order is creation order).

use uuid::Uuid;

/// The most items one page may hold.
pub const MAX_PAGE_SIZE: u64 = 100;
/// The page size when the client names none.
pub const DEFAULT_PAGE_SIZE: u64 = 20;

/// Which way a page is read: `Forward` reads `first` items after a cursor, `Backward` reads
/// `last` items before one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// `first`/`after`.
    Forward,
    /// `last`/`before`.
    Backward,
}

/// A validated page request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PageRequest {
    /// Items older than this id (exclusive), when set.
    pub after: Option<Uuid>,
    /// Items newer than this id (exclusive), when set.
    pub before: Option<Uuid>,
    /// How many items, 1..=100.
    pub limit: u64,
    /// Which end of the window the items are taken from.
    pub direction: Direction,
}

impl PageRequest {
    /// The first `limit` items, newest first.
    pub fn first(limit: u64) -> Self {
        Self {
            after: None,
            before: None,
            limit,
            direction: Direction::Forward,
        }
    }
}

/// One page of items plus what the client needs to ask for the next one.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items, newest first.
    pub items: Vec<T>,
    /// Whether more items follow the last one.
    pub has_next_page: bool,
    /// Whether more items precede the first one.
    pub has_previous_page: bool,
}

impl<T> Default for Page<T> {
    /// An empty page with nothing before or after it.
    fn default() -> Self {
        Self {
            items: Vec::new(),
            has_next_page: false,
            has_previous_page: false,
        }
    }
}

impl<T> Page<T> {
    /// Builds a page from rows fetched with one extra row (`limit + 1`) in the request's
    /// reading order, so the extra row tells whether more exist.
    pub fn from_overfetch(mut rows: Vec<T>, request: &PageRequest) -> Self {
        let limit = usize::try_from(request.limit).unwrap_or(usize::MAX);
        let more = rows.len() > limit;
        rows.truncate(limit);
        match request.direction {
            Direction::Forward => Self {
                items: rows,
                has_next_page: more,
                has_previous_page: request.after.is_some(),
            },
            Direction::Backward => {
                rows.reverse();
                Self {
                    items: rows,
                    has_next_page: request.before.is_some(),
                    has_previous_page: more,
                }
            }
        }
    }

    /// Maps the items with a fallible function, keeping the page flags.
    ///
    /// # Errors
    /// The first error `f` returns.
    pub fn try_map<U, E>(self, f: impl FnMut(T) -> Result<U, E>) -> Result<Page<U>, E> {
        Ok(Page {
            items: self.items.into_iter().map(f).collect::<Result<_, E>>()?,
            has_next_page: self.has_next_page,
            has_previous_page: self.has_previous_page,
        })
    }

    /// Maps the items, keeping the page flags.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            has_next_page: self.has_next_page,
            has_previous_page: self.has_previous_page,
        }
    }
}

/// Which way a list that is loaded whole runs, by the ids its cursors carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListOrder {
    /// Oldest id first (a conversation, read top to bottom).
    OldestFirst,
    /// Newest id first (the order of every stored list).
    NewestFirst,
}

impl<T> Page<T> {
    /// One page of a list that is small enough to be loaded whole (the replies to one comment,
    /// the people who liked it): sorts `items` by `key` in `order`, then takes the window the
    /// request names. A cursor is compared by id, so it stays valid after its item is removed.
    pub fn of_list(mut items: Vec<T>, request: &PageRequest, key: impl Fn(&T) -> Uuid, order: ListOrder) -> Self {
        items.sort_by_key(&key);
        if order == ListOrder::NewestFirst {
            items.reverse();
        }
        // `a` comes before `b` in the list's order.
        let precedes = |a: Uuid, b: Uuid| match order {
            ListOrder::OldestFirst => a < b,
            ListOrder::NewestFirst => a > b,
        };
        let start = request.after.map_or(0, |after| {
            items.iter().take_while(|item| !precedes(after, key(item))).count()
        });
        let end = request.before.map_or(items.len(), |before| {
            items.iter().take_while(|item| precedes(key(item), before)).count()
        });
        let end = end.max(start);
        let limit = usize::try_from(request.limit).unwrap_or(usize::MAX);
        let (from, to) = match request.direction {
            Direction::Forward => (start, end.min(start.saturating_add(limit))),
            Direction::Backward => (end.saturating_sub(limit).max(start), end),
        };
        let total = items.len();
        let items: Vec<T> = items.into_iter().skip(from).take(to - from).collect();
        Self {
            items,
            has_next_page: to < total,
            has_previous_page: from > 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<Uuid> {
        (0..n).map(|_| Uuid::now_v7()).collect()
    }

    #[test]
    fn a_whole_list_pages_forward_and_back_by_id() {
        let all = ids(5);
        let first = Page::of_list(all.clone(), &PageRequest::first(2), |id| *id, ListOrder::OldestFirst);
        assert_eq!(first.items, all[..2]);
        assert!(first.has_next_page);
        assert!(!first.has_previous_page);
        let next = PageRequest {
            after: Some(all[1]),
            ..PageRequest::first(2)
        };
        let second = Page::of_list(all.clone(), &next, |id| *id, ListOrder::OldestFirst);
        assert_eq!(second.items, all[2..4]);
        assert!(second.has_next_page && second.has_previous_page);
        let back = PageRequest {
            after: None,
            before: Some(all[4]),
            limit: 3,
            direction: Direction::Backward,
        };
        let third = Page::of_list(all.clone(), &back, |id| *id, ListOrder::OldestFirst);
        assert_eq!(third.items, all[1..4]);
        assert!(third.has_next_page && third.has_previous_page);
        let newest = Page::of_list(all.clone(), &PageRequest::first(1), |id| *id, ListOrder::NewestFirst);
        assert_eq!(newest.items, vec![all[4]]);
    }

    #[test]
    fn a_cursor_outlives_its_item() {
        let all = ids(4);
        let without_second: Vec<Uuid> = all.iter().copied().filter(|id| *id != all[1]).collect();
        let next = PageRequest {
            after: Some(all[1]),
            ..PageRequest::first(10)
        };
        let page = Page::of_list(without_second, &next, |id| *id, ListOrder::OldestFirst);
        assert_eq!(page.items, all[2..]);
        assert!(page.has_previous_page);
        assert!(!page.has_next_page);
    }

    #[test]
    fn forward_overfetch_sets_next_page() {
        let page = Page::from_overfetch(vec![5, 4, 3], &PageRequest::first(2));
        assert_eq!(page.items, vec![5, 4]);
        assert!(page.has_next_page);
        assert!(!page.has_previous_page);
    }

    #[test]
    fn backward_page_is_returned_newest_first() {
        let request = PageRequest {
            after: None,
            before: Some(Uuid::nil()),
            limit: 2,
            direction: Direction::Backward,
        };
        // Backward reads oldest first; the page must come out newest first.
        let page = Page::from_overfetch(vec![1, 2, 3], &request);
        assert_eq!(page.items, vec![2, 1]);
        assert!(page.has_previous_page);
        assert!(page.has_next_page);
    }
}
