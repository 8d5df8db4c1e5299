//! Mutations, grouped by context.

mod collaborators;
mod feedback;
mod identity;
mod labels;
mod media;
mod notifications;
mod review;
mod sharing;
mod workspace;

use async_graphql::MergedObject;

/// Everything that can be changed.
#[derive(MergedObject, Default)]
pub struct MutationRoot(
    identity::IdentityMutation,
    workspace::WorkspaceMutation,
    collaborators::CollaboratorMutation,
    media::MediaMutation,
    feedback::FeedbackMutation,
    notifications::NotificationMutation,
    sharing::SharingMutation,
    review::ReviewMutation,
    labels::LabelMutation,
);
