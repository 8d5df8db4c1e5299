//! The limits every request is held to before it runs. A document is first scanned as text
//! (tokens, bracket nesting), then parsed once, then measured in one pass with each fragment
//! measured once ([`analysis`]): selections, depth, introspection depth, complexity, aliases and
//! root fields. Each step is linear in the document's size and stops at the first limit
//! crossed, so no document, however crafted, makes the server do more than a bounded amount of
//! work before it is refused. The gateway runs the check (HTTP and WebSocket alike); the
//! schema keeps only async-graphql's parser-level recursion and directive limits, which the
//! check already bounds.

mod analysis;
mod scan;
mod schema_index;

use std::sync::Arc;

use async_graphql::parser::types::OperationType;

use self::analysis::Bounds;
use self::scan::ScanError;
use self::schema_index::SchemaIndex;

/// The limits every request is held to.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Most lexical tokens in a document (names, numbers, strings, punctuators).
    pub max_tokens: usize,
    /// Deepest nesting of brackets (`{`, `(`, `[`) in a document's text.
    pub max_nesting: usize,
    /// Most fragments a document may define.
    pub max_fragments: usize,
    /// Most operations in one document.
    pub max_operations: usize,
    /// Most selections in one operation, fragments expanded.
    pub max_selections: usize,
    /// Most selections in a whole document: every operation, and every fragment no operation
    /// spreads, expanded (what the engine's validation will visit).
    pub max_document_selections: usize,
    /// Deepest nesting of data fields (fragments expanded; introspection is held to
    /// `max_introspection_depth` instead).
    pub max_depth: usize,
    /// Deepest nesting of the introspection lists `fields`, `interfaces`, `possibleTypes` and
    /// `inputFields` (the standard introspection queries nest them once).
    pub max_introspection_depth: usize,
    /// Highest complexity (each field 1, a page of a list its page size times its items).
    pub max_complexity: usize,
    /// Deepest nesting of selection sets the engine accepts (a parser-level safety net).
    pub max_recursive_depth: usize,
    /// Most directives on one field.
    pub max_directives: usize,
    /// Most aliases in one operation, fragments expanded.
    pub max_aliases: usize,
    /// Most distinct fields at the root of one operation, fragments expanded.
    pub max_root_fields: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_tokens: 15_000,
            max_nesting: 64,
            max_fragments: 100,
            max_operations: 20,
            max_selections: 1_000,
            max_document_selections: 5_000,
            max_depth: 12,
            max_introspection_depth: 2,
            max_complexity: 1_000_000,
            max_recursive_depth: 32,
            max_directives: 8,
            max_aliases: 30,
            max_root_fields: 20,
        }
    }
}

/// Why a request was refused before it ran.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct LimitExceeded {
    /// Which limit: `tokens`, `nesting`, `fragments`, `operations`, `selections`,
    /// `documentSelections`, `depth`, `introspectionDepth`, `complexity`, `aliases`,
    /// `rootFields` or `fragmentCycle`.
    pub limit: &'static str,
    /// What the client is told.
    pub message: String,
}

/// The operation a checked request will run.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Checked {
    /// `query`, `mutation` or `subscription`; `None` when the document does not parse or names
    /// no operation that exists (execution reports it).
    pub kind: Option<&'static str>,
    /// The operation's name, if it has one.
    pub name: Option<String>,
    /// Its distinct root fields, fragments expanded (mutations count against rate limits by
    /// this).
    pub root_fields: usize,
}

/// Checks requests against [`Limits`] with what it knows of the schema. Cheap to clone.
#[derive(Debug, Clone)]
pub struct RequestGuard {
    limits: Limits,
    index: Arc<SchemaIndex>,
}

impl RequestGuard {
    /// A guard for the schema whose SDL is `sdl`.
    pub fn new(limits: Limits, sdl: &str) -> Self {
        Self {
            limits,
            index: Arc::new(SchemaIndex::from_sdl(sdl)),
        }
    }

