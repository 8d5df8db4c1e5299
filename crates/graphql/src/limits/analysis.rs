//! What an operation costs, computed in one pass over the document: every fragment is measured
//! once and its measure reused at each spread (so a chain of fragments that each spread the next
//! twice costs its length, not two to the power of it), and the walk stops at the first limit
//! crossed. Fragments count for what they select.
//!
//! Measured per operation, fragments expanded: selections (fields, spreads and inline
//! fragments), depth of data fields (introspection aside: `__schema` and `__type` subtrees are
//! bounded by the schema and by the introspection rule below instead), nesting of the
//! introspection list fields (`fields`, `interfaces`, `possibleTypes`, `inputFields`, after
//! graphql-js's `MaxIntrospectionDepthRule`), complexity (each field 1, a page of a list its
//! page size times its items), aliases, and the distinct fields at the root.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use async_graphql::Variables;
use async_graphql::parser::types::{ExecutableDocument, Field, OperationType, Selection, SelectionSet};
use async_graphql::{Name, Value};

use super::schema_index::SchemaIndex;

/// The type of introspection fields' values: inside it, every field is introspection.
const INTROSPECTION: &str = "__Introspection";
/// Introspection fields whose nesting multiplies the answer (graphql-js counts the same four).
const INTROSPECTION_LISTS: [&str; 4] = ["fields", "interfaces", "possibleTypes", "inputFields"];

/// The bounds an operation is held to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bounds {
    pub(crate) max_fragments: usize,
    pub(crate) max_operations: usize,
    pub(crate) max_selections: usize,
    pub(crate) max_document_selections: usize,
    pub(crate) max_depth: usize,
    pub(crate) max_introspection_depth: usize,
    pub(crate) max_complexity: usize,
    pub(crate) max_aliases: usize,
    pub(crate) max_root_fields: usize,
}

/// The first bound a document crosses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Exceeded {
    /// More fragments defined than allowed.
    Fragments { limit: usize, found: usize },
    /// More operations in one document than allowed.
    Operations { limit: usize, found: usize },
    /// More selections than allowed, fragments expanded.
    Selections(usize),
    /// More selections in the whole document than allowed (every operation and every fragment
    /// not spread by one, expanded).
    DocumentSelections(usize),
    /// Data fields nested deeper than allowed.
    Depth(usize),
    /// Introspection lists nested deeper than allowed.
    IntrospectionDepth(usize),
    /// A higher complexity than allowed.
    Complexity(usize),
    /// More aliases than allowed.
    Aliases(usize),
    /// More distinct root fields than allowed.
    RootFields { limit: usize, found: usize },
    /// A fragment that spreads itself, directly or through others.
    Cycle(String),
}

impl std::fmt::Display for Exceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Exceeded::Fragments { limit, found } => {
                write!(
                    f,
                    "a document may define at most {limit} fragments; this one defines {found}"
                )
            }
            Exceeded::Operations { limit, found } => {
                write!(
                    f,
                    "a document may hold at most {limit} operations; this one holds {found}"
                )
            }
            Exceeded::Selections(limit) => write!(
                f,
                "an operation may select at most {limit} fields, fragments expanded; this one selects more"
            ),
            Exceeded::DocumentSelections(limit) => write!(
                f,
                "a document may select at most {limit} fields in all, every operation and fragment expanded; this one selects more"
            ),
            Exceeded::Depth(limit) => write!(
                f,
                "Query is nested too deep: fields may nest at most {limit} deep (fragments expanded, introspection aside)"
            ),
            Exceeded::IntrospectionDepth(limit) => write!(
                f,
                "introspection may nest fields, interfaces, possibleTypes and inputFields at most {limit} deep"
            ),
            Exceeded::Complexity(limit) => write!(
                f,
                "Query is too complex: an operation may cost at most {limit} (each field 1, a page of a list its page size times its items); this one costs more"
            ),
            Exceeded::Aliases(limit) => write!(
                f,
                "an operation may use at most {limit} aliases, fragments expanded; this one uses more"
            ),
            Exceeded::RootFields { limit, found } => write!(
                f,
                "an operation may select at most {limit} root fields; this one selects {found}"
            ),
            Exceeded::Cycle(name) => write!(f, "fragment {name} spreads itself"),
        }
    }
}

/// The measure of a selection set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Cost {
    selections: usize,
    depth: usize,
    introspection_depth: usize,
    complexity: usize,
    aliases: usize,
}

