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

#[cfg(test)]
mod tests {
    use super::*;

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
