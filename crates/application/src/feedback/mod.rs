//! Feedback: time-synced comments on versions, threads of replies, likes, resolution, pins
//! and @mentions. Permissions follow the matrix's Comment column, judged on the track; authors
//! may always edit, delete and resolve their own comments while they can read the track.

mod comments;
mod listing;
mod live;
mod service;

pub use service::Feedback;

pub use comments::{
    AddComment, CommentChange, add_comment, change_comment, delete_comment, edit_comment, find_comment, like_comment,
    reply_to_comment, unlike_comment,
};
pub use listing::{CommentDetails, comment_details, comments_of, count_comments_of, replies_of};
pub use live::{comment_events, track_events};
