//! Relay cursor connections: argument checking, `PageInfo`, and a macro that declares a
//! connection and edge type for a node type.

use async_graphql::SimpleObject;
use backline_domain::page::{DEFAULT_PAGE_SIZE, Direction, MAX_PAGE_SIZE, PageRequest};
use uuid::Uuid;

use crate::common::error::bad_input;

/// Where a page starts and ends, and whether more exist either side.
#[derive(SimpleObject, Debug, Clone)]
pub(crate) struct PageInfo {
    /// Whether more items follow this page (ask with `after: endCursor`).
    pub(crate) has_next_page: bool,
    /// Whether items precede this page (ask with `before: startCursor`).
    pub(crate) has_previous_page: bool,
    /// Cursor of the first item, if any.
    pub(crate) start_cursor: Option<String>,
    /// Cursor of the last item, if any.
    pub(crate) end_cursor: Option<String>,
}

/// The cursor of an item: its id, opaque to clients.
pub(crate) fn cursor(id: Uuid) -> String {
    id.simple().to_string()
}

fn parse_cursor(field: &str, value: Option<String>) -> async_graphql::Result<Option<Uuid>> {
    value
        .map(|raw| Uuid::try_parse(&raw).map_err(|_| bad_input(field, "is not a cursor this API gave out")))
        .transpose()
}

fn size(field: &str, value: i32) -> async_graphql::Result<u64> {
    match u64::try_from(value) {
        Ok(n) if (1..=MAX_PAGE_SIZE).contains(&n) => Ok(n),
        _ => Err(bad_input(field, format!("must be between 1 and {MAX_PAGE_SIZE}"))),
    }
}

/// Checks connection arguments: `first` (1-100, default 20) with `after`, or `last` with
/// `before`; not `first` and `last` together.
pub(crate) fn page_request(
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> async_graphql::Result<PageRequest> {
    let after = parse_cursor("after", after)?;
    let before = parse_cursor("before", before)?;
    match (first, last) {
        (Some(_), Some(_)) => Err(bad_input("last", "use either first or last, not both")),
        (None, Some(last)) => Ok(PageRequest {
            after,
            before,
            limit: size("last", last)?,
            direction: Direction::Backward,
        }),
        (first, None) => Ok(PageRequest {
            after,
            before,
            limit: first
                .map(|first| size("first", first))
                .transpose()?
                .unwrap_or(DEFAULT_PAGE_SIZE),
            direction: Direction::Forward,
        }),
    }
}

/// Complexity of a list field: its page size times what each item costs.
pub(crate) fn list_complexity(child: usize, first: Option<i32>, last: Option<i32>) -> usize {
    let size = first
        .or(last)
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(20)
        .clamp(1, 100);
    size.saturating_mul(child).saturating_add(1)
}

/// Declares `$connection` and `$edge` for node type `$node` (a wrapper of the domain type
/// `$inner` with `fn cursor_id`), whose total is computed by `TotalCount`. Write
/// `$node($inner)` for a one-field wrapper (the macro writes its `From`), or `$node from $inner`
/// when `$node` already has `From<$inner>`.
macro_rules! connection {
    ($connection:ident, $edge:ident, $node:ident($inner:ty), $gql_connection:literal, $gql_edge:literal, $what:literal) => {
        impl From<$inner> for $node {
            fn from(value: $inner) -> Self {
                Self(value)
            }
        }

        crate::common::pagination::connection!($connection, $edge, $node from $inner, $gql_connection, $gql_edge, $what);
    };
    ($connection:ident, $edge:ident, $node:ident from $inner:ty, $gql_connection:literal, $gql_edge:literal, $what:literal) => {
        impl $connection {
            /// The connection for one page of domain items.
            pub(crate) fn new(page: backline_domain::page::Page<$inner>, total: crate::common::total_count::TotalCount) -> Self {
                let page = page.map($node::from);
                Self {
                    items: page.items,
                    has_next_page: page.has_next_page,
                    has_previous_page: page.has_previous_page,
                    total,
                }
            }
        }

        /// One item of a list, with its cursor.
        #[derive(Clone)]
        pub(crate) struct $edge(pub(crate) $node);

        /// One item of a list, with its cursor.
        #[async_graphql::Object(name = $gql_edge)]
        impl $edge {
            /// Pass this as `after` (or `before`) to continue the list from this item.
            async fn cursor(&self) -> String {
                crate::common::pagination::cursor(self.0.cursor_id())
            }

            /// The item.
            async fn node(&self) -> &$node {
                &self.0
            }
        }

        /// A page of a list, newest first, with what is needed to fetch the next page.
        pub(crate) struct $connection {
            pub(crate) items: Vec<$node>,
            pub(crate) has_next_page: bool,
            pub(crate) has_previous_page: bool,
            pub(crate) total: crate::common::total_count::TotalCount,
        }

        /// A page of a list, newest first, with what is needed to fetch the next page.
        #[async_graphql::Object(name = $gql_connection)]
        impl $connection {
            /// The items with their cursors.
            async fn edges(&self) -> Vec<$edge> {
                self.items.iter().cloned().map($edge).collect()
            }

            /// The items, without cursors.
            async fn nodes(&self) -> &[$node] {
                &self.items
            }

            /// Where this page starts and ends, and whether there is more.
            async fn page_info(&self) -> crate::common::pagination::PageInfo {
                crate::common::pagination::PageInfo {
                    has_next_page: self.has_next_page,
                    has_previous_page: self.has_previous_page,
                    start_cursor: self
                        .items
                        .first()
                        .map(|item| crate::common::pagination::cursor(item.cursor_id())),
                    end_cursor: self
                        .items
                        .last()
                        .map(|item| crate::common::pagination::cursor(item.cursor_id())),
                }
            }

            #[doc = $what]
            async fn total_count(&self, ctx: &async_graphql::Context<'_>) -> async_graphql::Result<u64> {
                self.total.resolve(ctx).await
            }
        }
    };
}

pub(crate) use connection;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_page_arguments() -> async_graphql::Result<()> {
        assert_eq!(page_request(None, None, None, None)?.limit, DEFAULT_PAGE_SIZE);
        assert_eq!(page_request(Some(100), None, None, None)?.limit, 100);
        assert!(page_request(Some(0), None, None, None).is_err());
        assert!(page_request(Some(101), None, None, None).is_err());
        assert!(page_request(Some(5), None, Some(5), None).is_err());
        assert!(page_request(Some(5), Some("nope".into()), None, None).is_err());
        let backward = page_request(None, None, Some(3), Some(cursor(Uuid::now_v7())))?;
        assert_eq!(backward.direction, Direction::Backward);
        Ok(())
    }
}
