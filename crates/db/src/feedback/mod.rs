//! Feedback: comments, replies, likes and mentions.

pub(crate) mod comments;

pub use comments::SqlCommentRepository;
