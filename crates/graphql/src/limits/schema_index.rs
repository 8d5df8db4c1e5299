//! What the limits need to know of the schema: for each object and interface field, the type it
//! returns and whether it is a paginated list (it takes `first`). Read once from the schema's
//! SDL when the server starts.

use std::collections::HashMap;

use async_graphql::parser::types::{BaseType, Type, TypeKind, TypeSystemDefinition};

/// One field of an object or interface type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldInfo {
    /// The named type it returns, lists and non-null unwrapped.
    pub(crate) returns: String,
    /// Whether it is a page of a list (`first`/`last`): its items cost page size times.
    pub(crate) paginated: bool,
}

/// Fields by type, and the root types.
#[derive(Debug, Clone, Default)]
pub(crate) struct SchemaIndex {
    fields: HashMap<String, HashMap<String, FieldInfo>>,
    pub(crate) query: String,
    pub(crate) mutation: String,
    pub(crate) subscription: String,
}

fn named(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name.as_str(),
        BaseType::List(inner) => named(inner),
    }
}

impl SchemaIndex {
    /// Reads an SDL document. A document that does not parse gives an index that knows no
    /// field (every field then costs as a plain one).
    pub(crate) fn from_sdl(sdl: &str) -> Self {
        let mut index = Self {
            query: "Query".into(),
            mutation: "Mutation".into(),
            subscription: "Subscription".into(),
            ..Self::default()
        };
        let Ok(document) = async_graphql::parser::parse_schema(sdl) else {
            return index;
        };
        for definition in document.definitions {
            match definition {
                TypeSystemDefinition::Schema(schema) => {
                    let schema = schema.node;
                    if let Some(query) = schema.query {
                        index.query = query.node.to_string();
                    }
                    if let Some(mutation) = schema.mutation {
                        index.mutation = mutation.node.to_string();
                    }
                    if let Some(subscription) = schema.subscription {
                        index.subscription = subscription.node.to_string();
                    }
                }
                TypeSystemDefinition::Type(definition) => {
                    let definition = definition.node;
                    let fields = match definition.kind {
                        TypeKind::Object(object) => object.fields,
                        TypeKind::Interface(interface) => interface.fields,
                        _ => continue,
                    };
                    let fields = fields
                        .into_iter()
                        .map(|field| {
                            let field = field.node;
                            let paginated = field
                                .arguments
                                .iter()
                                .any(|argument| argument.node.name.node == "first");
                            let info = FieldInfo {
                                returns: named(&field.ty.node).to_owned(),
                                paginated,
                            };
                            (field.name.node.to_string(), info)
                        })
                        .collect();
                    index.fields.insert(definition.name.node.to_string(), fields);
                }
                TypeSystemDefinition::Directive(_) => {}
            }
        }
        index
    }

    /// The field `name` of type `on`, when both are known.
    pub(crate) fn field(&self, on: &str, name: &str) -> Option<&FieldInfo> {
        self.fields.get(on)?.get(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_roots_and_pages() {
        let index = SchemaIndex::from_sdl(
            "type Q { me: User spaces(first: Int, after: String): SpaceConnection! }
             type User { name: String! friends: [User!]! }
             interface Node { id: ID! }
             schema { query: Q }",
        );
        assert_eq!(index.query, "Q");
        assert_eq!(index.mutation, "Mutation");
        assert_eq!(
            index.field("Q", "spaces"),
            Some(&FieldInfo {
                returns: "SpaceConnection".into(),
                paginated: true
            })
        );
        assert_eq!(
            index.field("User", "friends").map(|field| field.returns.as_str()),
            Some("User")
        );
        assert!(index.field("User", "friends").is_some_and(|field| !field.paginated));
        assert!(index.field("Node", "id").is_some());
        assert!(index.field("User", "nope").is_none());
    }
}
