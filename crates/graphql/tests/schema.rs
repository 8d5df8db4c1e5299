//! The committed `schema.graphql` is the code's schema, and every type, field, argument and
//! enum value in it is described (GraphiQL's docs pane is what product managers read).

use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};

const COMMITTED: &str = include_str!("../../../schema.graphql");

#[test]
fn committed_sdl_matches_the_code() {
    assert!(
        backline_graphql::sdl() == COMMITTED,
        "schema.graphql is stale: run `cargo run -p backline_server -- export-schema > schema.graphql`"
    );
}

#[test]
fn everything_in_the_schema_is_described() -> Result<(), Box<dyn std::error::Error>> {
    let document = parse_schema(COMMITTED)?;
    let mut missing = Vec::new();
    for definition in &document.definitions {
        let TypeSystemDefinition::Type(ty) = definition else {
            continue;
        };
        let ty = &ty.node;
        let name = ty.name.node.as_str();
        if ty.description.is_none() {
            missing.push(name.to_owned());
        }
        match &ty.kind {
            TypeKind::Object(object) => {
                for field in &object.fields {
                    if field.node.description.is_none() {
                        missing.push(format!("{name}.{}", field.node.name.node));
                    }
                    for argument in &field.node.arguments {
                        if argument.node.description.is_none() {
                            missing.push(format!("{name}.{}({})", field.node.name.node, argument.node.name.node));
                        }
                    }
                }
            }
            TypeKind::Interface(interface) => {
                for field in &interface.fields {
                    if field.node.description.is_none() {
                        missing.push(format!("{name}.{}", field.node.name.node));
                    }
                }
            }
            TypeKind::InputObject(input) => {
                for field in &input.fields {
                    if field.node.description.is_none() {
                        missing.push(format!("{name}.{}", field.node.name.node));
                    }
                }
            }
            TypeKind::Enum(values) => {
                for value in &values.values {
                    if value.node.description.is_none() {
                        missing.push(format!("{name}.{}", value.node.value.node));
                    }
                }
            }
            TypeKind::Scalar | TypeKind::Union(_) => {}
        }
    }
    assert!(missing.is_empty(), "undescribed: {missing:#?}");
    Ok(())
}
