//! Which document a GraphQL request runs: the text it sends; or, with Apollo's automatic
//! persisted queries, a document registered earlier by its SHA-256 (`extensions.persistedQuery
//! .sha256Hash`); or, in trusted-documents mode (`BACKLINE_TRUSTED_DOCUMENTS`), only documents
//! of a manifest built with the client, so nothing else runs.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::AppSettings;
use crate::error::{AppError, AppResult};

/// The largest document that may be registered by hash.
pub const MAX_PERSISTED_BYTES: usize = 128 * 1024;

/// The documents a trusted-documents server runs, by SHA-256.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedDocuments {
    by_hash: HashMap<String, String>,
}

impl TrustedDocuments {
    /// Reads a manifest: Apollo's persisted query manifest (`{"format":
    /// "apollo-persisted-query-manifest", "operations": [{"id", "body"}, …]}`) or a plain object
    /// of hash to document (GraphQL Code Generator's `persisted-documents.json`). Every hash is
    /// checked against its document.
    ///
    /// # Errors
    /// The manifest does not parse, or a hash does not match its document.
    pub fn from_manifest(text: &str) -> Result<Self, String> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|error| format!("the manifest is not JSON: {error}"))?;
        let pairs: Vec<(String, String)> = match value.get("operations").and_then(|operations| operations.as_array()) {
            Some(operations) => operations
                .iter()
                .map(|operation| {
                    let id = operation["id"].as_str().ok_or("an operation has no \"id\"")?;
                    let body = operation["body"].as_str().ok_or("an operation has no \"body\"")?;
                    Ok((id.to_owned(), body.to_owned()))
                })
                .collect::<Result<_, &str>>()?,
            None => value
                .as_object()
                .ok_or("the manifest is neither Apollo's format nor an object of hash to document")?
                .iter()
                .map(|(hash, body)| {
                    let body = body.as_str().ok_or("a document is not a string")?;
                    Ok((hash.clone(), body.to_owned()))
                })
                .collect::<Result<_, &str>>()?,
        };
        let mut by_hash = HashMap::new();
        for (hash, body) in pairs {
            let hash = hash.to_ascii_lowercase();
            if sha256(&body) != hash {
                return Err(format!("the hash {hash} does not match its document"));
            }
            by_hash.insert(hash, body);
        }
        Ok(Self { by_hash })
    }

    /// How many documents it holds.
    pub fn len(&self) -> usize {
        self.by_hash.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }
}

/// SHA-256 of a document, lower-case hex.
pub fn sha256(document: &str) -> String {
    hex::encode(Sha256::digest(document.as_bytes()))
}

/// GraphQL documents registered by hash (automatic persisted queries) and the trusted-documents
/// mode.
#[derive(Clone)]
pub struct PersistedDocuments {
    /// Documents registered by hash.
    pub(crate) store: std::sync::Arc<dyn crate::ports::PersistedQueryStore>,
    /// Trusted documents and how many registered ones are kept.
    pub(crate) settings: std::sync::Arc<AppSettings>,
}

/// The document a request runs, from its text (`query`, possibly empty) and its persisted
/// query hash, if it gives one.
///
/// - A hash without text: the registered document (`PERSISTED_QUERY_NOT_FOUND` when there is
///   none, which tells Apollo Client to send the text with the hash).
/// - Text with a hash: the hash must be the text's SHA-256 (`BAD_USER_INPUT` otherwise); the
///   text is registered (at most [`MAX_PERSISTED_BYTES`]) and runs.
/// - Text alone runs as it is.
///
/// In trusted-documents mode only the manifest's documents run (`FORBIDDEN` otherwise) and
/// nothing is registered.
pub async fn document_to_run(documents: &PersistedDocuments, query: &str, hash: Option<&str>) -> AppResult<String> {
    let hash = hash.map(str::to_ascii_lowercase);
    if let Some(trusted) = &documents.settings.trusted_documents {
        let wanted = match (&hash, query.is_empty()) {
            (Some(hash), true) => hash.clone(),
            (Some(hash), false) if *hash != sha256(query) => return Err(mismatch()),
            (_, false) => sha256(query),
            (None, true) => return Err(AppError::invalid("query", "the request has no document")),
        };
        return trusted.by_hash.get(&wanted).cloned().ok_or_else(|| {
            AppError::Forbidden("this server runs only its trusted documents; this is not one of them".into())
        });
    }
    let Some(hash) = hash else {
        return Ok(query.to_owned());
    };
    if query.is_empty() {
        return documents
            .store
            .get(&hash)
            .await?
            .ok_or(AppError::PersistedQueryNotFound);
    }
    if sha256(query) != hash {
        return Err(mismatch());
    }
    if query.len() <= MAX_PERSISTED_BYTES {
        documents.store.put(&hash, query).await?;
    }
    Ok(query.to_owned())
}

fn mismatch() -> AppError {
    AppError::invalid(
        "extensions.persistedQuery.sha256Hash",
        "provided sha does not match query",
    )
}