struct Walker<'a> {
    document: &'a ExecutableDocument,
    index: &'a SchemaIndex,
    bounds: Bounds,
    variables: &'a Variables,
    defaults: HashMap<&'a str, &'a Value>,
    costs: HashMap<&'a str, Cost>,
    keys: HashMap<&'a str, Rc<BTreeSet<&'a str>>>,
    open: HashSet<&'a str>,
}

impl<'a> Walker<'a> {
    /// Adds `more` to `total`, failing at the first bound crossed.
    fn add(&self, total: &mut Cost, more: Cost) -> Result<(), Exceeded> {
        total.selections = total.selections.saturating_add(more.selections);
        total.depth = total.depth.max(more.depth);
        total.introspection_depth = total.introspection_depth.max(more.introspection_depth);
        total.complexity = total.complexity.saturating_add(more.complexity);
        total.aliases = total.aliases.saturating_add(more.aliases);
        self.within(total)
    }

    fn within(&self, cost: &Cost) -> Result<(), Exceeded> {
        let bounds = &self.bounds;
        if cost.selections > bounds.max_selections {
            return Err(Exceeded::Selections(bounds.max_selections));
        }
        if cost.depth > bounds.max_depth {
            return Err(Exceeded::Depth(bounds.max_depth));
        }
        if cost.introspection_depth > bounds.max_introspection_depth {
            return Err(Exceeded::IntrospectionDepth(bounds.max_introspection_depth));
        }
        if cost.complexity > bounds.max_complexity {
            return Err(Exceeded::Complexity(bounds.max_complexity));
        }
        if cost.aliases > bounds.max_aliases {
            return Err(Exceeded::Aliases(bounds.max_aliases));
        }
        Ok(())
    }

    /// The measure of `set`, whose fields belong to type `on`.
    fn set(&mut self, set: &'a SelectionSet, on: &'a str) -> Result<Cost, Exceeded> {
        let mut total = Cost::default();
        for selection in &set.items {
            let cost = match &selection.node {
                Selection::Field(field) => self.field(&field.node, on)?,
                Selection::InlineFragment(fragment) => {
                    let on = fragment
                        .node
                        .type_condition
                        .as_ref()
                        .map_or(on, |condition| condition.node.on.node.as_str());
                    let mut inner = self.set(&fragment.node.selection_set.node, on)?;
                    inner.selections = inner.selections.saturating_add(1);
                    inner
                }
                Selection::FragmentSpread(spread) => {
                    let mut inner = self.fragment(&spread.node.fragment_name.node)?;
                    inner.selections = inner.selections.saturating_add(1);
                    inner
                }
            };
            self.add(&mut total, cost)?;
        }
        Ok(total)
    }

    /// The measure of a named fragment, computed once.
    fn fragment(&mut self, name: &'a Name) -> Result<Cost, Exceeded> {
        if let Some(cost) = self.costs.get(name.as_str()) {
            return Ok(*cost);
        }
        // An unknown fragment is refused by validation; it costs nothing here.
        let Some(fragment) = self.document.fragments.get(name) else {
            return Ok(Cost::default());
        };
        if !self.open.insert(name.as_str()) {
            return Err(Exceeded::Cycle(name.to_string()));
        }
        let on = fragment.node.type_condition.node.on.node.as_str();
        let cost = self.set(&fragment.node.selection_set.node, on)?;
        self.open.remove(name.as_str());
        self.costs.insert(name.as_str(), cost);
        Ok(cost)
    }

    fn field(&mut self, field: &'a Field, on: &'a str) -> Result<Cost, Exceeded> {
        let name = field.name.node.as_str();
        let aliases = usize::from(field.alias.is_some());
        let in_introspection = on.starts_with("__");
        let (returns, paginated) = if in_introspection {
            (INTROSPECTION, false)
        } else {
            match name {
                "__schema" | "__type" => (INTROSPECTION, false),
                _ => self
                    .index
                    .field(on, name)
                    .map_or(("", false), |info| (info.returns.as_str(), info.paginated)),
            }
        };
        let child = self.set(&field.selection_set.node, returns)?;
        let introspective = returns == INTROSPECTION;
        let counts_as_list = in_introspection && INTROSPECTION_LISTS.contains(&name);
        let complexity = if paginated {
            crate::common::pagination::list_complexity(
                child.complexity,
                self.int_argument(field, "first"),
                self.int_argument(field, "last"),
            )
        } else {
            child.complexity.saturating_add(1)
        };
        let cost = Cost {
            selections: child.selections.saturating_add(1),
            depth: if introspective {
                0
            } else {
                child.depth.saturating_add(1)
            },
            introspection_depth: child.introspection_depth + usize::from(counts_as_list),
            complexity,
            aliases: child.aliases.saturating_add(aliases),
        };
        self.within(&cost)?;
        Ok(cost)
    }

