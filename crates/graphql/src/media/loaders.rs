//! This context's dataloaders: files, images and documents by id, a track's file pages and chosen versions, batched per request through use cases that
//! authorize the whole batch.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use backline_application::media::{TrackVersion, files_by_ids, files_in, find_documents, find_images, track_files};
use backline_domain::ids::{DocumentId, FileId, ImageId};
use backline_domain::media::{Document, Image, MediaFile};
use backline_domain::page::{Page, PageRequest};
use backline_domain::workspace::ResourcePath;

use crate::common::error::gql;
use crate::common::loaders::{Batch, LoadResult, by_id, by_request, track_of};

by_id!(FileId, MediaFile, media, files_by_ids);

impl Loader<ImageId> for Batch {
    type Value = Image;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[ImageId]) -> LoadResult<ImageId, Image> {
        Ok(find_images(&self.app.media, keys)
            .await
            .map_err(gql)?
            .into_iter()
            .map(|image| (image.id, image))
            .collect())
    }
}

impl Loader<DocumentId> for Batch {
    type Value = Document;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[DocumentId]) -> LoadResult<DocumentId, Document> {
        Ok(find_documents(&self.app.media, keys)
            .await
            .map_err(gql)?
            .into_iter()
            .map(|document| (document.id, document))
            .collect())
    }
}

/// Key of the file-page loader: a track and a page request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct FilesOf(pub(crate) ResourcePath, pub(crate) PageRequest);

impl Loader<FilesOf> for Batch {
    type Value = Page<MediaFile>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[FilesOf]) -> LoadResult<FilesOf, Page<MediaFile>> {
        let pairs: Vec<_> = keys.iter().map(|key| (key.0, key.1)).collect();
        let mut out = HashMap::new();
        for (request, tracks) in by_request(&pairs) {
            let pages = files_in(&self.app.media, &self.actor, &tracks, request)
                .await
                .map_err(gql)?;
            for path in tracks {
                if let Some(page) = track_of(path).and_then(|track| pages.get(&track)) {
                    out.insert(FilesOf(path, request), page.clone());
                }
            }
        }
        Ok(out)
    }
}

/// Key of the single-version loader: a track and which of its versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct TrackFile(pub(crate) ResourcePath, pub(crate) TrackVersion);

impl Loader<TrackFile> for Batch {
    type Value = MediaFile;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[TrackFile]) -> LoadResult<TrackFile, MediaFile> {
        let mut out = HashMap::new();
        for which in [TrackVersion::Latest, TrackVersion::Final] {
            let paths: Vec<_> = keys.iter().filter(|key| key.1 == which).map(|key| key.0).collect();
            if paths.is_empty() {
                continue;
            }
            let mut found = track_files(&self.app.media, &self.actor, &paths, which)
                .await
                .map_err(gql)?;
            for path in paths {
                if let Some(file) = track_of(path).and_then(|track| found.remove(&track)) {
                    out.insert(TrackFile(path, which), file);
                }
            }
        }
        Ok(out)
    }
}