/// Keeps the registered documents to the configured number, dropping the oldest.
pub async fn prune_persisted(documents: &PersistedDocuments) -> AppResult<()> {
    Ok(documents.store.prune(documents.settings.persisted_queries_kept).await?)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::testing::MemoryPersistedQueries;

    fn documents(settings: AppSettings) -> (Arc<MemoryPersistedQueries>, PersistedDocuments) {
        let store = Arc::new(MemoryPersistedQueries::new());
        let documents = PersistedDocuments {
            store: Arc::clone(&store) as _,
            settings: Arc::new(settings),
        };
        (store, documents)
    }

    #[tokio::test]
    async fn a_document_sent_with_its_hash_is_registered_and_then_runs_by_hash() -> AppResult<()> {
        let (store, documents) = documents(AppSettings::default());
        let query = "query Track { track(id: 1) { title } }";
        let hash = sha256(query);
        let unknown = document_to_run(&documents, "", Some(&hash)).await;
        assert!(matches!(unknown, Err(AppError::PersistedQueryNotFound)), "{unknown:?}");
        assert_eq!(
            document_to_run(&documents, query, Some(&hash.to_uppercase())).await?,
            query
        );
        assert_eq!(store.hashes(), vec![hash.clone()]);
        assert_eq!(document_to_run(&documents, "", Some(&hash)).await?, query);
        assert_eq!(
            document_to_run(&documents, "{ me { id } }", None).await?,
            "{ me { id } }"
        );
        assert_eq!(store.hashes().len(), 1, "plain text is not registered");
        Ok(())
    }

    #[tokio::test]
    async fn a_wrong_hash_or_an_oversized_document_registers_nothing() -> AppResult<()> {
        let (store, documents) = documents(AppSettings::default());
        let wrong = document_to_run(&documents, "{ me { id } }", Some(&sha256("other"))).await;
        assert!(
            matches!(&wrong, Err(AppError::InvalidInput { field, .. }) if field == "extensions.persistedQuery.sha256Hash"),
            "{wrong:?}"
        );
        let big = format!("{{ me {{ id }} }}{}", " ".repeat(MAX_PERSISTED_BYTES));
        assert_eq!(document_to_run(&documents, &big, Some(&sha256(&big))).await?, big);
        assert!(store.hashes().is_empty());
        Ok(())
    }

    #[tokio::test]
    async fn trusted_mode_runs_only_the_manifest_and_registers_nothing() -> AppResult<()> {
        let trusted = "query Me { me { id } }";
        let manifest = format!(r#"{{"{}":"{trusted}"}}"#, sha256(trusted));
        let settings = AppSettings {
            trusted_documents: TrustedDocuments::from_manifest(&manifest).ok().map(Arc::new),
            ..AppSettings::default()
        };
        let (store, documents) = documents(settings);
        assert_eq!(document_to_run(&documents, "", Some(&sha256(trusted))).await?, trusted);
        assert_eq!(document_to_run(&documents, trusted, None).await?, trusted);
        let other = "{ __typename }";
        let refused = document_to_run(&documents, other, Some(&sha256(other))).await;
        assert!(matches!(refused, Err(AppError::Forbidden(_))), "{refused:?}");
        assert!(store.hashes().is_empty());
        Ok(())
    }

    #[tokio::test]
    async fn pruning_keeps_the_newest_registrations() -> AppResult<()> {
        let (store, documents) = documents(AppSettings {
            persisted_queries_kept: 2,
            ..AppSettings::default()
        });
        let queries = ["{ a }", "{ b }", "{ c }"];
        for query in queries {
            document_to_run(&documents, query, Some(&sha256(query))).await?;
        }
        prune_persisted(&documents).await?;
        assert_eq!(store.hashes(), vec![sha256("{ b }"), sha256("{ c }")]);
        Ok(())
    }

    #[test]
    fn manifests_are_read_and_checked() {
        let document = "query Me { me { id } }";
        let hash = sha256(document);
        let apollo = format!(
            r#"{{"format":"apollo-persisted-query-manifest","version":1,"operations":[{{"id":"{hash}","name":"Me","type":"query","body":"{document}"}}]}}"#
        );
        assert_eq!(
            TrustedDocuments::from_manifest(&apollo).map(|trusted| trusted.len()),
            Ok(1)
        );
        let plain = format!(r#"{{"{hash}":"{document}"}}"#);
        assert_eq!(
            TrustedDocuments::from_manifest(&plain).map(|trusted| trusted.len()),
            Ok(1)
        );
        let wrong = format!(r#"{{"{}":"{document}"}}"#, sha256("other"));
        assert!(TrustedDocuments::from_manifest(&wrong).is_err());
        assert!(TrustedDocuments::from_manifest("[1]").is_err());
    }

    #[test]
    fn hashes_are_lower_case_hex_sha256() {
        assert_eq!(
            sha256("{ __typename }"),
            "7f56e67dd21ab3f30d1ff8b7bed08893f0a0db86449836189b361dd1e56ddb4b"
        );
    }
}
