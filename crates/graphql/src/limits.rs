//! Query limits beyond async-graphql's own (depth, complexity, recursion, directives): at most
//! `max_aliases` aliases and `max_root_fields` root fields per operation, counted through
//! fragments. The gateway checks them once per operation before executing it; they are not a
//! schema extension because any extension makes async-graphql route every field through the
//! extension chain, which costs more than the check on large responses.

use std::collections::HashMap;

use async_graphql::parser::types::{ExecutableDocument, FragmentDefinition, Selection, SelectionSet};
use async_graphql::{Name, Positioned, ServerError, ServerResult};

/// The limits every request is held to.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Deepest nesting of fields (fragments counted).
    pub max_depth: usize,
    /// Highest complexity (each field 1, lists multiplied by their page size).
    pub max_complexity: usize,
    /// Deepest nesting the parser accepts.
    pub max_recursive_depth: usize,
    /// Most directives on one field.
    pub max_directives: usize,
    /// Most aliases in one operation.
    pub max_aliases: usize,
    /// Most fields at the root of one operation.
    pub max_root_fields: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: 12,
            max_complexity: 1_000_000,
            max_recursive_depth: 32,
            max_directives: 8,
            max_aliases: 30,
            max_root_fields: 20,
        }
    }
}

/// Fragments may be spread many times; a spread chain longer than this is a cycle, which
/// validation will refuse anyway.
const MAX_SPREAD_DEPTH: usize = 32;

struct Counter<'a> {
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    aliases: usize,
}

impl Counter<'_> {
    /// Counts aliases in a selection set, following fragments; returns how many fields it
    /// selects at its own level.
    fn visit(&mut self, set: &SelectionSet, depth: usize) -> usize {
        if depth > MAX_SPREAD_DEPTH {
            return 0;
        }
        let mut fields = 0;
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    fields += 1;
                    if field.node.alias.is_some() {
                        self.aliases += 1;
                    }
                    self.visit(&field.node.selection_set.node, depth + 1);
                }
                Selection::InlineFragment(fragment) => {
                    fields += self.visit(&fragment.node.selection_set.node, depth + 1);
                }
                Selection::FragmentSpread(spread) => {
                    if let Some(fragment) = self.fragments.get(&spread.node.fragment_name.node) {
                        fields += self.visit(&fragment.node.selection_set.node, depth + 1);
                    }
                }
            }
        }
        fields
    }
}

fn check_document(document: &ExecutableDocument, max_aliases: usize, max_root_fields: usize) -> ServerResult<()> {
    for (_, operation) in document.operations.iter() {
        let mut counter = Counter {
            fragments: &document.fragments,
            aliases: 0,
        };
        let root_fields = counter.visit(&operation.node.selection_set.node, 0);
        if root_fields > max_root_fields {
            return Err(ServerError::new(
                format!(
                    "an operation may select at most {max_root_fields} root fields; this one selects {root_fields}"
                ),
                Some(operation.pos),
            ));
        }
        if counter.aliases > max_aliases {
            return Err(ServerError::new(
                format!(
                    "an operation may use at most {max_aliases} aliases; this one uses {}",
                    counter.aliases
                ),
                Some(operation.pos),
            ));
        }
    }
    Ok(())
}

impl Limits {
    /// Checks the alias and root-field limits of a request's document. The document is parsed
    /// into the request, so execution does not parse it again. A document that does not parse
    /// passes here: execution reports the syntax error with its position.
    ///
    /// # Errors
    /// The first operation over a limit, with a message naming the limit.
    pub fn check_request(&self, request: &mut async_graphql::Request) -> Result<(), String> {
        match request.parsed_query() {
            Ok(document) => {
                check_document(document, self.max_aliases, self.max_root_fields).map_err(|error| error.message)
            }
            Err(_) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(query: &str) -> ServerResult<()> {
        let document =
            async_graphql::parser::parse_query(query).map_err(|error| ServerError::new(error.to_string(), None))?;
        check_document(&document, 3, 2)
    }

    #[test]
    fn counts_aliases_through_fragments() {
        assert!(run("{ a: me { id } b: me { id } }").is_ok());
        assert!(run("{ a: me { ...F } } fragment F on User { x: id y: id }").is_ok());
        assert!(run("{ a: me { ...F } b: me { ...F } } fragment F on User { x: id }").is_err());
    }

    #[test]
    fn counts_root_fields_through_fragments() {
        assert!(run("{ me { id } node(id: \"x\") { id } }").is_ok());
        assert!(run("{ ...Q me { id } } fragment Q on Query { a: me { id } b: me { id } }").is_err());
    }
}