    /// An integer argument of a field, from a literal or a variable (or its default).
    fn int_argument(&self, field: &Field, argument: &str) -> Option<i32> {
        let value = field
            .get_argument(argument)?
            .node
            .clone()
            .into_const_with(|variable: Name| {
                self.variables
                    .get(&variable)
                    .or_else(|| self.defaults.get(variable.as_str()).copied())
                    .cloned()
                    .ok_or(())
            });
        match value {
            Ok(Value::Number(number)) => number.as_i64().and_then(|number| i32::try_from(number).ok()),
            _ => None,
        }
    }

    /// The distinct response keys a root selection set selects, fragments expanded.
    fn root_keys(&mut self, set: &'a SelectionSet, into: &mut BTreeSet<&'a str>) -> Result<(), Exceeded> {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    into.insert(field.node.response_key().node.as_str());
                }
                Selection::InlineFragment(fragment) => self.root_keys(&fragment.node.selection_set.node, into)?,
                Selection::FragmentSpread(spread) => {
                    let keys = self.fragment_keys(&spread.node.fragment_name.node)?;
                    into.extend(keys.iter().copied());
                }
            }
            if into.len() > self.bounds.max_root_fields {
                return Err(Exceeded::RootFields {
                    limit: self.bounds.max_root_fields,
                    found: into.len(),
                });
            }
        }
        Ok(())
    }

    fn fragment_keys(&mut self, name: &'a Name) -> Result<Rc<BTreeSet<&'a str>>, Exceeded> {
        if let Some(keys) = self.keys.get(name.as_str()) {
            return Ok(Rc::clone(keys));
        }
        let mut keys = BTreeSet::new();
        if let Some(fragment) = self.document.fragments.get(name) {
            if !self.open.insert(name.as_str()) {
                return Err(Exceeded::Cycle(name.to_string()));
            }
            self.root_keys(&fragment.node.selection_set.node, &mut keys)?;
            self.open.remove(name.as_str());
        }
        let keys = Rc::new(keys);
        self.keys.insert(name.as_str(), Rc::clone(&keys));
        Ok(keys)
    }
}

/// The operation that will run, as measured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Executed {
    /// Query, mutation or subscription.
    pub(crate) kind: OperationType,
    /// Its name, if it has one.
    pub(crate) name: Option<String>,
    /// Its distinct root fields, fragments expanded.
    pub(crate) root_fields: usize,
}