    /// The limits it holds requests to.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Checks one request and tells which operation it will run. The document is parsed into
    /// the request, so execution does not parse it again. A document that does not parse
    /// passes here: execution reports the syntax error with its position.
    ///
    /// # Errors
    /// The first limit crossed, with a message naming it.
    pub fn check(&self, request: &mut async_graphql::Request) -> Result<Checked, LimitExceeded> {
        let limits = &self.limits;
        scan::scan(&request.query, limits.max_tokens, limits.max_nesting).map_err(|error| match error {
            ScanError::Tokens(limit) => LimitExceeded {
                limit: "tokens",
                message: format!("a document may hold at most {limit} tokens; this one holds more"),
            },
            ScanError::Nesting(limit) => LimitExceeded {
                limit: "nesting",
                message: format!("brackets may nest at most {limit} deep; this document nests deeper"),
            },
        })?;
        let variables = request.variables.clone();
        let operation_name = request.operation_name.clone();
        let Ok(document) = request.parsed_query() else {
            return Ok(Checked::default());
        };
        let bounds = Bounds {
            max_fragments: limits.max_fragments,
            max_operations: limits.max_operations,
            max_selections: limits.max_selections,
            max_document_selections: limits.max_document_selections,
            max_depth: limits.max_depth,
            max_introspection_depth: limits.max_introspection_depth,
            max_complexity: limits.max_complexity,
            max_aliases: limits.max_aliases,
            max_root_fields: limits.max_root_fields,
        };
        let executed = analysis::check(document, &self.index, bounds, &variables, operation_name.as_deref()).map_err(
            |exceeded| {
                let limit = match &exceeded {
                    analysis::Exceeded::Fragments { .. } => "fragments",
                    analysis::Exceeded::Operations { .. } => "operations",
                    analysis::Exceeded::Selections(_) => "selections",
                    analysis::Exceeded::DocumentSelections(_) => "documentSelections",
                    analysis::Exceeded::Depth(_) => "depth",
                    analysis::Exceeded::IntrospectionDepth(_) => "introspectionDepth",
                    analysis::Exceeded::Complexity(_) => "complexity",
                    analysis::Exceeded::Aliases(_) => "aliases",
                    analysis::Exceeded::RootFields { .. } => "rootFields",
                    analysis::Exceeded::Cycle(_) => "fragmentCycle",
                };
                LimitExceeded {
                    limit,
                    message: exceeded.to_string(),
                }
            },
        )?;
        Ok(executed.map_or_else(Checked::default, |executed| Checked {
            kind: Some(match executed.kind {
                OperationType::Query => "query",
                OperationType::Mutation => "mutation",
                OperationType::Subscription => "subscription",
            }),
            name: executed.name,
            root_fields: executed.root_fields,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard() -> RequestGuard {
        RequestGuard::new(Limits::default(), &crate::sdl())
    }

    #[test]
    fn every_standard_introspection_query_passes() {
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/introspection");
        let mut checked = 0;
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|extension| extension == "graphql") {
                let query = std::fs::read_to_string(&path).unwrap_or_default();
                let mut request = async_graphql::Request::new(query);
                assert!(guard().check(&mut request).is_ok(), "{}", path.display());
                checked += 1;
            }
        }
        assert!(checked >= 6, "the fixtures are in {}", folder.display());
    }

    #[test]
    fn the_fan_of_thirty_fragments_is_refused_for_what_it_selects() {
        let query = analysis::tests::fan(30, "QueryRoot");
        let refused = guard().check(&mut async_graphql::Request::new(query));
        let Err(refused) = refused else {
            panic!("accepted");
        };
        assert_eq!(refused.limit, "selections");
        assert!(!refused.message.contains("8388607"), "{}", refused.message);
    }

    #[test]
    fn text_limits_come_before_parsing() {
        let deep = "{a".repeat(50_000);
        let refused = guard().check(&mut async_graphql::Request::new(deep));
        assert_eq!(refused.map_err(|error| error.limit), Err("nesting"));
        let long = format!("{{ {} }}", "__typename ".repeat(20_000));
        let refused = guard().check(&mut async_graphql::Request::new(long));
        assert_eq!(refused.map_err(|error| error.limit), Err("tokens"));
    }
}
