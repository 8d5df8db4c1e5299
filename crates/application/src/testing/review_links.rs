//! Review links in memory.

use backline_domain::ids::{ArtistSpaceId, ReviewLinkId, TrackId};
use backline_domain::review::ReviewLink;
use chrono::{DateTime, Utc};

use super::{Locked, keep_first};
use crate::ports::{RepoError, RepoResult, ReviewCounter, ReviewLinkRepository, Unique};

/// What the fake holds.
#[derive(Default)]
struct State {
    links: Vec<ReviewLink>,
}

/// Review links in memory, with the SQL store's rules: ids and codes are unique
/// (`Duplicate(Unique::Code)` for a taken code), revocation keeps its first time, a link is
/// active while neither revoked nor expired, and counters only ever go up by one.
#[derive(Default)]
pub struct MemoryReviewLinks {
    state: Locked<State>,
}

impl MemoryReviewLinks {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every link, in the order they were stored.
    pub fn links(&self) -> Vec<ReviewLink> {
        self.state.lock().map(|state| state.links.clone()).unwrap_or_default()
    }
}

#[async_trait::async_trait]
impl ReviewLinkRepository for MemoryReviewLinks {
    async fn insert(&self, link: &ReviewLink) -> RepoResult<()> {
        self.state.with(|state| {
            if state.links.iter().any(|held| held.id == link.id) {
                return Err(RepoError::Duplicate(Unique::Other));
            }
            if state.links.iter().any(|held| held.code == link.code) {
                return Err(RepoError::Duplicate(Unique::Code));
            }
            state.links.push(link.clone());
            Ok(())
        })
    }

    async fn by_code(&self, code: &str) -> RepoResult<Option<ReviewLink>> {
        self.state
            .with(|state| Ok(state.links.iter().find(|held| held.code == code).cloned()))
    }

    async fn by_id(&self, id: ReviewLinkId) -> RepoResult<Option<ReviewLink>> {
        self.state
            .with(|state| Ok(state.links.iter().find(|held| held.id == id).cloned()))
    }

    async fn for_track(&self, track: TrackId, limit: u64) -> RepoResult<Vec<ReviewLink>> {
        self.state.with(|state| {
            let mut rows: Vec<ReviewLink> = state
                .links
                .iter()
                .filter(|held| held.track_id == track)
                .cloned()
                .collect();
            rows.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.0.cmp(&a.id.0)));
            keep_first(&mut rows, limit);
            Ok(rows)
        })
    }

    async fn count_active(&self, space: ArtistSpaceId, now: DateTime<Utc>) -> RepoResult<u64> {
        self.state.with(|state| {
            let active = state
                .links
                .iter()
                .filter(|held| {
                    held.artist_space_id == space
                        && held.revoked_at.is_none()
                        && held.expires_at.is_none_or(|at| at > now)
                })
                .count();
            Ok(u64::try_from(active).unwrap_or(u64::MAX))
        })
    }

    async fn revoke(&self, id: ReviewLinkId, now: DateTime<Utc>) -> RepoResult<Option<ReviewLink>> {
        self.state.with(|state| {
            let Some(held) = state.links.iter_mut().find(|held| held.id == id) else {
                return Ok(None);
            };
            if held.revoked_at.is_none() {
                held.revoked_at = Some(now);
            }
            Ok(Some(held.clone()))
        })
    }

    async fn count(&self, id: ReviewLinkId, counter: ReviewCounter) -> RepoResult<()> {
        self.state.with(|state| {
            // Like the SQL UPDATE, an unknown id changes nothing and is no error.
            if let Some(held) = state.links.iter_mut().find(|held| held.id == id) {
                match counter {
                    ReviewCounter::View => held.view_count += 1,
                    ReviewCounter::Play => held.play_count += 1,
                }
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use backline_domain::ids::{ProjectId, UserId};
    use backline_domain::review::ReviewVersions;
    use chrono::Duration;
    use futures::executor::block_on;
    use uuid::Uuid;

    use super::*;

    fn start() -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default()
    }

    fn link(n: u128, code: &str, expires_at: Option<DateTime<Utc>>) -> ReviewLink {
        ReviewLink {
            id: ReviewLinkId(Uuid::from_u128(n)),
            code: code.to_owned(),
            owner_id: UserId(Uuid::from_u128(1)),
            artist_space_id: ArtistSpaceId(Uuid::from_u128(10)),
            project_id: ProjectId(Uuid::from_u128(11)),
            track_id: TrackId(Uuid::from_u128(12)),
            versions: ReviewVersions::Latest,
            file_ids: Vec::new(),
            password_hash: None,
            expires_at,
            allow_download: false,
            allow_comments: true,
            view_count: 0,
            play_count: 0,
            revoked_at: None,
            created_at: start() + Duration::seconds(i64::try_from(n).unwrap_or_default()),
        }
    }

    #[test]
    fn codes_are_unique_and_only_live_links_count() -> RepoResult<()> {
        let links = MemoryReviewLinks::new();
        let space = ArtistSpaceId(Uuid::from_u128(10));
        block_on(links.insert(&link(1, "aaaaaaaaaaaa", None)))?;
        assert!(matches!(
            block_on(links.insert(&link(2, "aaaaaaaaaaaa", None))),
            Err(RepoError::Duplicate(Unique::Code))
        ));
        block_on(links.insert(&link(2, "bbbbbbbbbbbb", Some(start() + Duration::days(1)))))?;
        block_on(links.insert(&link(3, "cccccccccccc", None)))?;
        assert_eq!(block_on(links.count_active(space, start()))?, 3);
        let revoked = block_on(links.revoke(ReviewLinkId(Uuid::from_u128(3)), start()))?;
        assert_eq!(revoked.and_then(|held| held.revoked_at), Some(start()));
        let again = block_on(links.revoke(ReviewLinkId(Uuid::from_u128(3)), start() + Duration::hours(1)))?;
        assert_eq!(
            again.and_then(|held| held.revoked_at),
            Some(start()),
            "the first time is kept"
        );
        assert_eq!(block_on(links.count_active(space, start() + Duration::days(2)))?, 1);
        let newest: Vec<ReviewLinkId> = block_on(links.for_track(TrackId(Uuid::from_u128(12)), 2))?
            .into_iter()
            .map(|held| held.id)
            .collect();
        assert_eq!(
            newest,
            vec![ReviewLinkId(Uuid::from_u128(3)), ReviewLinkId(Uuid::from_u128(2))]
        );
        Ok(())
    }

    #[test]
    fn counters_go_up_one_at_a_time() -> RepoResult<()> {
        let links = MemoryReviewLinks::new();
        let id = ReviewLinkId(Uuid::from_u128(1));
        block_on(links.insert(&link(1, "aaaaaaaaaaaa", None)))?;
        block_on(links.count(id, ReviewCounter::View))?;
        block_on(links.count(id, ReviewCounter::View))?;
        block_on(links.count(id, ReviewCounter::Play))?;
        let held = block_on(links.by_code("aaaaaaaaaaaa"))?;
        assert_eq!(held.map(|held| (held.view_count, held.play_count)), Some((2, 1)));
        Ok(())
    }
}