/// Checks every operation of `document` against `bounds`. Complexity reads page sizes from
/// `variables`, then from the defaults of the operation that will run (`operation_name`, or
/// the only one), which is returned (`None` when no operation matches: execution says so).
///
/// # Errors
/// The first bound crossed.
pub(crate) fn check(
    document: &ExecutableDocument,
    index: &SchemaIndex,
    bounds: Bounds,
    variables: &Variables,
    operation_name: Option<&str>,
) -> Result<Option<Executed>, Exceeded> {
    if document.fragments.len() > bounds.max_fragments {
        return Err(Exceeded::Fragments {
            limit: bounds.max_fragments,
            found: document.fragments.len(),
        });
    }
    let operations = document.operations.iter().count();
    if operations > bounds.max_operations {
        return Err(Exceeded::Operations {
            limit: bounds.max_operations,
            found: operations,
        });
    }
    let mut defaults = HashMap::new();
    let executed = document
        .operations
        .iter()
        .find(|(name, _)| operation_name.is_none_or(|wanted| name.is_some_and(|name| name.as_str() == wanted)));
    if let Some((_, operation)) = &executed {
        for definition in &operation.node.variable_definitions {
            if let Some(default) = &definition.node.default_value {
                defaults.insert(definition.node.name.node.as_str(), &default.node);
            }
        }
    }
    let mut walker = Walker {
        document,
        index,
        bounds,
        variables,
        defaults,
        costs: HashMap::new(),
        keys: HashMap::new(),
        open: HashSet::new(),
    };
    let mut measured = None;
    // The engine's validation visits every operation, and every fragment definition whether
    // spread or not, with fragments expanded: the whole document is held to one budget too.
    let mut document_selections = 0_usize;
    let mut count = |cost: Cost| {
        document_selections = document_selections.saturating_add(cost.selections);
        if document_selections > bounds.max_document_selections {
            Err(Exceeded::DocumentSelections(bounds.max_document_selections))
        } else {
            Ok(())
        }
    };
    for (name, operation) in document.operations.iter() {
        let root = match operation.node.ty {
            OperationType::Query => index.query.as_str(),
            OperationType::Mutation => index.mutation.as_str(),
            OperationType::Subscription => index.subscription.as_str(),
        };
        let set = &operation.node.selection_set.node;
        count(walker.set(set, root)?)?;
        let mut keys = BTreeSet::new();
        walker.root_keys(set, &mut keys)?;
        if executed.as_ref().is_some_and(|(wanted, _)| *wanted == name) {
            measured = Some(Executed {
                kind: operation.node.ty,
                name: name.map(ToString::to_string),
                root_fields: keys.len(),
            });
        }
    }
    for name in document.fragments.keys() {
        let spread_by_an_operation = walker.costs.contains_key(name.as_str());
        let cost = walker.fragment(name)?;
        if !spread_by_an_operation {
            count(cost)?;
        }
    }
    Ok(measured)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    const SDL: &str = "
        type Query { me: User node(id: ID): Node spaces(first: Int, last: Int): SpaceConnection }
        type User { id: ID! name: String friends: [User!]! }
        type SpaceConnection { nodes: [Space!]! }
        type Space { name: String projects(first: Int): ProjectConnection }
        type ProjectConnection { nodes: [Project!]! }
        type Project { name: String }
        interface Node { id: ID! }
        schema { query: Query }";

    const BOUNDS: Bounds = Bounds {
        max_fragments: 100,
        max_operations: 5,
        max_selections: 40,
        max_document_selections: 100,
        max_depth: 4,
        max_introspection_depth: 2,
        max_complexity: 150,
        max_aliases: 3,
        max_root_fields: 2,
    };

    fn run(query: &str) -> Result<(), Exceeded> {
        run_with(query, &Variables::default())
    }

    fn run_with(query: &str, variables: &Variables) -> Result<(), Exceeded> {
        let index = SchemaIndex::from_sdl(SDL);
        let Ok(document) = async_graphql::parser::parse_query(query) else {
            return Err(Exceeded::Cycle("unparsable".into()));
        };
        check(&document, &index, BOUNDS, variables, None).map(|_| ())
    }

    #[test]
    fn tells_which_operation_runs() {
        let index = SchemaIndex::from_sdl(SDL);
        let parsed =
            async_graphql::parser::parse_query("query A { me { id } } query B { me { id } node(id: 1) { id } }");
        let Ok(document) = parsed else {
            panic!("does not parse");
        };
        let executed = check(&document, &index, BOUNDS, &Variables::default(), Some("B"));
        let Ok(Some(executed)) = executed else {
            panic!("{executed:?}");
        };
        assert_eq!(executed.name.as_deref(), Some("B"));
        assert_eq!(executed.root_fields, 2);
        assert_eq!(executed.kind, OperationType::Query);
    }

    /// A chain of `n` fragments on type `on`, each spreading the next twice.
    pub(in crate::limits) fn fan(n: usize, on: &str) -> String {
        let mut query = "{ ...F0 }".to_owned();
        for i in 0..n {
            query.push_str(&format!(
                " fragment F{i} on {on} {{ __typename ...F{} ...F{} }}",
                i + 1,
                i + 1
            ));
        }
        query.push_str(&format!(" fragment F{n} on {on} {{ __typename }}"));
        query
    }

    #[test]
    fn a_fan_of_fragments_is_measured_once_per_fragment_and_stops_at_the_bound() {
        let started = std::time::Instant::now();
        assert_eq!(run(&fan(3, "Query")), Ok(()), "30 selections expanded");
        assert_eq!(
            run(&fan(4, "Query")),
            Err(Exceeded::Selections(40)),
            "62 selections expanded"
        );
        assert_eq!(run(&fan(60, "Query")), Err(Exceeded::Selections(40)));
        // 2^60 expanded steps would never finish; the memo makes it instant.
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn counts_aliases_through_fragments() {
        assert!(run("{ a: me { id } b: me { id } }").is_ok());
        assert!(run("{ a: me { ...F } } fragment F on User { x: id y: id }").is_ok());
        assert_eq!(
            run("{ a: me { ...F } b: me { ...F } } fragment F on User { x: id }"),
            Err(Exceeded::Aliases(3))
        );
    }

    #[test]
    fn counts_distinct_root_fields_through_fragments() {
        assert!(run("{ me { id } node(id: \"x\") { id } }").is_ok());
        assert!(
            run("{ ...Q ...Q me { id } } fragment Q on Query { me { name } }").is_ok(),
            "one key"
        );
        assert_eq!(
            run("{ ...Q me { id } } fragment Q on Query { a: me { id } b: me { id } }"),
            Err(Exceeded::RootFields { limit: 2, found: 3 })
        );
    }

    #[test]
    fn depth_counts_data_fields_not_introspection() {
        assert!(run("{ me { friends { friends { id } } } }").is_ok());
        assert_eq!(
            run("{ me { friends { friends { friends { id } } } } }"),
            Err(Exceeded::Depth(4))
        );
        assert_eq!(
            run("{ me { ...F } } fragment F on User { friends { friends { friends { id } } } }"),
            Err(Exceeded::Depth(4))
        );
        let type_ref =
            "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { name } } } } } } } } }";
        assert!(run(type_ref).is_ok(), "ofType chains are introspection");
    }

    #[test]
    fn introspection_lists_nest_at_most_twice() {
        assert!(run("{ __schema { types { fields { type { fields { name } } } } } }").is_ok());
        assert_eq!(
            run("{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }"),
            Err(Exceeded::IntrospectionDepth(2))
        );
        assert_eq!(
            run(
                "{ __type(name: \"User\") { ...T } } fragment T on __Type { fields { type { interfaces { possibleTypes { name } } } } }"
            ),
            Err(Exceeded::IntrospectionDepth(2))
        );
    }

    #[test]
    fn pages_multiply_what_their_items_cost() {
        // 10 × (nodes 1 + name 1) + 1 = 21; with 100, 201.
        assert!(run("{ spaces(first: 10) { nodes { name } } }").is_ok());
        assert!(run("{ spaces { nodes { name } } }").is_ok(), "the default page is 20");
        assert_eq!(
            run("{ spaces(first: 100) { nodes { name } } }"),
            Err(Exceeded::Complexity(150))
        );
        assert_eq!(
            run("{ spaces(last: 100) { nodes { name } } }"),
            Err(Exceeded::Complexity(150))
        );
        let mut variables = Variables::default();
        variables.insert(Name::new("n"), Value::from(100));
        assert_eq!(
            run_with("query($n: Int) { spaces(first: $n) { nodes { name } } }", &variables),
            Err(Exceeded::Complexity(150))
        );
        assert_eq!(
            run("query($n: Int = 100) { spaces(first: $n) { nodes { name } } }"),
            Err(Exceeded::Complexity(150))
        );
    }

    #[test]
    fn the_whole_document_is_held_to_one_budget() {
        // B selects 30; an operation spreading it, 31: within its own bound of 40.
        let fragment = format!("fragment B on Query {{ {} }}", "me { id } ".repeat(15));
        let operations = |n: usize| -> String { (0..n).map(|i| format!("query Q{i} {{ ...B }} ")).collect() };
        assert!(run(&format!("{}{fragment}", operations(3))).is_ok(), "93 in all");
        assert_eq!(
            run(&format!("{}{fragment}", operations(4))),
            Err(Exceeded::DocumentSelections(100)),
            "124 in all"
        );
        // Fragments no operation spreads still cost what validation will spend on them.
        let unused = "fragment U on Query { ...B } fragment V on Query { ...B }";
        assert_eq!(
            run(&format!("{}{unused} {fragment}", operations(2))),
            Err(Exceeded::DocumentSelections(100))
        );
        let many: String = (0..6).map(|n| format!("query Q{n} {{ me {{ id }} }} ")).collect();
        assert_eq!(run(&many), Err(Exceeded::Operations { limit: 5, found: 6 }));
    }

    #[test]
    fn cycles_and_too_many_fragments_are_refused() {
        assert_eq!(
            run("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }"),
            Err(Exceeded::Cycle("A".into()))
        );
        let many: String = (0..101)
            .map(|i| format!(" fragment F{i} on Query {{ me {{ id }} }}"))
            .collect();
        assert_eq!(
            run(&format!("{{ me {{ id }} }}{many}")),
            Err(Exceeded::Fragments { limit: 100, found: 101 })
        );
    }
}
