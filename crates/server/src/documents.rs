//! What a GraphQL request over HTTP carries and which document it runs: a GET's query string
//! read per the GraphQL-over-HTTP specification (`query`, `operationName`, `variables`,
//! `extensions`), and each request's document resolved from its persisted query hash
//! (`extensions.persistedQuery.sha256Hash`, Apollo's automatic persisted queries) or checked
//! against the trusted documents.

use async_graphql::{BatchRequest, Request, Variables};
use backline_application::persisted::document_to_run;
use backline_application::{App, AppError};

/// Reads a GET request's query string.
///
/// # Errors
/// A `variables` or `extensions` parameter that is not a JSON object.
pub(crate) fn from_query_string(query: &str) -> Result<Request, String> {
    let mut request = Request::new("");
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "query" => request.query = value.into_owned(),
            "operationName" | "operation_name" => {
                request.operation_name = Some(value.into_owned()).filter(|name| !name.is_empty());
            }
            "variables" => {
                let variables: serde_json::Value =
                    serde_json::from_str(&value).map_err(|error| format!("'variables' is not JSON: {error}"))?;
                request.variables = Variables::from_json(variables);
            }
            "extensions" => {
                request.extensions = serde_json::from_str(&value)
                    .map_err(|error| format!("'extensions' is not a JSON object: {error}"))?;
            }
            _ => {}
        }
    }
    Ok(request)
}

/// Whether a GET's query string asks for a GraphQL operation (rather than the GraphiQL page).
pub(crate) fn asks_for_an_operation(query: &str) -> bool {
    url::form_urlencoded::parse(query.as_bytes()).any(|(key, _)| key == "query" || key == "extensions")
}

/// The persisted query hash a request names, if it names one.
fn persisted_hash(request: &Request) -> Option<String> {
    let persisted = request.extensions.0.get("persistedQuery")?;
    match persisted {
        async_graphql::Value::Object(fields) => match fields.get("sha256Hash") {
            Some(async_graphql::Value::String(hash)) => Some(hash.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// Puts into every request of the batch the document it runs.
///
/// # Errors
/// The first request whose document cannot be had (`PERSISTED_QUERY_NOT_FOUND`, a hash that
/// does not match its document, an untrusted document in trusted-documents mode).
pub(crate) async fn resolve(app: &App, batch: &mut BatchRequest) -> Result<(), AppError> {
    let requests: Vec<&mut Request> = match batch {
        BatchRequest::Single(request) => vec![request],
        BatchRequest::Batch(requests) => requests.iter_mut().collect(),
    };
    for request in requests {
        let hash = persisted_hash(request);
        if hash.is_none() && app.settings.trusted_documents.is_none() {
            continue;
        }
        request.query = document_to_run(&app.documents, &request.query, hash.as_deref()).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_query_string_as_the_specification_names_it() -> Result<(), String> {
        let request = from_query_string(
            "query=query%20Q(%24n%3A%20Int)%20%7B%20a%20%7D&operationName=Q&variables=%7B%22n%22%3A1%7D&extensions=%7B%22persistedQuery%22%3A%7B%22version%22%3A1%2C%22sha256Hash%22%3A%22ab%22%7D%7D",
        )?;
        assert_eq!(request.query, "query Q($n: Int) { a }");
        assert_eq!(request.operation_name.as_deref(), Some("Q"));
        assert_eq!(persisted_hash(&request).as_deref(), Some("ab"));
        assert!(from_query_string("variables=nope").is_err());
        assert!(asks_for_an_operation("extensions=%7B%7D") && asks_for_an_operation("query=%7B%7D"));
        assert!(!asks_for_an_operation("") && !asks_for_an_operation("tab=1"));
        Ok(())
    }
}
